"""What happened to our requests: the club's page, the member's page, their Atom feeds (signed
token for feed readers) and CSV exports, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import Club, ClubMember, Visibility
from community.extensions import db
from community.ideas import priorities
from community.ideas import service as ideas
from community.ideas.models import Comment, Idea, Status
from community.roadmap import requests
from community.roadmap.models import (
    BallotLine,
    ClubBallot,
    Horizon,
    ItemStatus,
    RoadmapItem,
    RoadmapLink,
)
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import queries_for, text

ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _idea(author: User, title: str, *, status=Status.OPEN, days_ago=30) -> Idea:
    idea = ideas.create_idea(author, title, f"Body of {title}.", None, [],
                             author_vote=False)
    idea.status = status
    idea.created_at = utcnow() - timedelta(days=days_ago + 5)
    idea.status_changed_at = utcnow() - timedelta(days=days_ago)
    return idea


def _official(idea: Idea, author: User, body: str, days_ago: int, official=True) -> None:
    db.session.add(Comment(idea_id=idea.id, author_id=author.id, body_md=body,
                           body_html=f"<p>{body}</p>", official=official,
                           created_at=utcnow() - timedelta(days=days_ago)))


def _ballot(club: Club, *ideas_on_it: Idea, version=1) -> None:
    ballot = ClubBallot(club_id=club.id, version=version)
    db.session.add(ballot)
    db.session.flush()
    for position, idea in enumerate(ideas_on_it, start=1):
        db.session.add(BallotLine(ballot_id=ballot.id, position=position, idea_id=idea.id))


def _item(title: str, *ideas_on_it: Idea, members_only=False) -> RoadmapItem:
    item = RoadmapItem(title=title, horizon=Horizon.NEXT, status=ItemStatus.IN_PROGRESS,
                       members_only=members_only)
    db.session.add(item)
    db.session.flush()
    for idea in ideas_on_it:
        db.session.add(RoadmapLink(idea_id=idea.id, item_id=item.id))
    return item


@pytest.fixture
def world(app):
    """The club "Acme users" with Alice (asked for "Offline mode") and Bob (voted for "Dark
    theme"); its ballot holds "Bulk import"; Carol, outside the club, asked for "Carol only",
    which nobody in the club touched (her own club balloted it); Alice voted for "Keyboard
    shortcuts" and keeps it in her priorities."""
    alice = make_user(app, "Alice Martin", "alice@example.com",
                      created_at=utcnow() - timedelta(days=60))
    bob = make_user(app, "Bob Stone", "bob@example.com", created_at=utcnow() - timedelta(days=60))
    carol = make_user(app, "Carol Out", "carol@example.com",
                      created_at=utcnow() - timedelta(days=60))
    staff = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    with app.app_context():
        a, b, c = (db.session.get(User, u.id) for u in (alice, bob, carol))
        club = CLUBS.create("Acme users", "acme")
        other = CLUBS.create("Other club", "other")
        CLUBS.add(club, a.id)
        CLUBS.add(club, b.id)
        CLUBS.add(other, c.id)
        offline = _idea(a, "Offline mode", status=Status.PLANNED, days_ago=20)
        dark = _idea(c, "Dark theme", days_ago=10)
        bulk = _idea(c, "Bulk import", status=Status.UNDER_REVIEW, days_ago=40)
        carol_only = _idea(c, "Carol only", days_ago=5)
        keys = _idea(c, "Keyboard shortcuts", days_ago=50)
        db.session.flush()
        ideas.cast_vote(b, dark, 2, None)
        ideas.cast_vote(a, keys, 1, None)
        priorities.set_ballot(a, [keys.id])
        _official(offline, c, "Older official answer", 15)
        _official(offline, c, "We are building it this quarter", 3)
        _official(offline, c, "Just a member's comment, newer", 1, official=False)
        _ballot(club, bulk)
        _ballot(other, carol_only)
        _item("Public Offline Item", offline)
        _item("Secret Dark Item", dark, members_only=True)
        db.session.commit()
        ids = {i.title: i.id for i in (offline, dark, bulk, carol_only, keys)}
    return {"alice": alice, "bob": bob, "carol": carol, "staff": staff, "ids": ids}


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr id="request-\d+">\s*<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', page)


def _token(page: str) -> str:
    link = re.search(r'id="requests-feed-link"[^>]*value="([^"]+)"', page).group(1)
    return re.search(r"token=([^&\"]+)", link.replace("&amp;", "&")).group(1)


def _club_token(app, client, email="alice@example.com") -> str:
    login(client, email)
    return _token(text(client.get("/clubs/acme/requests")))


# ---- the club's page ----


def test_club_page_lists_what_members_asked_voted_and_balloted(app, client, world):
    login(client, "alice@example.com")
    response = client.get("/clubs/acme/requests")
    assert response.status_code == 200
    page = text(response)
    # Most recent change first: the official response (3 days ago) moves "Offline mode" up.
    assert _rows(page) == ["Offline mode", "Dark theme", "Bulk import", "Keyboard shortcuts"]
    assert "Carol only" not in page and "Other club" not in page
    row = page[page.index(f'id="request-{world["ids"]["Offline mode"]}"'):]
    row = row[:row.index("</tr>")]
    assert "Asked by a member" in row and "Planned" in row
    assert "We are building it this quarter" in row and "Older official answer" not in row
    assert "Just a member" not in row
    assert "Public Offline Item" in row and "Next" in row and "In progress" in row
    assert "On our ballot" in page and "Voted for by members" in page and "Under review" in page
    # Members-only roadmap items are for signed-in members: Alice sees it.
    assert "Secret Dark Item" in page
    assert '<th scope="col">' in page and "<caption>" in page
    assert 'aria-current="page"' in page


def test_outsiders_get_404_and_staff_see_the_page(app, client, world):
    for url in ("/clubs/acme/requests", "/clubs/acme/requests.atom", "/clubs/acme/requests.csv",
                "/clubs/nope/requests"):
        assert client.get(url).status_code == 404, url
    login(client, "carol@example.com")
    for url in ("/clubs/acme/requests", "/clubs/acme/requests.atom", "/clubs/acme/requests.csv"):
        assert client.get(url).status_code == 404, url
    staff = app.test_client()
    login(staff, "pat@example.com")
    assert "Offline mode" in text(staff.get("/clubs/acme/requests"))


def test_members_only_club_page_is_404_to_outsiders(app, client, world):
    with app.app_context():
        CLUBS.find("acme").visibility = Visibility.MEMBERS
        db.session.commit()
    login(client, "carol@example.com")
    response = client.get("/clubs/acme/requests")
    assert response.status_code == 404 and "Acme users" not in text(response)


def test_rows_hide_members_only_items_from_a_reader_not_signed_in(app, world):
    with app.app_context():
        club = CLUBS.find("acme")
        items = {r.title: r.item and r.item.title for r in requests.for_club(club, None).rows}
        assert items == {"Offline mode": "Public Offline Item", "Dark theme": None,
                         "Bulk import": None, "Keyboard shortcuts": None}
        reader = db.session.get(User, world["alice"].id)
        items = {r.title: r.item and r.item.title for r in requests.for_club(club, reader).rows}
        assert items["Dark theme"] == "Secret Dark Item"


# ---- feeds ----


def test_feed_with_a_valid_token_works_signed_out(app, client, world):
    token = _club_token(app, client)
    reader = app.test_client()
    response = reader.get(f"/clubs/acme/requests.atom?token={token}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert "private" in response.headers["Cache-Control"]
    feed = ET.fromstring(response.data)
    titles = [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Offline mode: Planned", "Dark theme: Open", "Bulk import: Under review",
                      "Keyboard shortcuts: Open"]
    content = [e.find(f"{ATOM}content").text for e in feed.iter(f"{ATOM}entry")]
    assert "We are building it this quarter" in content[0]
    # The token's member is a signed-in member: the members-only item is theirs to see.
    assert "Secret Dark Item" in content[1]
    assert feed.find(f"{ATOM}updated").text.endswith("Z")


def test_signed_in_member_reads_feed_and_csv_without_token(app, client, world):
    login(client, "bob@example.com")
    assert client.get("/clubs/acme/requests.atom").status_code == 200
    assert client.get("/clubs/acme/requests.csv").status_code == 200


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: "x" + t,
    lambda t: "",
    lambda t: "not-a-token",
    lambda t: "A" * 5000,
])
def test_a_tampered_token_answers_404(app, client, world, mangle):
    token = _club_token(app, client)
    reader = app.test_client()
    assert reader.get("/clubs/acme/requests.atom",
                      query_string={"token": mangle(token)}).status_code == 404
    assert reader.get("/clubs/acme/requests.csv",
                      query_string={"token": mangle(token)}).status_code == 404


def test_token_of_a_member_who_left_answers_404(app, client, world):
    token = _club_token(app, client)
    reader = app.test_client()
    assert reader.get(f"/clubs/acme/requests.atom?token={token}").status_code == 200
    with app.app_context():
        CLUBS.remove(CLUBS.find("acme"), world["alice"].id)
        db.session.commit()
    assert reader.get(f"/clubs/acme/requests.atom?token={token}").status_code == 404
    assert reader.get(f"/clubs/acme/requests.csv?token={token}").status_code == 404


def test_token_of_a_suspended_member_or_renewed_sessions_answers_404(app, client, world):
    token = _club_token(app, client)
    reader = app.test_client()
    with app.app_context():
        db.session.get(User, world["alice"].id).session_nonce = "renewed0renewed0"
        db.session.commit()
    assert reader.get(f"/clubs/acme/requests.atom?token={token}").status_code == 404
    token = _club_token(app, app.test_client())
    assert reader.get(f"/clubs/acme/requests.atom?token={token}").status_code == 200
    with app.app_context():
        db.session.get(User, world["alice"].id).suspended_at = utcnow()
        db.session.commit()
    assert reader.get(f"/clubs/acme/requests.atom?token={token}").status_code == 404


def test_a_token_opens_only_its_own_club_and_feed(app, client, world):
    token = _club_token(app, client)
    with app.app_context():
        other = CLUBS.find("other")
        CLUBS.add(other, world["alice"].id)
        db.session.commit()
    reader = app.test_client()
    assert reader.get(f"/clubs/other/requests.atom?token={token}").status_code == 404
    assert reader.get(f"/settings/requests.atom?token={token}").status_code == 404
    with app.app_context():
        member_token = requests.feed_token(db.session.get(User, world["alice"].id))
    assert reader.get(f"/clubs/acme/requests.atom?token={member_token}").status_code == 404
    assert reader.get(f"/settings/requests.atom?token={member_token}").status_code == 200


# ---- CSV ----


def test_csv_has_the_rows_and_neutralises_formulas(app, client, world):
    with app.app_context():
        idea = db.session.get(Idea, world["ids"]["Bulk import"])
        idea.title = FORMULA
        _official(idea, db.session.get(User, world["carol"].id), "+cmd|' /C calc'!A0", 0)
        db.session.commit()
    login(client, "alice@example.com")
    response = client.get("/clubs/acme/requests.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [r["title"] for r in rows] == ["'" + FORMULA, "Offline mode", "Dark theme",
                                          "Keyboard shortcuts"]
    assert rows[0]["reasons"] == "ballot" and rows[0]["status"] == "under_review"
    assert rows[0]["last_response"] == "'+cmd|' /C calc'!A0"
    assert rows[1]["reasons"] == "asked" and rows[1]["roadmap_item"] == "Public Offline Item"
    assert rows[1]["last_response"] == "We are building it this quarter"
    assert rows[2]["reasons"] == "voted" and rows[2]["roadmap_item"] == "Secret Dark Item"
    assert rows[1]["url"].endswith(f"/ideas/{world['ids']['Offline mode']}-offline-mode")
    assert not any(cell[:1] in "=+-@" for r in rows for cell in r.values() if cell)


def test_several_reasons_on_one_idea_make_one_row(app, client, world):
    with app.app_context():
        bob = db.session.get(User, world["bob"].id)
        ideas.cast_vote(bob, db.session.get(Idea, world["ids"]["Bulk import"]), 3, None)
        db.session.commit()
    login(client, "alice@example.com")
    rows = list(csv.DictReader(io.StringIO(text(client.get("/clubs/acme/requests.csv")))))
    assert [r["reasons"] for r in rows if r["title"] == "Bulk import"] == ["voted ballot"]
    assert len(rows) == 4


# ---- the member's page ----


def test_member_page_lists_own_requests_only(app, client, world):
    assert client.get("/settings/requests").status_code == 302  # to the login page
    login(client, "alice@example.com")
    page = text(client.get("/settings/requests"))
    assert _rows(page) == ["Offline mode", "Bulk import", "Keyboard shortcuts"]
    assert "Dark theme" not in page and "Carol only" not in page
    assert "I asked" in page and "In my priorities" in page and "I voted" in page
    assert "On my club&#39;s ballot (Acme users)" in page or \
        "On my club's ballot (Acme users)" in page
    assert "Other club" not in page
    token = _token(page)
    reader = app.test_client()
    feed = ET.fromstring(reader.get(f"/settings/requests.atom?token={token}").data)
    assert len(list(feed.iter(f"{ATOM}entry"))) == 3
    exported = list(csv.DictReader(io.StringIO(text(
        reader.get(f"/settings/requests.csv?token={token}")))))
    assert {r["title"]: r["reasons"] for r in exported} == {
        "Offline mode": "asked", "Bulk import": "ballot", "Keyboard shortcuts": "voted priority"}
    assert exported[1]["clubs"] == "Acme users"


def test_member_feed_without_session_or_token_is_404(app, client, world):
    assert client.get("/settings/requests.atom").status_code == 404
    assert client.get("/settings/requests.csv?token=forged").status_code == 404


def test_member_with_nothing_sees_an_empty_state(app, client, world):
    make_user(app, "Nora New", "nora@example.com")
    login(client, "nora@example.com")
    page = text(client.get("/settings/requests"))
    assert "Nothing yet" in page and "<table" not in page


def test_a_bad_page_number_is_harmless(app, client, world):
    login(client, "alice@example.com")
    for page in ("0", "-3", "abc", ""):
        response = client.get(f"/clubs/acme/requests?page={page}")
        assert response.status_code == 200 and "Offline mode" in text(response)
    for page in ("99999999999999999999", "2"):
        response = client.get(f"/clubs/acme/requests?page={page}")
        assert response.status_code == 200 and "Offline mode" not in text(response)
        assert "Back to the most recent changes" in text(response)


def test_pages_go_from_newest_to_oldest(app, client, world, monkeypatch):
    monkeypatch.setattr(requests, "PER_PAGE", 3)
    login(client, "alice@example.com")
    first = text(client.get("/clubs/acme/requests"))
    assert _rows(first) == ["Offline mode", "Dark theme", "Bulk import"]
    assert 'rel="next" href="/clubs/acme/requests?page=2"' in first and 'rel="prev"' not in first
    second = text(client.get("/clubs/acme/requests?page=2"))
    assert _rows(second) == ["Keyboard shortcuts"]
    assert 'rel="prev" href="/clubs/acme/requests?page=1"' in second and 'rel="next"' not in second


# ---- no N+1 ----


def _grow(app, world, count: int) -> None:
    """``count`` more ideas Bob voted for, each with an official response and a roadmap item."""
    with app.app_context():
        bob = db.session.get(User, world["bob"].id)
        carol = db.session.get(User, world["carol"].id)
        for n in range(count):
            idea = _idea(carol, f"Grown idea {n}", days_ago=60 + n)
            db.session.flush()
            ideas.cast_vote(bob, idea, 1, None)
            _official(idea, carol, f"Answer {n}", 61 + n)
            _item(f"Item {n}", idea)
        db.session.commit()


def test_query_count_does_not_grow_with_rows(app, client, world):
    with app.app_context():  # Bob's few rows have every part: a response, an item, a ballot
        carol = db.session.get(User, world["carol"].id)
        _official(db.session.get(Idea, world["ids"]["Dark theme"]), carol, "Soon", 2)
        db.session.commit()
    login(client, "bob@example.com")
    client.get("/clubs/acme/requests")  # the first request of a session does more
    few = (queries_for(app, client, "/clubs/acme/requests"),
           queries_for(app, client, "/settings/requests"),
           queries_for(app, client, "/clubs/acme/requests.atom"),
           queries_for(app, client, "/settings/requests.csv"))
    _grow(app, world, 26)
    assert len(_rows(text(client.get("/clubs/acme/requests")))) == 30
    many = (queries_for(app, client, "/clubs/acme/requests"),
            queries_for(app, client, "/settings/requests"),
            queries_for(app, client, "/clubs/acme/requests.atom"),
            queries_for(app, client, "/settings/requests.csv"))
    assert few == many


def test_membership_table_is_the_source_of_truth(app, world):
    """A member removed from the club no longer brings their ideas to its page."""
    with app.app_context():
        db.session.execute(sa.delete(ClubMember).where(ClubMember.user_id == world["bob"].id))
        db.session.commit()
        titles = [r.title for r in requests.for_club(CLUBS.find("acme"), None).rows]
        assert titles == ["Offline mode", "Bulk import", "Keyboard shortcuts"]
