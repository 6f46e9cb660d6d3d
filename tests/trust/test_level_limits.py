"""Trust levels set the limits (votes an hour, reviews a day, links and posts, invitations) and
are recomputed on activity: through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.ideas.models import Vote
from community.reviews.models import Review
from community.timeutil import utcnow
from community.trust import levels
from community.trust.weights import BASIC, MEMBER, NEW, REGULAR
from tests.conftest import login, make_user
from tests.forums.conftest import forum  # noqa: F401  (the fixture)
from tests.helpers import post_form, text
from tests.ideas.factories import make_idea
from tests.reviews.factories import make_product


def test_each_level_allows_more_and_staff_are_not_limited():
    order = [levels.limits_for(level) for level in (NEW, BASIC, MEMBER, REGULAR)]
    for lower, higher in zip(order, order[1:], strict=False):
        for field in ("links_per_post", "posts_per_hour", "votes_per_hour", "reviews_per_day"):
            a, b = getattr(lower, field), getattr(higher, field)
            assert b is None or (a is not None and b >= a), field
    assert levels.limits_for(NEW, staff=True) == levels.UNLIMITED
    assert levels.limits_for(42) == levels.limits_for(NEW)


def _vote_all(client, idea_ids):
    return [post_form(client, f"/ideas/{i}/vote", {"importance": "2"},
                      get_url="/settings").status_code for i in idea_ids]


@pytest.mark.parametrize(("level", "allowed"), [(NEW, 30), (MEMBER, 120)])
def test_votes_an_hour_follow_the_level(app, level, allowed):
    author = make_user(app, "Ada Author", "ada@example.com")
    make_user(app, "Val Voter", "val@example.com", trust_level=level)
    ideas = [make_idea(app, author.id, f"Idea {n}") for n in range(min(allowed, 30) + 1)]
    client = app.test_client()
    login(client, "val@example.com")
    statuses = _vote_all(client, ideas)
    with app.app_context():
        votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
    if allowed == 30:
        assert statuses == [302] * 31 and votes == 30  # the 31st is refused, with a message
        assert "voting very fast" in text(client.get(f"/ideas/{ideas[30]}-idea-30"))
    else:
        assert statuses == [302] * 31 and votes == 31


def test_reviews_a_day_follow_the_level(app):
    make_user(app, "Rita Reviewer", "rita@example.com")  # new: 3 reviews a day
    products = [make_product(app, f"Product {n}", f"product-{n}") for n in range(4)]
    client = app.test_client()
    login(client, "rita@example.com")
    statuses = []
    for n, _ in enumerate(products):
        response = post_form(client, f"/products/product-{n}/reviews/new", {
            "rating": "4", "title": f"Review {n}", "body": "It does the job for our team.",
            "since_month": "6", "since_year": "2024"})
        statuses.append(response.status_code)
    with app.app_context():
        written = db.session.scalar(sa.select(sa.func.count()).select_from(Review))
    assert written == 3 and statuses[3] == 429, statuses


@pytest.mark.parametrize(("level", "allowed"), [(NEW, 1), (BASIC, 3), (REGULAR, 10)])
def test_invitations_follow_the_level(app, level, allowed):
    make_user(app, trust_level=level)
    client = app.test_client()
    login(client)
    page = text(client.get("/settings/invitations"))
    assert f"Invitations left: {allowed}" in page


def test_a_basic_member_may_post_five_links(app, client, forum):  # noqa: F811 (the fixture)
    make_user(app, "Bea Basic", "bea@example.com", trust_level=BASIC)
    login(client, "bea@example.com")
    five = " ".join(f"https://site{n}.example.org" for n in range(5))
    ok = post_form(client, "/forums/new", {"title": "Five useful links", "body": five,
                                           "category": str(forum.general), "submit": "1"})
    assert ok.status_code == 302
    six = " ".join(f"https://other{n}.example.org" for n in range(6))
    refused = post_form(client, "/forums/new", {"title": "Six links now", "body": six,
                                                "category": str(forum.general), "submit": "1"})
    assert refused.status_code != 302 and "basic members 5" in text(refused)


def test_the_first_visit_of_a_day_counts_once_and_raises_the_level(app):
    old = utcnow() - timedelta(days=3)
    make_user(app, "Vic Visitor", "vic@example.com", created_at=old, trust_level=NEW,
              days_visited=1, last_visit_on=(utcnow() - timedelta(days=1)).date())
    client = app.test_client()
    login(client, "vic@example.com")
    for _ in range(3):
        client.get("/ideas")
    with app.app_context():
        vic = db.session.scalar(sa.select(User).where(User.handle == "vic-visitor"))
        assert vic.days_visited == 2 and vic.last_visit_on == utcnow().date()
        # 3 days old, 2 days visited, but no forum post read: still new.
        assert vic.trust_level == NEW
    page = text(client.get("/settings/standing"))
    assert "Your trust level: New" in page and "Forum posts read: 0 of 5" in page
