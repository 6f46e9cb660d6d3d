"""Insight on an idea for the product team: counts by club, importance and trust level, the
voters' why, the vote timeline as an inline SVG, the club filter, and the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.models import Club, ClubRole
from community.extensions import db
from community.ideas import service as ideas_service
from community.ideas.models import Idea, Vote
from community.roadmap import insight
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import queries_for, text
from tests.ideas.factories import make_idea
from tests.roadmap.test_ballots import make_club

FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


def cell(page: str, attribute: str, value: int) -> int:
    """The number in the table cell marked ``data-<attribute>="<value>"``."""
    return int(re.search(rf'data-{attribute}="{value}">(\d+)<', page).group(1))


@pytest.fixture
def scene(app):
    """An idea five days old with three crowd votes (days 0, 2 and 4) and one team vote."""
    alice = make_user(app, "Ada Acme", "ada@example.com", trust_level=2)
    bob = make_user(app, "Bo Both", "bo@example.com", trust_level=0)
    cat = make_user(app, "Cy Clubless", "cy@example.com", trust_level=3)
    pat = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    idea_id = make_idea(app, cat.id, "Bulk export")
    acme = make_club(app, "acme", "Acme Users", members=[(alice.id, ClubRole.MEMBER),
                                                         (bob.id, ClubRole.MEMBER)])
    make_club(app, "beta", "Beta Circle", private=True, members=[(bob.id, ClubRole.MEMBER)])
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        born = utcnow() - timedelta(days=5)
        idea.created_at = born
        for user, importance, why, day in ((alice, 3, FORMULA, 0), (bob, 1, "Night shifts", 2),
                                           (cat, 3, None, 4), (pat, 2, "team view", 4)):
            vote = ideas_service.cast_vote(db.session.get(User, user.id), idea, importance, why)
            vote.created_at = born + timedelta(days=day, minutes=1)
        db.session.commit()
    return {"idea": idea_id, "acme": acme}


@pytest.fixture
def product(client, scene):
    login(client, "pat@example.com")
    return client


def test_counts_by_club_importance_and_trust_level(app, product, scene):
    page = text(product.get(f"/ideas/{scene['idea']}/insight"))
    assert "3 votes from the crowd." in page and "1 from the team, counted apart." in page
    by_club = page[page.index('id="by-club"'):page.index('id="by-importance"')]
    assert re.search(r"Acme Users</a></th><td class=\"num\">2<", by_club)
    assert re.search(r"Beta Circle</a></th><td class=\"num\">1<", by_club)
    assert re.search(r"In no club</th><td class=\"num\">1<", by_club)
    assert [cell(page, "importance", n) for n in (3, 2, 1)] == [2, 0, 1]
    assert [cell(page, "level", n) for n in (3, 2, 1, 0)] == [1, 1, 0, 1]
    assert "Critical" in page and "Regular" in page and "New" in page


def test_the_club_filter_narrows_everything(app, product, scene):
    page = text(product.get(f"/ideas/{scene['idea']}/insight?club=beta"))
    assert "1 vote from the members of Beta Circle." in page
    assert [cell(page, "importance", n) for n in (3, 2, 1)] == [0, 0, 1]
    assert [cell(page, "level", n) for n in (3, 2, 1, 0)] == [0, 0, 0, 1]
    assert "Night shifts" in page and "HYPERLINK" not in page
    assert "In no club" not in page
    polyline = re.search(r'<polyline class="insight-line" points="([^"]*)"', page).group(1)
    assert polyline.split()[-1].endswith(f",{16:.1f}")  # the top: all (1) of Beta's votes
    assert product.get(f"/ideas/{scene['idea']}/insight?club=nope").status_code == 404


def test_whys_newest_first_with_the_voters_handle(app, product, scene):
    page = text(product.get(f"/ideas/{scene['idea']}/insight"))
    whys = page[page.index('id="whys"'):]
    assert whys.index("Night shifts") < whys.index("HYPERLINK")
    assert "@bo-both" in whys and "@ada-acme" in whys
    assert "team view" not in whys  # the team's votes are counted apart


def test_the_timeline_is_an_inline_svg_with_a_point_a_day(app, product, scene):
    page = text(product.get(f"/ideas/{scene['idea']}/insight"))
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Cumulative votes on" in svg and "per day" in svg and ">Date<" in svg
    points = re.search(r'points="([^"]*)"', svg).group(1).split()
    assert len(points) == 6 and svg.count("<circle") == 6  # days 0 to 5
    heights = [float(p.split(",")[1]) for p in points]
    assert heights == sorted(heights, reverse=True)  # cumulative: never goes down
    assert heights[0] > heights[2] > heights[4] == heights[5]
    assert "<script" not in page[page.index('id="timeline"'):]


def test_timeline_buckets_by_week_past_ninety_days():
    start = date(2026, 1, 1)
    chart = insight.timeline({start: 2, start + timedelta(days=100): 1}, start,
                             start + timedelta(days=199))
    assert chart.bucket_days == 7 and len(chart.points) == 199 // 7 + 1
    assert [n for *_, n in chart.points][:2] == [2, 2] and chart.points[-1][3] == 3
    long = insight.timeline({}, start, start + timedelta(days=1000))
    assert long.bucket_days == 28 and len(long.points) == 1000 // 28 + 1
    today = insight.timeline({}, start, start)
    assert len(today.points) == 1 and today.highest == 1


def test_csv_has_a_row_per_vote_and_neutralises_formulas(app, product, scene):
    response = product.get(f"/ideas/{scene['idea']}/insight.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = text(response)
    assert "@example.com" not in body
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["date", "importance", "trust_level", "clubs", "why", "team"]
    assert len(rows) == 5
    first = rows[1]
    assert first[1:] == ["Critical", "Member", "Acme Users", "'" + FORMULA, "no"]
    assert rows[2][3] == "Acme Users; Beta Circle" and rows[2][4] == "Night shifts"
    assert [r[5] for r in rows[1:]].count("yes") == 1
    date.fromisoformat(first[0])
    filtered = list(csv.reader(io.StringIO(text(
        product.get(f"/ideas/{scene['idea']}/insight.csv?club=beta")))))
    assert [r[4] for r in filtered[1:]] == ["Night shifts"]


def test_club_names_starting_with_a_formula_are_neutralised(app, product, scene):
    with app.app_context():
        db.session.get(Club, scene["acme"]).name = "@SUM(1+1)"
        db.session.commit()
    rows = list(csv.reader(io.StringIO(text(
        product.get(f"/ideas/{scene['idea']}/insight.csv")))))
    assert rows[1][3] == "'@SUM(1+1)"


@pytest.mark.parametrize("email,role", [("mem@example.com", Role.MEMBER),
                                        ("mod@example.com", Role.MODERATOR)])
def test_others_are_refused(app, scene, email, role):
    make_user(app, "Other Person", email, role=role)
    other = app.test_client()
    login(other, email)
    for suffix in ("insight", "insight.csv"):
        response = other.get(f"/ideas/{scene['idea']}/{suffix}")
        assert response.status_code == 403
        assert "Night shifts" not in text(response)
    anonymous = app.test_client().get(f"/ideas/{scene['idea']}/insight.csv")
    assert anonymous.status_code == 302


def test_unknown_idea_is_404(app, product, scene):
    assert product.get("/ideas/999999/insight").status_code == 404
    assert product.get("/ideas/999999/insight.csv").status_code == 404


def test_counts_take_a_bounded_number_of_queries(app, product, scene):
    product.get(f"/ideas/{scene['idea']}/insight")
    few = queries_for(app, product, f"/ideas/{scene['idea']}/insight")
    with app.app_context():
        idea = db.session.get(Idea, scene["idea"])
        for n in range(8):
            user = User(handle=f"extra-{n}", display_name=f"Extra {n}",
                        email=f"extra{n}@example.com", email_normalized=f"extra{n}@example.com",
                        password_hash="x", email_verified_at=utcnow(), trust_level=1)
            db.session.add(user)
            db.session.flush()
            ideas_service.cast_vote(user, idea, 2, f"reason {n}")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 12
    assert queries_for(app, product, f"/ideas/{scene['idea']}/insight") == few
