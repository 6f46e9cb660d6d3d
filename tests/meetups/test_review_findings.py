"""Defects found reviewing the groups (#14), each proved through the app on SQLite and
PostgreSQL: the test failed before its fix."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import Role, User
from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import DirectoryProfile, GroupMember
from community.meetups.models import Answer, CalendarFeed, Event, Rsvp
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, mails_to, post_form, queries_for
from tests.meetups.factories import MEMBER, PUBLIC, make_group
from tests.meetups.test_events_support import answer, answers, make_event


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


# ---- e-mail invitations: the daily limit cannot be walked around ----

def test_inviting_the_same_address_again_and_again_is_not_a_way_round_the_daily_limit(
        make_app):
    """Each invitation replaced the previous one to the same address (its row deleted), so
    the inviter's count of the day never grew: one address could be sent any number of
    e-mails."""
    app = make_app(GROUP_INVITES_PER_DAY=3)
    owner = make_user(app, "Olga Owner", "olga@example.com")
    slug = make_group(app, owner.id, "Lyon Users")
    client = as_user(app, owner.email)
    for _attempt in range(6):
        post_form(client, f"/groups/{slug}/invite",
                  {"action": "email", "email": "victim@example.com"})
    outbox = Path(app.config["OUTBOX_DIR"])
    assert len(mails_to(outbox, "victim@example.com")) == 1
    response = post_form(client, f"/groups/{slug}/invite",
                         {"action": "email", "email": "Victim@Example.com"})
    assert response.status_code == 422
    assert "This address was already invited to the group today" in text(response)



# ---- a public group made private: outsiders' seats ----

def test_a_public_group_made_private_frees_the_seats_outsiders_held_at_its_events(app):
    """Outsiders may answer a public group's events. Once the owner makes the group private
    they no longer see those events (404), yet they kept their seats: the event stayed full
    for the members waiting, and the outsiders were still counted as going."""
    olive = make_user(app, "Olive", "olive@example.com")
    mia = make_user(app, "Mia", "mia@example.com")
    otto = make_user(app, "Otto", "otto@example.com")
    slug = make_group(app, olive.id, "Lyon Users", PUBLIC, members=[(mia.id, MEMBER)])
    event_id = make_event(app, slug, olive.id, capacity=1)
    assert answer(app, event_id, otto.id, "yes") == "yes"
    assert answer(app, event_id, mia.id, "yes") == "waiting"
    owner = as_user(app, olive.email)
    response = post_form(owner, f"/groups/{slug}/edit", {
        "name": "Lyon Users", "description": "", "rules": "", "visibility": "private"})
    assert response.status_code == 302
    assert as_user(app, otto.email).get(f"/events/{event_id}").status_code == 404
    assert answers(app, event_id) == {mia.id: "yes"}
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.going_count, event.waiting_count) == (1, 0)


# ---- a deleted account's answers to past events ----

def test_deleting_an_account_recounts_the_past_events_it_attended(app):
    """The deletion took away the answers to past events too, without recounting them: the
    past event's page still said "2 going" with one person listed."""
    olive = make_user(app, "Olive", "olive@example.com")
    bea = make_user(app, "Bea", "bea@example.com")
    slug = make_group(app, olive.id, "Lyon Users", PUBLIC, members=[(bea.id, MEMBER)])
    event_id = make_event(app, slug, olive.id, starts=utcnow() - timedelta(days=3))
    with app.app_context():
        for user_id in (olive.id, bea.id):
            db.session.add(Rsvp(event_id=event_id, user_id=user_id, answer=Answer.YES,
                                answered_at=utcnow() - timedelta(days=5)))
        db.session.get(Event, event_id).going_count = 2
        db.session.commit()
        data.delete_account(db.session.get(User, bea.id))
        db.session.commit()
    with app.app_context():
        assert db.session.get(Event, event_id).going_count == 1
    assert "1 going" in text(app.test_client().get(f"/events/{event_id}"))


# ---- first writes of a member's own row, twice at once (PostgreSQL) ----

def _at_once(app, email: str, path: str, data: dict, times: int = 6) -> list[int]:
    clients = []
    for _n in range(times):
        client = as_user(app, email)
        token = hidden_fields(client.get(path).get_data(as_text=True)).get("csrf_token")
        clients.append((client, token))
    start = threading.Barrier(times)
    statuses: list[int] = []

    def work(client, token):
        start.wait()
        statuses.append(client.post(path, data={"csrf_token": token, **data}).status_code)

    threads = [threading.Thread(target=work, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_creating_my_calendar_address_twice_at_once_is_no_500(app):
    """Both requests found no feed row (nothing to lock) and both inserted one: the second
    broke the primary key, a 500 for a double click."""
    make_user(app, "Olive", "olive@example.com")
    for _round in range(3):
        with app.app_context():
            db.session.execute(sa.delete(CalendarFeed))
            db.session.commit()
        statuses = _at_once(app, "olive@example.com", "/settings/calendar", {"action": "renew"})
        assert len(statuses) == 6 and all(status < 500 for status in statuses), statuses


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_saving_my_directory_card_twice_at_once_is_no_500(app):
    make_user(app, "Olive", "olive@example.com")
    for _round in range(3):
        with app.app_context():
            db.session.execute(sa.delete(DirectoryProfile))
            db.session.commit()
        statuses = _at_once(app, "olive@example.com", "/settings/directory",
                            {"company": "Acme", "location": "Lyon"})
        assert len(statuses) == 6 and all(status < 500 for status in statuses), statuses


# ---- a suspended member's calendar feed ----

def test_a_suspended_members_calendar_feed_stops_working(app):
    """The feed's address opened for a suspended account (only deleted ones were refused),
    so the member moderators shut out still got the private group's events and online links,
    unlike the roadmap's feeds, which need an active account."""
    olive = make_user(app, "Olive", "olive@example.com")
    mia = make_user(app, "Mia", "mia@example.com")
    slug = make_group(app, olive.id, "Lyon Users", "private", members=[(mia.id, MEMBER)])
    event_id = make_event(app, slug, olive.id, online=True, url="https://meet.example.com/r/9")
    answer(app, event_id, mia.id, "yes")
    client = as_user(app, mia.email)
    token = hidden_fields(text(client.get("/settings/calendar")))["csrf_token"]
    page = text(client.post("/settings/calendar", data={"csrf_token": token,
                                                         "action": "renew"}))
    [address] = re.findall(r"https?://[^\s\"<]+/calendar/[^\s\"<]+\.ics", page)
    path = "/" + address.split("/", 3)[3]
    visitor = app.test_client()
    assert b"meet.example.com/r/9" in visitor.get(path).get_data()
    with app.app_context():
        db.session.get(User, mia.id).suspended_at = utcnow()
        db.session.commit()
    assert visitor.get(path).status_code == 404


# ---- the community team's list of ambassadors ----

def test_the_teams_ambassador_list_links_to_pages_the_team_may_open(app):
    """Each group on /groups/ambassadors linked to the group's ranking, which only its
    owners (and admins) open: a moderator or the product team met a 403 on every link."""
    olive = make_user(app, "Olive", "olive@example.com")
    bea = make_user(app, "Bea", "bea@example.com")
    slug = make_group(app, olive.id, "Hidden Ring", "secret", members=[(bea.id, MEMBER)])
    with app.app_context():
        member = db.session.scalar(sa.select(GroupMember).where(
            GroupMember.group_id == GROUPS.find(slug).id, GroupMember.user_id == bea.id))
        member.ambassador, member.ambassador_since = True, utcnow()
        db.session.commit()
    make_user(app, "Mo", "mo@example.com", role=Role.MODERATOR)
    moderator = as_user(app, "mo@example.com")
    page = moderator.get("/groups/ambassadors").get_data(as_text=True)
    links = set(re.findall(rf'href="(/groups/{slug}[^"]*)"', page))
    assert links
    for link in links:
        assert moderator.get(link).status_code == 200, link


# ---- the calendar feed's queries ----

def _feed_path(client) -> str:
    token = hidden_fields(text(client.get("/settings/calendar")))["csrf_token"]
    page = text(client.post("/settings/calendar", data={"csrf_token": token,
                                                         "action": "renew"}))
    [address] = re.findall(r"https?://[^\s\"<]+/calendar/[^\s\"<]+\.ics", page)
    return "/" + address.split("/", 3)[3]


def test_the_calendar_feed_costs_the_same_for_more_groups(app):
    """Whether the reader manages each event's group was asked group by group (a query per
    group of the feed's online events)."""
    olive = make_user(app, "Olive", "olive@example.com")
    mia = make_user(app, "Mia", "mia@example.com")

    def one_more(n: int) -> None:
        slug = make_group(app, olive.id, f"Group {n}", members=[(mia.id, MEMBER)])
        answer(app, make_event(app, slug, olive.id, online=True), mia.id, "yes")

    one_more(0)
    path = _feed_path(as_user(app, mia.email))
    visitor = app.test_client()
    before = queries_for(app, visitor, path)
    for n in range(1, 6):
        one_more(n)
    assert queries_for(app, visitor, path) == before
    assert visitor.get(path).get_data().count(b"meet.example.com/r/42") == 6


def test_a_secret_group_never_holds_the_plain_slug_of_its_name(app):
    """Creating "Lyon Insiders" next to a secret "Lyon Insiders" must not give "lyon-insiders-2"
    (the suffix would tell the creator a group they cannot see exists), and the secret
    group's address cannot be guessed from its name."""
    owner = make_user(app, "Olga Owner", "olga@example.com")
    outsider = make_user(app, "Oscar Outsider", "oscar@example.com")
    secret = make_group(app, owner.id, "Lyon Insiders", "secret")
    assert secret != "lyon-insiders" and secret.startswith("lyon-insiders-")
    assert re.fullmatch(r"lyon-insiders-[0-9a-f]{6}", secret)
    client = as_user(app, "oscar@example.com")
    assert client.get("/groups/lyon-insiders").status_code == 404
    assert make_group(app, outsider.id, "Lyon Insiders") == "lyon-insiders"
