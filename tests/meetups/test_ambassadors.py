"""Ambassadors on SQLite and PostgreSQL: the help score from rows we create (accepted
answers and helpful marks in the group's category, events organised and attended), the
owners' page and its mark/unmark, the notification, the badge in the directory, the
community team's list across groups, and who is refused."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.models import HelpfulMark, Post, Topic
from community.groups.membership import GROUPS
from community.groups.models import GroupMember
from community.meetups import ambassadors
from community.meetups.models import Answer, Event, EventKind, Rsvp
from community.notify import service as notify_service
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form, queries_for
from tests.meetups.factories import (
    MANAGER,
    MEMBER,
    PRIVATE,
    SECRET,
    make_admin,
    make_group,
    make_moderator,
)


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def topic_with_answer(group, asker_id, answerer_id, n, accepted=True, marks=()):
    topic = Topic(category_id=group.category_id, author_id=asker_id, title=f"Question {n}",
                  slug=f"question-{n}", is_question=True)
    db.session.add(topic)
    db.session.flush()
    question = Post(topic_id=topic.id, number=1, author_id=asker_id, body_md="?")
    answer = Post(topic_id=topic.id, number=2, author_id=answerer_id, body_md="!")
    db.session.add_all([question, answer])
    db.session.flush()
    if accepted:
        topic.accepted_post_id = answer.id
    for marker in marks:
        db.session.add(HelpfulMark(post_id=answer.id, user_id=marker))
    return topic


def event(group, organiser_id, days_ago, cancelled=False, yes=(), no=()):
    start = utcnow() - timedelta(days=days_ago)
    row = Event(group_id=group.id, organiser_id=organiser_id, title="Meetup",
                kind=EventKind.IN_PERSON, place="Lyon", starts_at=start,
                ends_at=start + timedelta(hours=2), timezone="Europe/Paris",
                cancelled_at=utcnow() if cancelled else None)
    db.session.add(row)
    db.session.flush()
    for user_id in yes:
        db.session.add(Rsvp(event_id=row.id, user_id=user_id, answer=Answer.YES))
    for user_id in no:
        db.session.add(Rsvp(event_id=row.id, user_id=user_id, answer=Answer.NO))
    return row


@pytest.fixture
def world(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    bea = make_user(app, "Bea Builder", "bea@example.com")
    carl = make_user(app, "Carl Coder", "carl@example.com")
    dan = make_user(app, "Dan Drifter", "dan@example.com")
    outsider = make_user(app, "Oscar Outsider", "oscar@example.com")
    slug = make_group(app, owner.id, "Lyon Users", PRIVATE,
                      members=[(bea.id, MEMBER), (carl.id, MANAGER), (dan.id, MEMBER)])
    with app.app_context():
        group = GROUPS.find(slug)
        # Bea: 2 accepted answers (one with 2 helpful marks), 1 answer not accepted with 1 mark.
        topic_with_answer(group, dan.id, bea.id, 1, marks=(dan.id, carl.id))
        topic_with_answer(group, carl.id, bea.id, 2)
        topic_with_answer(group, dan.id, bea.id, 3, accepted=False, marks=(owner.id,))
        # A self-mark does not count; an outsider's answer is not ranked.
        topic_with_answer(group, dan.id, outsider.id, 4, marks=(dan.id,))
        db.session.flush()
        own = db.session.scalar(sa.select(Post).where(Post.author_id == bea.id))
        db.session.add(HelpfulMark(post_id=own.id, user_id=bea.id))
        # Carl organised 2 events (plus a cancelled one) and attended one; Dan attended two
        # past events; a future event and a cancelled one count for nobody.
        event(group, carl.id, 40, yes=(dan.id, bea.id))
        event(group, carl.id, 10, yes=(dan.id, carl.id), no=(bea.id,))
        event(group, carl.id, 5, cancelled=True, yes=(dan.id,))
        event(group, owner.id, -3, yes=(dan.id,)).organiser_id = None
        db.session.commit()
    return {"owner": owner, "bea": bea, "carl": carl, "dan": dan, "outsider": outsider,
            "slug": slug}


def test_scores_count_each_kind_of_help_from_the_rows(app, world):
    with app.app_context():
        group = GROUPS.find(world["slug"])
        scores = {s.user.id: s for s in ambassadors.ranking(group)}
        bea, carl, dan = (scores[world[k].id] for k in ("bea", "carl", "dan"))
        assert (bea.accepted, bea.helpful, bea.organised, bea.attended) == (2, 3, 0, 1)
        assert (carl.accepted, carl.helpful, carl.organised, carl.attended) == (0, 0, 2, 1)
        assert (dan.accepted, dan.helpful, dan.organised, dan.attended) == (0, 0, 0, 2)
        assert bea.total == 3 * 2 + 3 + 1 and carl.total == 3 * 2 + 1 and dan.total == 2
        assert world["outsider"].id not in scores and world["owner"].id not in scores
        assert [s.user.id for s in ambassadors.ranking(group)] == [
            world["bea"].id, world["carl"].id, world["dan"].id]


def test_owners_rank_mark_and_unmark_and_the_member_is_told(app, world):
    client = as_user(app, "olga@example.com")
    url = f"/groups/{world['slug']}/ambassadors"
    page = text(client.get(url))
    assert page.index("Bea Builder") < page.index("Carl Coder") < page.index("Dan Drifter")
    assert "oscar" not in page.lower()
    target = f"{url}/{world['carl'].id}"
    assert post_form(client, target, {"ambassador": "on"}, get_url=url).status_code == 302
    with app.app_context():
        group = GROUPS.find(world["slug"])
        member = db.session.get(GroupMember, (group.id, world["carl"].id))
        assert member.ambassador and member.ambassador_since is not None
    assert post_form(client, target, {"ambassador": "on"}, get_url=url).status_code == 302
    with app.test_request_context():
        told = [s.text for _n, s in notify_service.recent(db.session.get(User, world["carl"].id))]
    assert told == ["You are now an ambassador of the group Lyon Users."]
    # The badge in the directory and on the profile.
    carl = as_user(app, "carl@example.com")
    directory = text(carl.get(f"/groups/{world['slug']}/directory"))
    assert directory.count("badge-ambassador") == 1
    profile = helpers.text(carl.get("/u/carl-coder"))
    assert "Lyon Users" in profile and "badge-ambassador" in profile
    assert post_form(client, target, {"ambassador": "off"}, get_url=url).status_code == 302
    with app.app_context():
        member = db.session.get(GroupMember, (GROUPS.find(world["slug"]).id, world["carl"].id))
        assert not member.ambassador and member.ambassador_since is None


def test_only_owners_and_admins_rank_and_mark(app, world):
    url = f"/groups/{world['slug']}/ambassadors"
    target = f"{url}/{world['dan'].id}"
    make_moderator(app)
    for email in ("carl@example.com", "bea@example.com", "mo@example.com"):
        client = as_user(app, email)
        assert client.get(url).status_code == 403, email
        token = helpers.hidden_fields(helpers.text(client.get("/settings/directory")))
        response = client.post(target, data={**token, "ambassador": "on"})
        assert response.status_code == 403, email
    outsider = as_user(app, "oscar@example.com")
    assert outsider.get(url).status_code == 403
    secret = make_group(app, world["owner"].id, "Hidden Ring", SECRET)
    assert outsider.get(f"/groups/{secret}/ambassadors").status_code == 404
    assert outsider.get(f"/groups/{secret}/health").status_code == 404
    make_admin(app)
    admin = as_user(app, "ada@example.com")
    assert admin.get(url).status_code == 200
    assert post_form(admin, target, {"ambassador": "on"}, get_url=url).status_code == 302
    with app.app_context():
        assert db.session.get(GroupMember, (GROUPS.find(world["slug"]).id,
                                            world["dan"].id)).ambassador


def test_marking_refuses_a_non_member_bad_values_and_a_missing_token(app, world):
    client = as_user(app, "olga@example.com")
    url = f"/groups/{world['slug']}/ambassadors"
    response = post_form(client, f"{url}/{world['outsider'].id}", {"ambassador": "on"},
                         get_url=url)
    assert response.status_code == 302
    assert "not a member of the group" in text(client.get(url))
    for bad in ("yes", "", "on\x00", "x" * 5000):
        response = post_form(client, f"{url}/{world['dan'].id}", {"ambassador": bad},
                             get_url=url)
        assert response.status_code == 302
    assert client.post(f"{url}/{world['dan'].id}", data={"ambassador": "on"}).status_code \
        in (302, 400)
    assert client.post(f"{url}/99999999999", data={}).status_code == 404
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
            GroupMember.ambassador.is_(True)))


def test_the_community_team_sees_ambassadors_across_groups(app, world):
    other = make_group(app, world["owner"].id, "Hidden Ring", SECRET,
                       members=[(world["dan"].id, MEMBER)])
    with app.app_context():
        for slug, user_id in ((world["slug"], world["bea"].id), (other, world["dan"].id)):
            ambassadors.mark(db.session.get(User, world["owner"].id), GROUPS.find(slug),
                             user_id, True)
        db.session.commit()
    make_moderator(app)
    for email in ("mo@example.com",):
        page = text(as_user(app, email).get("/groups/ambassadors"))
        assert "Hidden Ring" in page and "Dan Drifter" in page
        assert "Lyon Users" in page and "Bea Builder" in page
    for email in ("olga@example.com", "bea@example.com"):
        assert as_user(app, email).get("/groups/ambassadors").status_code == 403


def test_the_ranking_costs_the_same_for_more_helpers(app, world):
    client = as_user(app, "olga@example.com")
    url = f"/groups/{world['slug']}/ambassadors"
    client.get(url)  # the first page after logging in does the session's own work
    before = queries_for(app, client, url)
    with app.app_context():
        group = GROUPS.find(world["slug"])
        for n in range(8):
            helper = User(handle=f"h{n}", display_name=f"Helper {n}", email=f"h{n}@x.org",
                          email_normalized=f"h{n}@x.org", password_hash="!")
            db.session.add(helper)
            db.session.flush()
            db.session.add(GroupMember(group_id=group.id, user_id=helper.id))
            topic_with_answer(group, world["dan"].id, helper.id, 100 + n)
        db.session.commit()
    assert queries_for(app, client, url) == before
