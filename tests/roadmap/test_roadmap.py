"""The roadmap over HTTP: the product team creates, edits, moves items and links ideas; the
public board by horizon and by status; members-only items for members only; followers hear of
linking and moving once."""

from __future__ import annotations

import re

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import Visibility
from community.extensions import db
from community.ideas import service as ideas
from community.ideas import triage
from community.ideas.models import Idea, Status
from community.notify.models import Notification
from community.roadmap import items
from community.roadmap.models import (
    BallotLine,
    ClubBallot,
    Horizon,
    ItemStatus,
    RoadmapItem,
    RoadmapLink,
)
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, post_form, queries_for, text


def make_item(app, title="Offline mode", *, horizon=Horizon.NEXT, quarter=None,
              status=ItemStatus.PLANNED, members_only=False, body="Work *offline*.",
              position=0) -> int:
    """An item written through the service (as a product person, made if missing)."""
    with app.app_context():
        staff = _staff()
        item = items.create_item(staff, items.ItemFields(
            title, body, horizon, quarter, status, members_only, position))
        db.session.commit()
        return item.id


def _staff() -> User:
    staff = db.session.scalar(sa.select(User).where(User.role == Role.PRODUCT))
    if staff is None:
        staff = User(handle="roadmap-staff", display_name="Roadmap Staff",
                     email="staff@example.com", email_normalized="staff@example.com",
                     role=Role.PRODUCT, password_hash="!")
        db.session.add(staff)
        db.session.flush()
    return staff


def make_idea(app, author_email="alice@example.com", title="Work without network") -> int:
    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == author_email))
        idea = ideas.create_idea(author, title, "Trains have no network.", None, [],
                                 author_vote=False)  # the tests cast the votes they count
        db.session.commit()
        return idea.id


def link(app, item_id: int, idea_id: int) -> None:
    with app.app_context():
        items.link_idea(_staff(), db.session.get(RoadmapItem, item_id),
                        db.session.get(Idea, idea_id))
        db.session.commit()


def notices(app, user_id: int, kind: str | None = None) -> list[Notification]:
    with app.app_context():
        query = sa.select(Notification).where(Notification.user_id == user_id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = list(db.session.scalars(query.order_by(Notification.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def staff_client(app):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    client = app.test_client()
    login(client, "pat@example.com")
    return client


ITEM_FORM = {"title": "Offline mode", "body": "Work **offline**.", "horizon": "now",
             "quarter": "", "status": "planned", "position": "0"}


def test_product_creates_edits_and_moves_an_item(app):
    pat = staff_client(app)
    response = post_form(pat, "/roadmap/new", ITEM_FORM)
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(sa.select(RoadmapItem))
        assert (item.title, item.horizon, item.body_html) == (
            "Offline mode", Horizon.NOW, "<p>Work <strong>offline</strong>.</p>\n")
        item_id = item.id
    page = text(pat.get(f"/roadmap/{item_id}/edit"))
    assert 'value="Offline mode"' in page
    response = post_form(pat, f"/roadmap/{item_id}/edit", {
        **ITEM_FORM, "title": "Offline mode, phase 1", "horizon": "quarter",
        "quarter": "2027-q3", "status": "in_progress", "members_only": "y"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(RoadmapItem, item_id)
        assert (item.title, item.horizon, item.quarter, item.status, item.members_only) == (
            "Offline mode, phase 1", Horizon.QUARTER, "2027-Q3", ItemStatus.IN_PROGRESS, True)
    assert "Offline mode, phase 1" in text(pat.get("/roadmap"))


def test_members_and_visitors_cannot_write_the_roadmap(app, member):
    item_id = make_item(app)
    idea_id = make_idea(app)
    alice = app.test_client()
    login(alice)
    visitor = app.test_client()
    for client, refused in ((alice, 403), (visitor, 302)):
        assert client.get("/roadmap/new").status_code == refused
        # A valid CSRF token (from a page with a form): the refusal is the roadmap's.
        token = hidden_fields(text(client.get("/ideas/new" if client is alice else "/login")))
        for url, data in (("/roadmap/new", ITEM_FORM),
                          (f"/roadmap/{item_id}/edit", {**ITEM_FORM, "title": "Hacked"}),
                          (f"/roadmap/{item_id}/link", {"idea": str(idea_id)}),
                          (f"/roadmap/{item_id}/unlink/{idea_id}", {}),
                          (f"/roadmap/{item_id}/ship", {"body": "Shipped!"})):
            response = client.post(url, data={**token, **data})
            assert response.status_code == refused, url
            if refused == 302:
                assert "/login" in response.headers["Location"]
    with app.app_context():
        item = db.session.get(RoadmapItem, item_id)
        assert (item.title, item.status) == ("Offline mode", ItemStatus.PLANNED)
    assert count(app, RoadmapLink) == 0 and count(app, RoadmapItem) == 1
    assert "New item" not in text(alice.get("/roadmap"))


def _columns(page: str) -> list[str]:
    return [re.sub(r"\s*<span.*", "", h).strip()
            for h in re.findall(r'<h2 id="column-[^"]+">(.*?)</h2>', page)]


def _column_of(page: str, title: str) -> str:
    """The id of the column whose section holds the card titled ``title``."""
    sections = re.split(r'<section class="roadmap-column" aria-labelledby="column-', page)[1:]
    for section in sections:
        if f">{title}</a></h3>" in section:
            return section.split('"', 1)[0]
    return ""


def test_board_columns_by_horizon_then_quarters_and_by_status(app, client):
    make_item(app, "Later thing", horizon=Horizon.LATER)
    make_item(app, "Q2 thing", horizon=Horizon.QUARTER, quarter="2027-Q2")
    make_item(app, "Q1 thing", horizon=Horizon.QUARTER, quarter="2027-Q1",
              status=ItemStatus.IN_PROGRESS)
    make_item(app, "Now thing", horizon=Horizon.NOW, status=ItemStatus.IN_PROGRESS)
    page = text(client.get("/roadmap"))
    assert _columns(page) == ["Now", "Next", "Later", "2027-Q1", "2027-Q2"]
    assert _column_of(page, "Q1 thing") == "2027-Q1"
    assert _column_of(page, "Later thing") == "later"
    assert "Nothing here yet." in page  # "Next" has no item
    by_status = text(client.get("/roadmap?by=status"))
    assert _columns(by_status) == ["Planned", "In progress", "Shipped"]
    assert _column_of(by_status, "Q1 thing") == "in_progress"
    assert _column_of(by_status, "Later thing") == "planned"
    assert _column_of(by_status, "Now thing") == "in_progress"


def test_board_orders_items_by_position_in_a_column(app, client):
    make_item(app, "Second", horizon=Horizon.NOW, position=5)
    make_item(app, "First", horizon=Horizon.NOW, position=1)
    page = text(client.get("/roadmap"))
    assert page.index(">First</a>") < page.index(">Second</a>")


def test_members_only_item_is_hidden_from_visitors_everywhere(app, client, member):
    secret_id = make_item(app, "Quasar sync", members_only=True, body="Quasar details")
    make_item(app, "Public sync")
    page = text(client.get("/roadmap"))
    assert "Public sync" in page and "Quasar" not in page
    assert "Quasar" not in text(client.get("/roadmap?by=status"))
    assert client.get(f"/roadmap/{secret_id}").status_code == 404
    assert "Quasar" not in text(client.get("/search?q=quasar"))
    assert "Public sync" in text(client.get("/search?q=sync"))
    login(client)
    assert "Quasar sync" in text(client.get("/roadmap"))
    assert "Quasar details" in text(client.get(f"/roadmap/{secret_id}"))
    assert "Quasar sync" in text(client.get("/search?q=quasar"))


def test_link_by_address_plans_the_idea_and_its_followers_hear_once(app, member):
    pat = staff_client(app)
    item_id = make_item(app)
    idea_id = make_idea(app)  # Alice follows her own idea
    response = post_form(pat, f"/roadmap/{item_id}/link",
                         {"idea": f"https://cercle.example/ideas/{idea_id}-work-without"},
                         get_url=f"/roadmap/{item_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(RoadmapLink, idea_id).item_id == item_id
        assert db.session.get(Idea, idea_id).status is Status.PLANNED
    # One notice: the status change (it says the idea is planned); no second roadmap one.
    assert [n.kind for n in notices(app, member.id)] == ["status"]
    assert "Work without network" in text(pat.get(f"/roadmap/{item_id}"))


def test_linking_a_planned_idea_tells_followers_with_the_roadmap_notice(app, member):
    pat = staff_client(app)
    item_id = make_item(app, "Offline mode")
    idea_id = make_idea(app)
    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "pat@example.com"))
        triage.change_status(staff, db.session.get(Idea, idea_id), Status.PLANNED, "")
        db.session.commit()
    before = len(notices(app, member.id))
    post_form(pat, f"/roadmap/{item_id}/link", {"idea": f"#{idea_id}"},
              get_url=f"/roadmap/{item_id}")
    fresh = notices(app, member.id)[before:]
    assert [n.kind for n in fresh] == ["roadmap_linked"]
    alice = app.test_client()
    login(alice)
    page = text(alice.get("/notifications"))
    assert "“Work without network” is on the roadmap: “Offline mode”." in page
    assert f"/roadmap/{item_id}" in page


def test_linking_an_idea_on_another_item_moves_it(app, member):
    first, second = make_item(app, "First item"), make_item(app, "Second item")
    idea_id = make_idea(app)
    link(app, first, idea_id)
    pat = staff_client(app)
    post_form(pat, f"/roadmap/{second}/link", {"idea": str(idea_id)},
              get_url=f"/roadmap/{second}")
    with app.app_context():
        assert db.session.get(RoadmapLink, idea_id).item_id == second
    assert count(app, RoadmapLink) == 1


def test_linking_a_merged_idea_is_refused(app, member):
    item_id = make_item(app)
    duplicate, target = make_idea(app), make_idea(app, title="Offline everything")
    with app.app_context():
        staff = _staff()
        triage.merge(staff, db.session.get(Idea, duplicate), db.session.get(Idea, target))
        db.session.commit()
    pat = staff_client(app)
    response = post_form(pat, f"/roadmap/{item_id}/link", {"idea": str(duplicate)},
                         get_url=f"/roadmap/{item_id}", follow_redirects=True)
    assert "This idea was merged into another" in text(response)
    assert count(app, RoadmapLink) == 0


def test_unlink_takes_the_idea_off(app, member):
    item_id = make_item(app)
    idea_id = make_idea(app)
    link(app, item_id, idea_id)
    pat = staff_client(app)
    response = post_form(pat, f"/roadmap/{item_id}/unlink/{idea_id}", {},
                         get_url=f"/roadmap/{item_id}")
    assert response.status_code == 302
    assert count(app, RoadmapLink) == 0


def test_moving_an_item_tells_each_follower_once(app, member):
    item_id = make_item(app, "Offline mode", horizon=Horizon.LATER)
    one, two = make_idea(app), make_idea(app, title="Sync on reconnect")
    link(app, item_id, one)
    link(app, item_id, two)  # Alice follows both ideas
    before = len(notices(app, member.id))
    pat = staff_client(app)
    post_form(pat, f"/roadmap/{item_id}/edit", {**ITEM_FORM, "horizon": "now"})
    fresh = notices(app, member.id)[before:]
    assert [n.kind for n in fresh] == ["roadmap_moved"]
    alice = app.test_client()
    login(alice)
    assert "“Offline mode” moved on the roadmap: Now, Planned." in text(
        alice.get("/notifications"))
    # Saving without a move tells nobody.
    post_form(pat, f"/roadmap/{item_id}/edit", {**ITEM_FORM, "horizon": "now",
                                                "title": "Offline mode!"})
    assert len(notices(app, member.id)) == before + 1


def test_moving_to_in_progress_moves_the_ideas_and_tells_through_their_status(app, member):
    item_id = make_item(app, "Offline mode")
    idea_id = make_idea(app)
    link(app, item_id, idea_id)
    before = len(notices(app, member.id))
    pat = staff_client(app)
    post_form(pat, f"/roadmap/{item_id}/edit", {**ITEM_FORM, "status": "in_progress"})
    with app.app_context():
        assert db.session.get(Idea, idea_id).status is Status.IN_PROGRESS
    assert [n.kind for n in notices(app, member.id)[before:]] == ["status"]


def test_members_only_item_notices_are_hidden_from_a_reader_who_may_not_see_it(app, member):
    from community.notify import service as notify
    item_id = make_item(app, "Quasar sync", members_only=True)
    with app.app_context():
        notify.notify([member.id], "roadmap_moved", items.SUBJECT, item_id,
                      {"horizon": "now", "quarter": None, "status": "planned"})
        db.session.commit()
        rows = list(db.session.scalars(sa.select(Notification)))
        from community.roadmap import notices_roadmap
        with app.test_request_context():
            assert notices_roadmap.shown(None, rows) == {}
            reader = db.session.get(User, member.id)
            assert len(notices_roadmap.shown(reader, rows)) == 1


def _seed_board(app, n: int, author_id: int) -> None:
    with app.app_context():
        staff = _staff()
        author = db.session.get(User, author_id)
        club = CLUBS.create(f"Club {n}", f"club-{n}")
        hidden = CLUBS.create(f"Hidden {n}", f"hidden-{n}")
        hidden.visibility = Visibility.MEMBERS
        ballot = ClubBallot(club_id=club.id, version=1)
        secret_ballot = ClubBallot(club_id=hidden.id, version=1)
        db.session.add_all([ballot, secret_ballot])
        db.session.flush()
        for k in range(n):
            item = items.create_item(staff, items.ItemFields(
                f"Item {k}", "Text", list(Horizon)[k % 3], None, ItemStatus.PLANNED, False))
            for j in range(2):
                idea = ideas.create_idea(author, f"Idea {k}-{j} for the board", "Body", None, [])
                items.link_idea(staff, item, idea)
                if j == 0 and k < 10:
                    db.session.add(BallotLine(ballot_id=ballot.id, position=k + 1,
                                              idea_id=idea.id))
                    db.session.add(BallotLine(ballot_id=secret_ballot.id, position=k + 1,
                                              idea_id=idea.id))
        db.session.commit()


def test_board_runs_a_fixed_number_of_queries(app, client, member, make_app):
    _seed_board(app, 2, member.id)
    small = queries_for(app, client, "/roadmap")
    page = text(client.get("/roadmap"))
    assert "Club 2" in page and "Hidden 2" not in page  # the ballots' clubs, visible ones only
    _seed_board(app, 8, member.id)
    assert queries_for(app, client, "/roadmap") == small
    assert queries_for(app, client, "/roadmap?by=status") <= small + 1


def test_search_follows_edits_and_reindex_rebuilds_the_items(app, client):
    item_id = make_item(app, "Quasar sync")
    pat = staff_client(app)
    post_form(pat, f"/roadmap/{item_id}/edit", {**ITEM_FORM, "title": "Pulsar sync"})
    assert "Pulsar sync" in text(client.get("/search?q=pulsar"))
    assert "Quasar" not in text(client.get("/search?q=quasar"))
    from community.search import kinds
    from community.search.models import SearchDocument
    with app.app_context():
        db.session.execute(sa.delete(SearchDocument))
        assert sum(kinds.get("roadmap_item").reindex()) == 1
        db.session.commit()
    assert "Pulsar sync" in text(client.get("/search?q=pulsar"))
