"""A group's health on SQLite and PostgreSQL: the tables' numbers checked against rows we
create (members joining over months, posts and answers for activity, events and "yes"
answers), the inline SVG charts (role="img", a title, no script), and who may see it."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from community.extensions import db
from community.forums.models import Post, Topic
from community.groups.membership import GROUPS
from community.groups.models import GroupMember
from community.meetups import health
from community.meetups.models import Answer, Event, EventKind, Rsvp
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.meetups.factories import MEMBER, PRIVATE, make_admin, make_group, make_moderator


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def table(page: str, table_id: str) -> list[list[str]]:
    """The rows of a table, each as its cells' texts."""
    body = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page, re.S).group(1)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("</thead>")[-1], re.S)]


def month_back(now: datetime, n: int) -> datetime:
    """The 15th of the month ``n`` months before ``now``'s, at noon."""
    month = now.month - 1 - n
    return datetime(now.year + month // 12, month % 12 + 1, 15, 12)


@pytest.fixture
def world(app):
    now = utcnow()
    owner = make_user(app, "Olga Owner", "olga@example.com")
    people = [make_user(app, f"Person {n}", f"p{n}@example.com") for n in range(6)]
    outsider = make_user(app, "Oscar Outsider", "oscar@example.com")
    slug = make_group(app, owner.id, "Lyon Users", PRIVATE,
                      members=[(p.id, MEMBER) for p in people])
    with app.app_context():
        group = GROUPS.find(slug)
        # Joined: owner 20 months ago (before the window), p0 and p1 5 months ago, p2 this
        # month's start... each at a known month; the rest this month (as the factory did).
        joined = {owner.id: 20, people[0].id: 5, people[1].id: 5, people[2].id: 2}
        for user_id, back in joined.items():
            db.session.get(GroupMember, (group.id, user_id)).joined_at = month_back(now, back)
        # Activity: p0 posted 10 days ago, p1 answered an event 60 days ago, p2 posted 200
        # days ago (not active), the outsider posted yesterday (not a member).
        topic = Topic(category_id=group.category_id, author_id=owner.id, title="Hello",
                      slug="hello")
        db.session.add(topic)
        db.session.flush()
        for number, (author, days) in enumerate(
                [(people[0].id, 10), (people[2].id, 200), (outsider.id, 1)], start=1):
            db.session.add(Post(topic_id=topic.id, number=number, author_id=author,
                                body_md="hi", created_at=now - timedelta(days=days)))
        # Answers to events were given 100 days ago (not active) but p1's "maybe".
        # Events: two 3 months ago (one with 3 yes, 1 no), one cancelled 3 months ago
        # (2 yes), one last month (1 yes), one upcoming in 40 days (not in attendance).
        def event(back, yes=(), no=(), cancelled=False, start=None):
            start = start or month_back(now, back)
            row = Event(group_id=group.id, organiser_id=owner.id, title="Meetup",
                        kind=EventKind.ONLINE, online_url="https://meet.example/x",
                        starts_at=start, ends_at=start + timedelta(hours=1),
                        timezone="UTC", cancelled_at=now if cancelled else None)
            db.session.add(row)
            db.session.flush()
            for user_id in yes:
                db.session.add(Rsvp(event_id=row.id, user_id=user_id, answer=Answer.YES,
                                    answered_at=now - timedelta(days=100)))
            for user_id in no:
                db.session.add(Rsvp(event_id=row.id, user_id=user_id, answer=Answer.NO,
                                    answered_at=now - timedelta(days=100)))
        event(3, yes=[people[0].id, people[3].id, people[4].id], no=[people[5].id])
        event(3)
        event(3, yes=[people[0].id, people[1].id], cancelled=True)
        event(1, yes=[people[1].id])
        event(0, start=now + timedelta(days=40), yes=[people[4].id])
        db.session.add(Rsvp(event_id=db.session.query(Event).filter(
            Event.starts_at > now).one().id, user_id=people[1].id, answer=Answer.MAYBE,
            answered_at=now - timedelta(days=60)))
        db.session.commit()
    return {"owner": owner, "people": people, "outsider": outsider, "slug": slug, "now": now}


def test_the_numbers_match_the_rows(app, world):
    now = world["now"]
    with app.app_context():
        result = health.health_of(GROUPS.find(world["slug"]), now)
    months = health.months_until(now)
    assert [r.month for r in result.members] == months and len(months) == 12
    by_month = {r.month: r.value for r in result.members}
    joined = result.joined
    assert joined[months[-6]] == 2 and joined[months[-3]] == 1 and joined[months[-1]] == 3
    assert by_month[months[0]] == 1  # the owner, who joined before the window
    assert by_month[months[-6]] == 3 and by_month[months[-3]] == 4 and by_month[months[-1]] == 7
    assert result.member_count == 7
    assert result.active == [(30, 1), (90, 2)]  # p0 posted; p1 answered 60 days ago
    events = {r.month: r.value for r in result.events}
    attendance = {r.month: r.value for r in result.attendance}
    assert events[months[-4]] == 2 and events[months[-2]] == 1 and sum(events.values()) == 3
    assert attendance[months[-4]] == 3 and attendance[months[-2]] == 1
    assert sum(attendance.values()) == 4


def test_the_page_shows_tables_and_accessible_charts(app, world):
    client = as_user(app, "olga@example.com")
    response = client.get(f"/groups/{world['slug']}/health")
    assert response.status_code == 200
    page = helpers.text(response)
    members = table(page, "members-table")
    assert len(members) == 12 and members[-1][1:] == ["3", "7"] and members[0][2] == "1"
    assert [row[1] for row in table(page, "active-table")] == ["1", "2", "7"]
    assert sum(int(row[1]) for row in table(page, "events-table")) == 3
    assert sum(int(row[1]) for row in table(page, "attendance-table")) == 4
    assert page.count('role="img"') == 4 and page.count("<title id=") == 4
    assert "<script" not in page.split("<main")[-1].split("</main>")[0]
    assert "members who left are not counted" in html.unescape(page)
    assert "@example.com" not in page.split("<main")[-1]


def test_owners_admins_and_staff_see_it_others_do_not(app, world):
    url = f"/groups/{world['slug']}/health"
    make_admin(app)
    make_moderator(app)
    for email in ("ada@example.com", "mo@example.com"):
        assert as_user(app, email).get(url).status_code == 200, email
    for email in ("p0@example.com", "oscar@example.com"):
        assert as_user(app, email).get(url).status_code == 403, email
    assert app.test_client().get(url).status_code in (302, 401)
    assert as_user(app, "olga@example.com").get("/groups/nowhere/health").status_code == 404


def test_an_empty_group_draws_flat_charts(app, world):
    slug = make_group(app, world["owner"].id, "Quiet Club", PRIVATE)
    page = helpers.text(as_user(app, "olga@example.com").get(f"/groups/{slug}/health"))
    assert [row[1] for row in table(page, "active-table")] == ["0", "0", "1"]
    assert sum(int(row[1]) for row in table(page, "events-table")) == 0
