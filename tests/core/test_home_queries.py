"""The home page runs a bounded number of queries, the same with 3 or 40 of everything it shows
(topics, replies, ideas, followed ideas' status changes, events, ballots, changelog entries):
each section loads its rows, their authors and categories in a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.clubs.membership import CLUBS
from community.extensions import db
from community.forums.models import Post, Topic
from community.groups.membership import GROUPS
from community.ideas.models import Follow, Idea, Status, StatusChange
from community.meetups.models import Event, EventKind
from community.roadmap.models import ChangelogEntry, ClubBallot
from community.timeutil import utcnow
from tests.conftest import login
from tests.core import home_world
from tests.helpers import queries_for

MEMBER_BOUND = 16  # a signed-in member's home, the request's own queries included (13 today)
VISITOR_BOUND = 6  # 5 today: the four public sections and the transaction's BEGIN


def grow(app, world, n: int, start: int) -> None:
    """Add ``n`` of every kind the home shows, numbered from ``start``, by several people."""
    ids = world.ids
    authors = [ids["bob"], ids["carl"], ids["pat"], ids["mo"]]
    now = utcnow()
    club_category = home_world.club_category(app, "acme-insiders")
    with app.app_context():
        club = CLUBS.find("acme-insiders")
        group = GROUPS.find("secret-garden-circle")
        for i in range(start, start + n):
            author = authors[i % len(authors)]
            for category, label in ((world.general, "Open"), (club_category, "Club"),
                                    (group.category_id, "Group")):
                topic = Topic(category_id=category, author_id=author, title=f"{label} {i}",
                              slug=f"t-{i}", is_question=i % 2 == 0, created_at=now,
                              last_posted_at=now, last_poster_id=authors[(i + 1) % 4],
                              max_number=2, reply_count=1)
                db.session.add(topic)
                db.session.flush()
                db.session.add_all([
                    Post(topic_id=topic.id, number=1, author_id=author, body_md="x",
                         body_html="<p>x</p>", created_at=now),
                    Post(topic_id=topic.id, number=2, author_id=authors[(i + 1) % 4],
                         body_md="y", body_html="<p>y</p>", created_at=now)])
            idea = Idea(title=f"Idea {i}", slug=f"idea-{i}", author_id=author, vote_count=i,
                        trending_score=i * 1000, top_score=float(i))
            db.session.add(idea)
            db.session.flush()
            db.session.add_all([
                Follow(idea_id=idea.id, user_id=ids["gina"]),
                StatusChange(idea_id=idea.id, actor_id=ids["pat"], from_status=Status.OPEN,
                             to_status=Status.PLANNED, created_at=now),
                Event(group_id=group.id, title=f"Event {i}", kind=EventKind.ONLINE,
                      online_url="https://meet.example.com/x", place="",
                      starts_at=now + timedelta(days=i + 1),
                      ends_at=now + timedelta(days=i + 1, hours=1), timezone="UTC"),
                ClubBallot(club_id=club.id, version=i + 2, published_by_id=ids["pat"],
                           published_at=now),
                ChangelogEntry(title=f"Shipped {i}", members_only=i % 2 == 0),
            ])
        db.session.commit()


@pytest.fixture
def world(app):
    return home_world.build(app)


def test_the_member_home_runs_the_same_bounded_queries_with_few_or_many_rows(app, client,
                                                                             world):
    grow(app, world, 3, 0)
    assert login(client, "gina@example.com").status_code == 302
    client.get("/")  # the visit and the day's first request are noted before counting
    few = queries_for(app, client, "/")
    grow(app, world, 37, 3)
    many = queries_for(app, client, "/")
    assert few == many, (few, many)
    assert many <= MEMBER_BOUND, many


def test_the_visitor_home_runs_the_same_bounded_queries_with_few_or_many_rows(app, client,
                                                                              world):
    grow(app, world, 3, 0)
    few = queries_for(app, client, "/")
    assert queries_for(app, client, "/") == 0  # the visitors' kept page: no query at all
    grow(app, world, 37, 3)  # written tables: the kept page is stale
    many = queries_for(app, client, "/")
    assert few == many, (few, many)
    assert many <= VISITOR_BOUND, many
