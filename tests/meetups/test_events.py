"""Events over HTTP on SQLite and PostgreSQL: creating and editing (managers only), the page
for each kind of reader, answering with the waiting list, cancelling, the recap, and who sees
the online link."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from community.extensions import db
from community.meetups.models import Event, EventKind
from community.timeutil import utcnow
from tests.helpers import hidden_fields, post_form
from tests.meetups.test_events_support import (
    MANAGER,
    MEMBER,
    answer,
    answers,
    as_user,
    get_event,
    kinds_of,
    make_event,
    make_group,
    people,
    shown_to,
    text,
)

LINK = "https://meet.example.com/r/42"


def _future(days=10, hour=18) -> datetime:
    day = (utcnow() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0)


def _form(**overrides) -> dict:
    start = _future()
    data = {"title": "Lyon apéro", "description": "Bring *friends*.", "kind": "in_person",
            "place": "Le Bistrot, Lyon", "online_url": "",
            "starts": start.strftime("%Y-%m-%dT%H:%M"),
            "ends": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "Europe/Paris", "capacity": "20"}
    data.update(overrides)
    return data


def _setup(app, visibility="public"):
    users = people(app, "olive", "manon", "mia", "otto")
    slug = make_group(app, users["olive"].id, visibility=visibility,
                      members=[(users["manon"].id, MANAGER), (users["mia"].id, MEMBER)])
    return users, slug


def _only_event(app) -> Event:
    with app.app_context():
        event = db.session.scalars(sa.select(Event)).one()
        db.session.expunge(event)
        return event


# ---- creating and editing ----

def test_a_manager_creates_an_event_stored_in_utc(app):
    users, slug = _setup(app)
    manon = as_user(app, "manon@example.com")
    response = post_form(manon, f"/groups/{slug}/events/new", _form())
    assert response.status_code == 302, text(response)
    event = _only_event(app)
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert event.organiser_id == users["manon"].id and event.kind is EventKind.IN_PERSON
    start = _future()
    offset = event.starts_at - start  # Paris is UTC+1 or +2
    assert offset in (timedelta(hours=-1), timedelta(hours=-2))
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    assert event.capacity == 20 and "<p>Bring <em>friends</em>.</p>" in event.description_html
    page = text(manon.get(f"/events/{event.id}"))
    assert "Lyon apéro" in page and "Le Bistrot, Lyon" in page and "Europe/Paris" in page
    assert "18:00" in page


def test_members_and_outsiders_may_not_create(app):
    users, slug = _setup(app)
    for email in ("mia@example.com", "otto@example.com"):
        client = as_user(app, email)
        assert client.get(f"/groups/{slug}/events/new").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/groups/{slug}/events/new").status_code == 302  # log in


def test_an_online_event_needs_an_http_link(app):
    _users, slug = _setup(app)
    manon = as_user(app, "manon@example.com")
    url = f"/groups/{slug}/events/new"
    for bad in ("", "javascript:alert(1)", "ftp://example.com/x", "https://", "http:// x.com",
                "data:text/html,<script>alert(1)</script>", "//evil.example.com"):
        response = post_form(manon, url, _form(kind="online", online_url=bad, place=""))
        assert response.status_code == 422, bad
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    response = post_form(manon, url, _form(kind="online", online_url=LINK, place=""))
    assert response.status_code == 302
    event = _only_event(app)
    assert event.online_url == LINK and event.place == ""


def test_an_event_in_person_needs_a_place(app):
    _users, slug = _setup(app)
    manon = as_user(app, "manon@example.com")
    response = post_form(manon, f"/groups/{slug}/events/new", _form(place=""))
    assert response.status_code == 422 and "Give the place of the event." in text(response)


def test_times_capacity_and_zone_are_checked(app):
    _users, slug = _setup(app)
    manon = as_user(app, "manon@example.com")
    url = f"/groups/{slug}/events/new"
    start = _future()
    cases = {
        "The end must come after the start.": _form(
            ends=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
        "capacity is a number from 1": _form(capacity="0"),
        "capacity is a number from 1 ": _form(capacity="-1"),
        "capacity is a number from 1  ": _form(capacity="99999999999999999999"),
        "Choose a time zone from the list.": _form(timezone="Mars/Olympus"),
        "Choose a time zone from the list. ": _form(timezone="../../etc/passwd"),
        "The start must be in the future.": _form(
            starts=(utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            ends=(utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
        "Choose a date within the next": _form(starts="9999-12-31T23:00",
                                               ends="9999-12-31T23:30"),
    }
    for message, data in cases.items():
        response = post_form(manon, url, data)
        assert response.status_code == 422, message
        assert message.strip() in text(response), message
    response = post_form(manon, url, _form(starts="not a date"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_a_nonexistent_local_time_is_refused_and_an_ambiguous_one_too(app):
    _users, slug = _setup(app)
    manon = as_user(app, "manon@example.com")
    url = f"/groups/{slug}/events/new"
    year = utcnow().year + 1
    # Europe/Paris: clocks go forward on the last Sunday of March at 02:00 -> 03:00.
    march = max(datetime(year, 3, d) for d in range(25, 32) if datetime(year, 3, d).weekday() == 6)
    gap = march.replace(hour=2, minute=30)
    response = post_form(manon, url, _form(starts=gap.strftime("%Y-%m-%dT%H:%M"),
                                           ends=gap.replace(hour=5).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 422
    assert "does not exist in Europe/Paris" in text(response)
    october = max(datetime(year, 10, d) for d in range(25, 32)
                  if datetime(year, 10, d).weekday() == 6)
    fold = october.replace(hour=2, minute=30)
    response = post_form(manon, url, _form(starts=fold.strftime("%Y-%m-%dT%H:%M"),
                                           ends=fold.replace(hour=5).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 422 and "happens twice in Europe/Paris" in text(response)


def test_editing_the_start_bumps_the_sequence_clears_reminders_and_tells_attendees(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id, starts=utcnow() + timedelta(hours=20),
                          day_reminder_at=utcnow())
    answer(app, event_id, users["mia"].id, "yes")
    answer(app, event_id, users["otto"].id, "maybe")
    manon = as_user(app, "manon@example.com")
    url = f"/events/{event_id}/edit"
    page = manon.get(url)
    assert page.status_code == 200 and "Lyon meetup" in text(page)
    start = _future(days=3)
    response = post_form(manon, url, _form(title="Lyon meetup, later", capacity=""))
    assert response.status_code == 302, text(response)
    event = get_event(app, event_id)
    assert event.sequence == 1 and event.day_reminder_at is None and event.capacity is None
    assert event.title == "Lyon meetup, later"
    assert kinds_of(app, users["mia"].id)[-1] == "event_changed"
    assert kinds_of(app, users["otto"].id)[-1] == "event_changed"
    assert "event_changed" not in kinds_of(app, users["manon"].id)
    assert "Lyon meetup, later (Lyon Users) changed its time or place." in shown_to(
        app, users["mia"].id)
    del start


def test_only_managers_edit_cancel_and_write_the_recap(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id)
    past_id = make_event(app, slug, users["manon"].id, starts=utcnow() - timedelta(days=2))
    mia = as_user(app, "mia@example.com")
    token = hidden_fields(text(mia.get(f"/events/{event_id}")))["csrf_token"]
    assert mia.get(f"/events/{event_id}/edit").status_code == 403
    assert mia.post(f"/events/{event_id}/edit", data={"csrf_token": token}).status_code == 403
    assert mia.post(f"/events/{event_id}/cancel", data={"csrf_token": token}).status_code == 403
    assert mia.get(f"/events/{past_id}/recap").status_code == 403
    assert get_event(app, event_id).cancelled_at is None


# ---- answering, the waiting list ----

def test_answering_yes_maybe_no_over_http(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id, capacity=2)
    mia = as_user(app, "mia@example.com")
    url = f"/events/{event_id}"
    response = post_form(mia, f"{url}/rsvp", {"answer": "yes"}, get_url=url)
    assert response.status_code == 302
    assert answers(app, event_id) == {users["mia"].id: "yes"}
    assert "You are going." in text(mia.get(url))
    post_form(mia, f"{url}/rsvp", {"answer": "maybe"}, get_url=url)
    assert answers(app, event_id) == {users["mia"].id: "maybe"}
    post_form(mia, f"{url}/rsvp", {"answer": "no"}, get_url=url)
    assert answers(app, event_id) == {users["mia"].id: "no"}
    for bad in ("waiting", "", "YES", "<script>alert(1)</script>"):
        post_form(mia, f"{url}/rsvp", {"answer": bad}, get_url=url)
        assert answers(app, event_id) == {users["mia"].id: "no"}


def test_a_full_event_puts_yes_on_the_waiting_list_promoted_in_order(app):
    users, slug = _setup(app)
    extra = people(app, "wes", "wyn")
    event_id = make_event(app, slug, users["manon"].id, capacity=2)
    assert answer(app, event_id, users["mia"].id, "yes") == "yes"
    assert answer(app, event_id, users["otto"].id, "yes") == "yes"
    assert answer(app, event_id, extra["wes"].id, "yes") == "waiting"
    assert answer(app, event_id, extra["wyn"].id, "yes") == "waiting"
    event = get_event(app, event_id)
    assert (event.going_count, event.waiting_count) == (2, 2)
    wyn = as_user(app, "wyn@example.com")
    assert "You are on the waiting list: number 2." in text(wyn.get(f"/events/{event_id}"))
    # Mia cancels over HTTP: Wes (first waiting) gets her seat and is told.
    mia = as_user(app, "mia@example.com")
    post_form(mia, f"/events/{event_id}/rsvp", {"answer": "no"}, get_url=f"/events/{event_id}")
    assert answers(app, event_id)[extra["wes"].id] == "yes"
    assert answers(app, event_id)[extra["wyn"].id] == "waiting"
    assert kinds_of(app, extra["wes"].id) == ["event_promoted"]
    assert kinds_of(app, extra["wyn"].id) == []
    assert "A seat freed up: you are going to Lyon meetup (Lyon Users)." in shown_to(
        app, extra["wes"].id)
    assert "You are on the waiting list: number 1." in text(wyn.get(f"/events/{event_id}"))
    event = get_event(app, event_id)
    assert (event.going_count, event.waiting_count) == (2, 1)
    # Mia says yes again: she waits behind Wyn.
    assert answer(app, event_id, users["mia"].id, "yes") == "waiting"
    # Otto's maybe frees a seat: Wyn, not Mia.
    answer(app, event_id, users["otto"].id, "maybe")
    assert answers(app, event_id)[extra["wyn"].id] == "yes"
    assert answers(app, event_id)[users["mia"].id] == "waiting"


def test_a_larger_capacity_promotes_the_waiting(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id, capacity=1)
    answer(app, event_id, users["mia"].id, "yes")
    answer(app, event_id, users["otto"].id, "yes")
    manon = as_user(app, "manon@example.com")
    event = get_event(app, event_id)
    from community.meetups import events as service
    with app.app_context():
        start = service.local_start(event).replace(tzinfo=None)
    data = _form(title=event.title, place=event.place, capacity="5",
                 starts=start.strftime("%Y-%m-%dT%H:%M"),
                 ends=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert post_form(manon, f"/events/{event_id}/edit", data).status_code == 302
    assert answers(app, event_id)[users["otto"].id] == "yes"
    event = get_event(app, event_id)
    assert (event.going_count, event.waiting_count, event.sequence) == (2, 0, 1)
    assert kinds_of(app, users["otto"].id) == ["event_promoted"]
    assert kinds_of(app, users["mia"].id) == []  # nothing moved for her


def test_a_member_removed_from_the_group_frees_their_seat(app):
    users, slug = _setup(app, "private")
    from community.groups.membership import GROUPS
    from community.meetups import events as service
    event_id = make_event(app, slug, users["manon"].id, capacity=1)
    answer(app, event_id, users["mia"].id, "yes")
    answer(app, event_id, users["manon"].id, "yes")
    with app.app_context():
        group = GROUPS.find(slug)
        assert service.forget_member(group, users["mia"].id) == 1
        db.session.commit()
    assert answers(app, event_id) == {users["manon"].id: "yes"}
    assert kinds_of(app, users["manon"].id) == ["event_promoted"]


def test_who_may_answer(app):
    users, slug = _setup(app, "private")
    event_id = make_event(app, slug, users["manon"].id)
    otto = as_user(app, "otto@example.com")  # not a member: the event does not exist
    token = hidden_fields(text(otto.get("/settings/calendar")))["csrf_token"]
    response = otto.post(f"/events/{event_id}/rsvp", data={"csrf_token": token,
                                                           "answer": "yes"})
    assert response.status_code == 404
    assert answers(app, event_id) == {}
    # Public group: any verified member answers; an unverified one is sent to confirm.
    pub_slug = make_group(app, users["olive"].id, "Paris Users")
    pub_id = make_event(app, pub_slug, users["olive"].id)
    response = post_form(otto, f"/events/{pub_id}/rsvp", {"answer": "yes"},
                         get_url=f"/events/{pub_id}")
    assert answers(app, pub_id) == {users["otto"].id: "yes"}
    from tests.conftest import make_user
    make_user(app, "Una", "una@example.com", verified=False)
    una = as_user(app, "una@example.com")
    response = post_form(una, f"/events/{pub_id}/rsvp", {"answer": "yes"},
                         get_url=f"/events/{pub_id}")
    assert response.status_code == 302 and "/settings" in response.headers["Location"]
    assert len(answers(app, pub_id)) == 1


def test_a_past_event_keeps_its_answers_and_takes_a_recap(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id)
    answer(app, event_id, users["mia"].id, "yes")
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow() - timedelta(days=3)
        event.ends_at = utcnow() - timedelta(days=3) + timedelta(hours=2)
        db.session.commit()
    mia = as_user(app, "mia@example.com")
    url = f"/events/{event_id}"
    post_form(mia, f"{url}/rsvp", {"answer": "no"}, get_url=url)
    assert answers(app, event_id) == {users["mia"].id: "yes"}
    page = text(mia.get(url))
    assert "Past event" in page and "Mia" in page
    manon = as_user(app, "manon@example.com")
    response = post_form(manon, f"{url}/recap",
                         {"recap": "We met **20** people. <script>alert(1)</script>"})
    assert response.status_code == 302
    page = mia.get(url).get_data(as_text=True)
    assert "<strong>20</strong>" in page and "<script>alert(1)</script>" not in page
    # The recap of an event not ended yet is refused.
    future_id = make_event(app, slug, users["manon"].id)
    response = post_form(manon, f"/events/{future_id}/recap", {"recap": "Too soon"})
    assert response.status_code == 422
    assert "once the event has ended" in text(response)


def test_cancelling_tells_those_coming_and_closes_answers(app):
    users, slug = _setup(app)
    extra = people(app, "wes")
    event_id = make_event(app, slug, users["manon"].id, capacity=1)
    answer(app, event_id, users["mia"].id, "yes")
    answer(app, event_id, users["otto"].id, "maybe")
    answer(app, event_id, extra["wes"].id, "yes")  # waiting
    answer(app, event_id, users["olive"].id, "no")
    manon = as_user(app, "manon@example.com")
    url = f"/events/{event_id}"
    assert post_form(manon, f"{url}/cancel", {}, get_url=url).status_code == 302
    event = get_event(app, event_id)
    assert event.cancelled_at is not None and event.sequence == 1
    for name in ("mia", "otto"):
        assert kinds_of(app, users[name].id) == ["event_cancelled"]
    assert kinds_of(app, extra["wes"].id) == ["event_cancelled"]
    assert kinds_of(app, users["olive"].id) == []
    assert "Lyon meetup (Lyon Users) is cancelled." in shown_to(app, users["mia"].id)
    mia = as_user(app, "mia@example.com")
    post_form(mia, f"{url}/rsvp", {"answer": "no"}, get_url=url)
    assert answers(app, event_id)[users["mia"].id] == "yes"
    assert "Cancelled" in text(mia.get(url))


# ---- who sees what ----

def test_the_online_link_is_only_for_yes_and_managers(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id, online=True, url=LINK)
    answer(app, event_id, users["otto"].id, "maybe")
    url = f"/events/{event_id}"
    assert LINK not in app.test_client().get(url).get_data(as_text=True)
    assert LINK not in app.test_client().get(f"{url}/event.ics").get_data(as_text=True)
    for email in ("mia@example.com", "otto@example.com"):
        client = as_user(app, email)
        assert LINK not in client.get(url).get_data(as_text=True)
        assert LINK not in client.get(f"{url}/event.ics").get_data(as_text=True)
    for email in ("manon@example.com", "olive@example.com"):
        client = as_user(app, email)
        assert LINK in client.get(url).get_data(as_text=True)
    answer(app, event_id, users["mia"].id, "yes")
    mia = as_user(app, "mia@example.com")
    assert LINK in mia.get(url).get_data(as_text=True)
    assert LINK in mia.get(f"{url}/event.ics").get_data(as_text=True)


def test_events_of_private_and_secret_groups_are_404_to_outsiders(app):
    users, slug = _setup(app, "private")
    secret = make_group(app, users["olive"].id, "Hidden Circle", "secret",
                        members=[(users["mia"].id, MEMBER)])
    private_id = make_event(app, slug, users["manon"].id, title="Private meetup")
    secret_id = make_event(app, secret, users["olive"].id, title="Secret meetup")
    otto = as_user(app, "otto@example.com")
    for client in (app.test_client(), otto):
        for event_id in (private_id, secret_id):
            assert client.get(f"/events/{event_id}").status_code == 404
            assert client.get(f"/events/{event_id}/event.ics").status_code == 404
            assert client.get(f"/events/{event_id}/recap").status_code in (302, 404)
        assert client.get(f"/groups/{slug}/events").status_code == 404
        assert client.get(f"/groups/{secret}/events").status_code == 404
    mia = as_user(app, "mia@example.com")
    assert "Secret meetup" in text(mia.get(f"/events/{secret_id}"))
    assert "Private meetup" in text(mia.get(f"/groups/{slug}/events"))
    assert mia.get("/events/99999").status_code == 404
    assert mia.get(f"/events/{2**31}").status_code == 404


def test_the_group_events_page_and_partial(app):
    users, slug = _setup(app)
    make_event(app, slug, users["manon"].id, title="Soon")
    make_event(app, slug, users["manon"].id, title="Long ago",
               starts=utcnow() - timedelta(days=30))
    page = text(app.test_client().get(f"/groups/{slug}/events"))
    assert page.index("Soon") < page.index("Long ago")
    group_page = text(app.test_client().get(f"/groups/{slug}"))
    assert "Soon" in group_page and "Long ago" not in group_page
    assert "Plan an event" not in page
    assert "Plan an event" in text(as_user(app, "manon@example.com").get(
        f"/groups/{slug}/events"))
    from flask import render_template

    from community.groups.membership import GROUPS
    from community.meetups import events as service
    with app.test_request_context():
        group = GROUPS.find(slug)
        upcoming = service.upcoming_for(group, None)
        assert [e.title for e in upcoming] == ["Soon"]
        html = render_template("events/_group_events.html", group=group, events=upcoming)
        assert "Soon" in html and "Long ago" not in html


def test_an_attendee_list_and_waiting_position_show_on_the_page(app):
    users, slug = _setup(app)
    event_id = make_event(app, slug, users["manon"].id, capacity=1)
    answer(app, event_id, users["mia"].id, "yes")
    answer(app, event_id, users["otto"].id, "yes")
    page = text(app.test_client().get(f"/events/{event_id}"))
    assert "Mia" in page and "Otto" in page and "Waiting list" in page
