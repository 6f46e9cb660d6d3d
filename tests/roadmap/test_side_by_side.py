"""The product team's side-by-side view: the crowd's trusted ranking, the members' priorities
and each club's current ballot, with agreement marks and the clubs' needs that stand out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.models import Club, ClubRole
from community.extensions import db
from community.ideas import priorities
from community.ideas import service as ideas_service
from community.ideas.models import Idea
from community.roadmap import ballots
from tests.conftest import login, make_user
from tests.helpers import queries_for, text
from tests.ideas.factories import make_idea
from tests.roadmap.test_ballots import make_club


def column(page: str, anchor: str) -> str:
    """The HTML of one column (a section), from its heading's id to the section's end."""
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


def publish(app, club_id: int, publisher_id: int, idea_ids: list[int]) -> None:
    with app.app_context():
        ballots.publish(db.session.get(User, publisher_id), db.session.get(Club, club_id),
                        [ballots.Line(i, f"reason {i}") for i in idea_ids])
        db.session.commit()


@pytest.fixture
def scene(app):
    """Ideas: "Shared" (voted, prioritised and on a club's ballot), "Crowd only" (voted),
    "Niche" (only on the club's ballot); a public club and a members-only one."""
    voter = make_user(app, "Vic Voter", "vic@example.com", trust_level=2)
    product = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    manager = make_user(app, "Mia Manager", "mia@example.com", trust_level=2)
    shared = make_idea(app, voter.id, "Shared need")
    crowd = make_idea(app, voter.id, "Crowd only need")
    niche = make_idea(app, voter.id, "Niche need")
    secret_idea = make_idea(app, voter.id, "Secretive need")
    with app.app_context():
        user = db.session.get(User, voter.id)
        for idea_id, importance in ((shared, 3), (crowd, 2)):
            ideas_service.cast_vote(user, db.session.get(Idea, idea_id), importance, None)
        priorities.set_ballot(user, [shared])
        db.session.commit()
    public = make_club(app, "acme", "Acme Users", members=[(manager.id, ClubRole.MANAGER)])
    secret = make_club(app, "hush", "Hush Circle", private=True,
                       members=[(manager.id, ClubRole.MANAGER)])
    publish(app, public, manager.id, [niche, shared])
    publish(app, secret, manager.id, [secret_idea])
    return {"shared": shared, "crowd": crowd, "niche": niche, "secret": secret_idea,
            "product": product, "manager": manager}


def test_product_staff_see_the_three_kinds_of_column(app, client, scene):
    login(client, "pat@example.com")
    page = text(client.get("/triage/clubs"))
    trusted = column(page, "col-trusted")
    assert trusted.index("Shared need") < trusted.index("Crowd only need")
    assert "Niche need" not in trusted
    prio = column(page, "col-priorities")
    assert "Shared need" in prio and "Crowd only need" not in prio
    with app.app_context():
        acme = db.session.scalar(sa.select(Club).where(Club.slug == "acme"))
    club_column = column(page, f"col-club-{acme.id}")
    assert "Acme Users" in club_column
    assert club_column.index("Niche need") < club_column.index("Shared need")
    assert f"reason {scene['niche']}" in club_column


def test_agreement_is_marked_with_the_number_of_columns(app, client, scene):
    login(client, "pat@example.com")
    page = text(client.get("/triage/clubs"))
    trusted = column(page, "col-trusted")
    shared_item = trusted[trusted.index(f'data-idea="{scene["shared"]}"'):]
    shared_item = shared_item[:shared_item.index("</li>")]
    assert "In 3 columns" in shared_item  # trusted, priorities, Acme's ballot
    crowd_item = trusted[trusted.index(f'data-idea="{scene["crowd"]}"'):]
    assert "columns" not in crowd_item[:crowd_item.index("</li>")]


def test_a_clubs_need_that_stands_out_is_said_in_words(app, client, scene):
    login(client, "pat@example.com")
    page = text(client.get("/triage/clubs"))
    with app.app_context():
        acme = db.session.scalar(sa.select(Club).where(Club.slug == "acme"))
    club_column = column(page, f"col-club-{acme.id}")
    niche = club_column[club_column.index(f'data-idea="{scene["niche"]}"'):]
    assert "Stands out: in neither crowd top 10" in niche[:niche.index("</li>")]
    shared = club_column[club_column.index(f'data-idea="{scene["shared"]}"'):]
    assert "Stands out" not in shared[:shared.index("</li>")]


def test_a_members_only_clubs_ballot_is_shown_to_product_staff_only(app, scene):
    product = app.test_client()
    login(product, "pat@example.com")
    page = text(product.get("/triage/clubs"))
    assert "Hush Circle" in page and "Secretive need" in page and "Members only" in page
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    make_user(app, "Ann Member", "ann@example.com")
    for email in ("mo@example.com", "ann@example.com", "mia@example.com"):
        other = app.test_client()
        login(other, email)
        response = other.get("/triage/clubs")
        assert response.status_code == 403, email
        assert "Hush Circle" not in text(response)
    anonymous = app.test_client().get("/triage/clubs")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_club_filter_shows_one_club(app, client, scene):
    login(client, "pat@example.com")
    page = text(client.get("/triage/clubs?club=hush"))
    assert "Secretive need" in page and "Niche need" not in page
    assert client.get("/triage/clubs?club=no-such-club").status_code == 404


def test_clubs_are_paginated_in_a_fixed_number_of_queries(app, client, scene):
    login(client, "pat@example.com")
    client.get("/triage/clubs")  # the first visit of the day writes it down
    app.extensions.pop("cercle.kept.roadmap", None)  # counted as rendered, not as kept
    few = queries_for(app, client, "/triage/clubs")
    club_ids = [make_club(app, f"club-{n:02d}", f"Club {n:02d}") for n in range(14)]
    with app.app_context():
        product = db.session.get(User, scene["product"].id)
        for club_id in club_ids:
            ballots.publish(product, db.session.get(Club, club_id),
                            [ballots.Line(scene["crowd"], "we too")])
        db.session.commit()
    app.extensions.pop("cercle.kept.roadmap", None)
    many = queries_for(app, client, "/triage/clubs")
    assert many == few
    assert queries_for(app, client, "/triage/clubs") < many  # the columns kept are reused
    page = text(client.get("/triage/clubs"))
    assert page.count('id="col-club-') == ballots.CLUBS_PER_PAGE
    assert "In 15 columns" in column(page, "col-trusted")  # trusted + 14 clubs' ballots
    second = text(client.get("/triage/clubs?page=2"))
    assert second.count('id="col-club-') == min(ballots.CLUBS_PER_PAGE, 16 - ballots.CLUBS_PER_PAGE)
    assert 'aria-current="page">2<' in second


def test_kept_columns_follow_every_change(app, client, scene):
    """The columns are reused between visits, but a new ballot, a renamed club or a club
    turning members-only shows on the very next visit (roadmap/page_cache.py)."""
    login(client, "pat@example.com")
    client.get("/triage/clubs")
    club_id = make_club(app, "late", "Latecomers")
    with app.app_context():
        product = db.session.get(User, scene["product"].id)
        ballots.publish(product, db.session.get(Club, club_id),
                        [ballots.Line(scene["crowd"], "we want it")])
        db.session.commit()
    assert "Latecomers" in text(client.get("/triage/clubs"))
    with app.app_context():
        db.session.get(Club, club_id).name = "Latecomers United"
        db.session.commit()
    assert "Latecomers United" in text(client.get("/triage/clubs"))
