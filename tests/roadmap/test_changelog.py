"""Shipping a roadmap item: the changelog entry, the ideas shipped, voters and clubs told once,
the changelog page and its Atom feed (public entries only)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa

from community.accounts.models import User
from community.clubs.membership import CLUBS
from community.extensions import db
from community.ideas import service as ideas
from community.ideas.models import Idea, Status
from community.roadmap.models import (
    BallotLine,
    ChangelogEntry,
    ClubBallot,
    ItemStatus,
    RoadmapItem,
)
from tests.conftest import login, make_user
from tests.helpers import post_form, text
from tests.roadmap.test_roadmap import link, make_idea, make_item, notices, staff_client

ATOM = "{http://www.w3.org/2005/Atom}"


def vote(app, email: str, idea_id: int) -> None:
    with app.app_context():
        voter = db.session.scalar(sa.select(User).where(User.email == email))
        ideas.cast_vote(voter, db.session.get(Idea, idea_id), 2, None)
        db.session.commit()


def club_with_ballot(app, name: str, idea_id: int, member_ids: list[int]) -> int:
    """A club whose published ballot (an old version) held the idea, with these members."""
    with app.app_context():
        club = CLUBS.create(name)
        for user_id in member_ids:
            CLUBS.add(club, user_id)
        old = ClubBallot(club_id=club.id, version=1)
        db.session.add(old)
        db.session.flush()
        db.session.add(BallotLine(ballot_id=old.id, position=1, idea_id=idea_id, reason="Yes"))
        db.session.add(ClubBallot(club_id=club.id, version=2))  # the idea left the ballot
        db.session.commit()
        return club.id


def ship(client, item_id: int, **data):
    return post_form(client, f"/roadmap/{item_id}/ship", {"body": "It **works**.", **data})


def test_shipping_publishes_the_entry_ships_the_ideas_and_tells_everyone_once(app, member):
    bob = make_user(app, "Bob Voter", "bob@example.com")
    carol = make_user(app, "Carol Club", "carol@example.com")
    dan = make_user(app, "Dan Elsewhere", "dan@example.com")
    item_id = make_item(app, "Offline mode")
    idea_id = make_idea(app)  # Alice wrote it and follows it
    vote(app, "bob@example.com", idea_id)  # Bob votes (and follows)
    link(app, item_id, idea_id)
    club_with_ballot(app, "Rail Operators", idea_id, [bob.id, carol.id])
    unrelated = make_idea(app, title="Something unrelated entirely")
    club_with_ballot(app, "Other Club", unrelated, [dan.id])
    pat = staff_client(app)
    before = {u: len(notices(app, u)) for u in (member.id, bob.id, carol.id, dan.id)}

    response = ship(pat, item_id, title="", body="It **works**.<script>alert(1)</script>")
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(ChangelogEntry))
        item = db.session.get(RoadmapItem, item_id)
        assert (entry.title, entry.item_id, entry.members_only) == ("Offline mode", item_id,
                                                                    False)
        assert "<strong>works</strong>" in entry.body_html and "<script" not in entry.body_html
        assert item.status is ItemStatus.SHIPPED and item.shipped_at is not None
        assert db.session.get(Idea, idea_id).status is Status.SHIPPED

    def fresh(user_id):
        return [n.kind for n in notices(app, user_id)[before[user_id]:]]

    assert fresh(bob.id) == ["shipped"]  # the voter: "did it solve your need?", once
    assert fresh(member.id) == ["status"]  # the follower who did not vote
    assert fresh(carol.id) == ["club_shipped"]  # the club's member
    assert fresh(dan.id) == []  # another club's
    carol_client = app.test_client()
    login(carol_client, "carol@example.com")
    page = text(carol_client.get("/notifications"))
    assert "“Offline mode” has shipped: your club Rail Operators had it on its ballot." in page
    assert f"/changelog/{entry.id}" in page
    bob_client = app.test_client()
    login(bob_client, "bob@example.com")
    assert "Did it solve your need?" in text(bob_client.get("/notifications"))


def test_shipping_twice_is_refused(app, member):
    item_id = make_item(app)
    pat = staff_client(app)
    assert ship(pat, item_id).status_code == 302
    again = ship(pat, item_id, title="Again")
    assert again.status_code == 422 and "already shipped" in text(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangelogEntry)) == 1


def test_a_shipped_item_keeps_its_status_and_ideas(app, member):
    item_id = make_item(app)
    idea_id = make_idea(app)
    link(app, item_id, idea_id)
    pat = staff_client(app)
    ship(pat, item_id)
    other = make_idea(app, title="Another need entirely")
    response = post_form(pat, f"/roadmap/{item_id}/link", {"idea": str(other)},
                         get_url=f"/roadmap/{item_id}", follow_redirects=True)
    assert "This item has shipped" in text(response)
    response = post_form(pat, f"/roadmap/{item_id}/edit", {
        "title": "Offline mode (shipped)", "body": "", "horizon": "next", "quarter": "",
        "status": "shipped", "position": "0", "members_only": "y"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(RoadmapItem, item_id)
        assert (item.title, item.status, item.horizon.value) == (
            "Offline mode (shipped)", ItemStatus.SHIPPED, "next")
        entry = db.session.scalar(sa.select(ChangelogEntry))
        assert entry.members_only is True  # the entry follows the item's visibility
    # Moving a shipped item back is refused by the form (its only status is "shipped").
    response = post_form(pat, f"/roadmap/{item_id}/edit", {
        "title": "Back", "horizon": "now", "quarter": "", "status": "planned"})
    assert response.status_code == 422 and "Not a valid choice" in text(response)


def test_changelog_and_feed_hide_members_only_entries_from_outsiders(app, client, member):
    public_id = make_item(app, "Public launch")
    secret_id = make_item(app, "Nebula launch", members_only=True)
    pat = staff_client(app)
    ship(pat, public_id, body="Public **news** & more")
    ship(pat, secret_id, body="Nebula news")
    page = text(client.get("/changelog"))
    assert "Public launch" in page and "Nebula" not in page
    with app.app_context():
        secret_entry = db.session.scalar(sa.select(ChangelogEntry.id).where(
            ChangelogEntry.item_id == secret_id))
    assert client.get(f"/changelog/{secret_entry}").status_code == 404
    feed = client.get("/feeds/changelog.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.get_data())
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Public launch"]
    content = root.find(f"{ATOM}entry/{ATOM}content").text
    assert "<strong>news</strong>" in content
    # Even a signed-in member's feed holds public entries only (a feed reader signs in never).
    assert "Nebula" not in text(pat.get("/feeds/changelog.atom"))
    login(client)
    assert "Nebula launch" in text(client.get("/changelog"))
    assert "Nebula news" in text(client.get(f"/changelog/{secret_entry}"))


def test_changelog_is_paginated_newest_first(app, client, member):
    pat = staff_client(app)
    for n in range(22):
        ship(pat, make_item(app, f"Release {n:02d}"))
    first = text(client.get("/changelog"))
    assert first.index("Release 21") < first.index("Release 20")
    assert "Release 01" not in first and 'rel="next"' in first
    second = text(client.get("/changelog?page=2"))
    assert "Release 01" in second and "Release 00" in second and "Release 21" not in second
    assert client.get("/changelog?page=99999999999999999999").status_code == 200
