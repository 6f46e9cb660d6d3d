"""The board's columns are kept between visits (roadmap/page_cache.py) but never show a stale
or forbidden thing: every change is on the very next visit, and what a reader may see is part
of what is kept."""

from __future__ import annotations

from community.clubs.membership import CLUBS
from community.clubs.models import Visibility
from community.extensions import db
from community.ideas import service as ideas
from community.ideas.models import Idea
from community.roadmap.models import BallotLine, ClubBallot, RoadmapItem
from tests.conftest import login, make_user
from tests.helpers import queries_for, text
from tests.roadmap.test_roadmap import link, make_idea, make_item


def test_the_board_is_kept_and_follows_every_change(app, client, member):
    item_id = make_item(app, "Offline mode")
    idea_id = make_idea(app, title="Work without network")
    first = queries_for(app, client, "/roadmap")
    assert queries_for(app, client, "/roadmap") < first  # the columns were kept

    link(app, item_id, idea_id)  # a new link
    assert "Work without network" in text(client.get("/roadmap"))
    with app.app_context():  # a vote: the count on the card moves
        ideas.cast_vote(db.session.merge(member), db.session.get(Idea, idea_id), 2, None)
        db.session.commit()
    assert "1 vote" in text(client.get("/roadmap"))
    with app.app_context():  # an edit of the item
        db.session.get(RoadmapItem, item_id).title = "Offline mode, everywhere"
        db.session.get(RoadmapItem, item_id).updated_at = db.func.now()
        db.session.commit()
    assert "Offline mode, everywhere" in text(client.get("/roadmap"))


def test_a_club_turning_members_only_vanishes_from_the_kept_board(app, client):
    insider = make_user(app, "Ines Insider", "ines@example.com")
    item_id = make_item(app, "Offline mode")
    idea_id = make_idea(app, "ines@example.com", "Work without network")
    link(app, item_id, idea_id)
    with app.app_context():
        club = CLUBS.create("Harbour Club", "harbour")
        CLUBS.add(club, insider.id)
        ballot = ClubBallot(club_id=club.id, version=1)
        db.session.add(ballot)
        db.session.flush()
        db.session.add(BallotLine(ballot_id=ballot.id, position=1, idea_id=idea_id,
                                  reason="We sail offline."))
        db.session.commit()
        club_id = club.id
    assert "Harbour Club" in text(client.get("/roadmap"))  # public: named, and kept
    with app.app_context():
        db.session.get(type(club), club_id).visibility = Visibility.MEMBERS
        db.session.commit()
    assert "Harbour Club" not in text(client.get("/roadmap"))  # the visitor's next visit
    login(client, "ines@example.com")
    assert "Harbour Club" in text(client.get("/roadmap"))  # its member still sees it
    outsider = app.test_client()
    make_user(app, "Olga Outsider", "olga@example.com")
    login(outsider, "olga@example.com")
    assert "Harbour Club" not in text(outsider.get("/roadmap"))  # kept for Ines, not Olga
