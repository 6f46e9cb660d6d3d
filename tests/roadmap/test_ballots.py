"""The club's ballot: its members' ranking, publishing versions, and the history, over HTTP
and at the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import Club, ClubRole, Visibility
from community.extensions import db
from community.ideas import priorities
from community.ideas.models import Idea, Status
from community.refusals import Refused
from community.roadmap import ballots
from community.roadmap.models import BallotLine, ClubBallot
from tests.conftest import login, make_user
from tests.helpers import post_form, text
from tests.ideas.factories import make_idea


def make_club(app, slug="acme", name="Acme Users", *, members=(), private=False) -> int:
    """A club with these (user id, role) members."""
    with app.app_context():
        club = CLUBS.create(name, slug)
        if private:
            club.visibility = Visibility.MEMBERS
        for user_id, role in members:
            CLUBS.add(club, user_id, role=role)
        db.session.commit()
        return club.id


def set_priorities(app, user_id: int, idea_ids: list[int]) -> None:
    with app.app_context():
        priorities.set_ballot(db.session.get(User, user_id), idea_ids)
        db.session.commit()


def versions(app, club_id: int) -> list[list[tuple[int, int, str]]]:
    """Each stored version's lines (position, idea, reason), oldest first."""
    with app.app_context():
        found = []
        for ballot in db.session.scalars(sa.select(ClubBallot).where(
                ClubBallot.club_id == club_id).order_by(ClubBallot.version)):
            found.append([(li.position, li.idea_id, li.reason) for li in ballot.lines])
        return found


def rows(*lines: tuple[object, str]) -> dict[str, str]:
    """The form's fields for these (idea, reason) rows, in order."""
    data = {}
    for n, (idea, reason) in enumerate(lines):
        data.update({f"rows-{n}-position": str(n + 1), f"rows-{n}-idea": str(idea),
                     f"rows-{n}-reason": reason})
    return data


@pytest.fixture
def people(app):
    """A manager, two members (one new: half weight), an outsider, product staff."""
    return {
        "manager": make_user(app, "Mia Manager", "mia@example.com", trust_level=2),
        "member": make_user(app, "Max Member", "max@example.com", trust_level=2),
        "newbie": make_user(app, "Nel Newbie", "nel@example.com", trust_level=0),
        "outsider": make_user(app, "Oz Outsider", "oz@example.com", trust_level=2),
        "product": make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT),
    }


@pytest.fixture
def club(app, people):
    return make_club(app, members=[(people["manager"].id, ClubRole.MANAGER),
                                   (people["member"].id, ClubRole.MEMBER),
                                   (people["newbie"].id, ClubRole.MEMBER)])


@pytest.fixture
def ideas(app, people):
    author = people["outsider"].id
    return [make_idea(app, author, title, "Body of the idea.")
            for title in ("Dark mode", "Offline export", "Audit log", "Single sign-on")]


# ---- the club's ranking ----

def test_ranking_counts_only_the_clubs_members_trust_weighted(app, people, club, ideas):
    dark, offline, audit, _ = ideas
    set_priorities(app, people["member"].id, [dark, offline])  # 10 and 9 points, weight 1
    set_priorities(app, people["newbie"].id, [offline])  # 10 points, weight 0.5: 5
    set_priorities(app, people["outsider"].id, [audit, offline])  # not a member: not counted
    with app.app_context():
        ranked = ballots.club_ranking(db.session.get(Club, club))
        assert [(r.idea.id, r.points, r.members) for r in ranked] == [
            (offline, 14.0, 2), (dark, 10.0, 1)]


def test_a_member_with_lower_trust_weighs_less(app, people, club, ideas):
    dark, offline, *_ = ideas
    set_priorities(app, people["newbie"].id, [dark])  # level 0: 10 x 0.5
    set_priorities(app, people["member"].id, [offline])  # level 2: 10 x 1
    with app.app_context():
        ranked = ballots.club_ranking(db.session.get(Club, club))
    assert [(r.idea.id, r.points) for r in ranked] == [(offline, 10.0), (dark, 5.0)]


def test_ranking_leaves_merged_ideas_out(app, people, club, ideas):
    dark, offline, *_ = ideas
    set_priorities(app, people["member"].id, [dark, offline])
    with app.app_context():
        db.session.get(Idea, dark).status = Status.MERGED
        db.session.commit()
        ranked = ballots.club_ranking(db.session.get(Club, club))
    assert [r.idea.id for r in ranked] == [offline]


def test_members_see_the_ranking_outsiders_do_not(app, people, club, ideas):
    set_priorities(app, people["member"].id, [ideas[2]])
    member = app.test_client()
    login(member, "max@example.com")
    page = text(member.get("/clubs/acme/ballot"))
    assert "The members' ranking" in page and "Audit log" in page
    outsider = app.test_client()
    login(outsider, "oz@example.com")
    page = text(outsider.get("/clubs/acme/ballot"))
    assert "The members' ranking" not in page and "Audit log" not in page
    assert "Publish a new version" not in page


# ---- publishing ----

def test_manager_publishes_a_ballot_everyone_sees_it(app, client, people, club, ideas):
    dark, offline, *_ = ideas
    login(client, "mia@example.com")
    response = post_form(client, "/clubs/acme/ballot",
                         rows((offline, "Our auditors ask for it"), (dark, "Night shifts")))
    assert response.status_code == 302, text(response)
    assert versions(app, club) == [[(1, offline, "Our auditors ask for it"),
                                    (2, dark, "Night shifts")]]
    anonymous = app.test_client()
    page = text(anonymous.get("/clubs/acme/ballot"))
    assert page.index("Offline export") < page.index("Dark mode")
    assert "Our auditors ask for it" in page and f'href="/ideas/{offline}-' in page


def test_position_numbers_set_the_order(app, client, people, club, ideas):
    dark, offline, *_ = ideas
    login(client, "mia@example.com")
    data = rows((dark, "first row"), (offline, "second row"))
    data.update({"rows-0-position": "2", "rows-1-position": "1"})
    assert post_form(client, "/clubs/acme/ballot", data).status_code == 302
    assert [idea for _, idea, _ in versions(app, club)[0]] == [offline, dark]


def test_an_idea_may_be_given_by_its_address(app, client, people, club, ideas):
    login(client, "mia@example.com")
    post_form(client, "/clubs/acme/ballot",
              rows((f"https://cercle.example/ideas/{ideas[3]}-single-sign-on", "SSO"),
                   (f"#{ideas[1]}", "Offline")))
    assert [idea for _, idea, _ in versions(app, club)[0]] == [ideas[3], ideas[1]]


def test_form_is_prefilled_from_the_ranking_then_from_the_ballot(app, client, people, club,
                                                                 ideas):
    set_priorities(app, people["member"].id, [ideas[2], ideas[0]])
    login(client, "mia@example.com")
    page = text(client.get("/clubs/acme/ballot"))
    assert f'name="rows-0-idea" type="text" value="{ideas[2]}"' in page
    assert f'name="rows-1-idea" type="text" value="{ideas[0]}"' in page
    post_form(client, "/clubs/acme/ballot", rows((ideas[1], "Because offline")))
    page = text(client.get("/clubs/acme/ballot"))
    assert f'name="rows-0-idea" type="text" value="{ideas[1]}"' in page
    assert 'value="Because offline"' in page


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_members_and_outsiders_may_not_publish(app, client, people, club, ideas, who):
    login(client, people[who].email)
    response = post_form(client, "/clubs/acme/ballot", rows((ideas[0], "Sneaky")),
                         get_url="/clubs/acme/ballot")
    assert response.status_code == 403
    assert versions(app, club) == []
    with app.app_context():
        with pytest.raises(Refused) as refused:
            ballots.publish(db.session.get(User, people[who].id), db.session.get(Club, club),
                            [ballots.Line(ideas[0], "Sneaky")])
        assert refused.value.code == "roadmap.ballot_not_manager"


def test_visitors_may_not_publish(app, people, club, ideas):
    anonymous = app.test_client()
    response = post_form(anonymous, "/clubs/acme/ballot", rows((ideas[0], "Sneaky")),
                         get_url="/login")
    assert response.status_code == 403
    assert versions(app, club) == []


def test_product_staff_publish_as_owners_of_every_club(app, client, people, club, ideas):
    login(client, "pat@example.com")
    assert post_form(client, "/clubs/acme/ballot",
                     rows((ideas[0], "Team pick"))).status_code == 302
    assert len(versions(app, club)) == 1


def test_an_unchanged_ballot_is_not_published_again(app, client, people, club, ideas):
    login(client, "mia@example.com")
    post_form(client, "/clubs/acme/ballot", rows((ideas[0], "Why")))
    response = post_form(client, "/clubs/acme/ballot", rows((ideas[0], "Why")))
    assert response.status_code == 422
    assert "nothing new to publish" in text(response)
    assert len(versions(app, club)) == 1


# ---- versions and history ----

def test_versions_are_kept_and_the_history_shows_what_changed(app, client, people, club, ideas):
    dark, offline, audit, sso = ideas
    login(client, "mia@example.com")
    post_form(client, "/clubs/acme/ballot", rows((dark, "a"), (offline, "b"), (audit, "c")))
    post_form(client, "/clubs/acme/ballot", rows((audit, "c"), (dark, "a2"), (sso, "d")))
    assert len(versions(app, club)) == 2
    login(client, "max@example.com")
    page = text(client.get("/clubs/acme/ballot/history"))
    assert page.index("Version 2") < page.index("Version 1")
    v2 = page[page.index("Version 2"):page.index("Version 1")]
    assert "Added: Single sign-on" in v2 and "Removed: Offline export" in v2
    assert "Moved to position 1: Audit log" in v2 and "Reason changed: Dark mode" in v2
    assert "Moved to position 2: Dark mode" not in v2  # only slid: not a move
    assert "First published version." in page[page.index("Version 1"):]
    assert "Mia Manager" in page


def test_history_is_for_the_clubs_members_and_staff(app, people, club, ideas):
    with app.app_context():
        ballots.publish(db.session.get(User, people["manager"].id), db.session.get(Club, club),
                        [ballots.Line(ideas[0], "why")])
        db.session.commit()
    for email, status in (("oz@example.com", 404), ("max@example.com", 200),
                          ("pat@example.com", 200)):
        client = app.test_client()
        login(client, email)
        assert client.get("/clubs/acme/ballot/history").status_code == status, email
    assert app.test_client().get("/clubs/acme/ballot/history").status_code == 404


def test_a_members_only_clubs_ballot_is_404_to_outsiders(app, people, ideas):
    secret = make_club(app, "quiet-club", "Quiet Club", private=True,
                       members=[(people["manager"].id, ClubRole.MANAGER)])
    with app.app_context():
        ballots.publish(db.session.get(User, people["manager"].id),
                        db.session.get(Club, secret), [ballots.Line(ideas[0], "Quiet reason")])
        db.session.commit()
    outsider = app.test_client()
    login(outsider, "oz@example.com")
    for url in ("/clubs/quiet-club/ballot", "/clubs/quiet-club/ballot/history"):
        response = outsider.get(url)
        assert response.status_code == 404 and "Quiet" not in text(response)
        assert app.test_client().get(url).status_code == 404
    response = post_form(outsider, "/clubs/quiet-club/ballot", rows((ideas[1], "x")),
                         get_url="/ideas")
    assert response.status_code == 404
    insider = app.test_client()
    login(insider, "mia@example.com")
    assert "Quiet reason" in text(insider.get("/clubs/quiet-club/ballot"))
    assert len(versions(app, secret)) == 1


# ---- refusals ----

def test_reason_longer_than_280_is_refused_and_nothing_lost(app, client, people, club, ideas):
    login(client, "mia@example.com")
    long_reason = "r" * 281
    response = post_form(client, "/clubs/acme/ballot",
                         rows((ideas[0], "fine"), (ideas[1], long_reason)))
    page = text(response)
    assert response.status_code == 422
    assert "Use at most 280 characters." in page and f'value="{long_reason}"' in page
    assert 'value="fine"' in page
    assert versions(app, club) == []


def test_duplicates_are_refused_beside_the_line(app, client, people, club, ideas):
    login(client, "mia@example.com")
    response = post_form(client, "/clubs/acme/ballot",
                         rows((ideas[0], "one"), (f"#{ideas[0]}", "again")))
    assert response.status_code == 422
    page = text(response)
    assert f"Idea #{ideas[0]} is on the ballot twice" in page
    errors = page.index('id="rows-1-idea-errors"')
    assert page.index('name="rows-1-idea"') < errors < page.index('name="rows-2-idea"')
    assert "on the ballot twice" in page[errors:page.index('name="rows-2-idea"')]
    assert versions(app, club) == []


def test_unknown_and_merged_ideas_are_refused(app, client, people, club, ideas):
    with app.app_context():
        db.session.get(Idea, ideas[1]).status = Status.MERGED
        db.session.commit()
    login(client, "mia@example.com")
    response = post_form(client, "/clubs/acme/ballot",
                         rows((ideas[0], "ok"), (ideas[1], "merged"), (987654, "ghost")))
    page = text(response)
    assert response.status_code == 422
    assert "There is no idea #987654." in page
    assert f"Idea #{ideas[1]} was merged into another idea" in page
    assert versions(app, club) == []


def test_service_refuses_bad_lines(app, people, club, ideas):
    with app.app_context():
        manager, acme = db.session.get(User, people["manager"].id), db.session.get(Club, club)
        cases = {
            "roadmap.ballot_empty": [],
            "roadmap.ballot_too_long": [ballots.Line(i, "x") for i in range(1, 12)],
            "roadmap.ballot_duplicate": [ballots.Line(ideas[0], "a"),
                                         ballots.Line(ideas[0], "b")],
            "roadmap.ballot_unknown_idea": [ballots.Line(10**9, "a")],
            "roadmap.ballot_reason_needed": [ballots.Line(ideas[0], "   ")],
            "roadmap.ballot_reason_too_long": [ballots.Line(ideas[0], "x" * 281)],
        }
        for code, lines in cases.items():
            with pytest.raises(Refused) as refused:
                ballots.publish(manager, acme, lines)
            assert refused.value.code == code
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClubBallot)) == 0


# ---- two managers at once ----

def test_the_database_holds_one_ballot_per_club_and_version(app, people, club):
    with app.app_context():
        db.session.add(ClubBallot(club_id=club, version=1))
        db.session.commit()
        db.session.add(ClubBallot(club_id=club, version=1))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_concurrent_publication_is_refused_not_duplicated(app, people, club, ideas,
                                                            monkeypatch):
    """The second manager read the same highest version as the first: the unique constraint
    refuses their insert, the session stays usable and nothing of theirs is stored."""
    with app.app_context():
        manager, acme = db.session.get(User, people["manager"].id), db.session.get(Club, club)
        ballots.publish(manager, acme, [ballots.Line(ideas[0], "first")])
        db.session.commit()
        monkeypatch.setattr(ballots, "next_version", lambda club_id: 1)  # a stale read
        with pytest.raises(Refused) as refused:
            ballots.publish(manager, acme, [ballots.Line(ideas[1], "second")])
        assert refused.value.code == "roadmap.ballot_conflict"
        assert refused.value.status == 409
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClubBallot)) == 1
        assert list(db.session.scalars(sa.select(BallotLine.reason))) == ["first"]


def test_a_concurrent_publication_is_told_clearly_over_http(app, client, people, club, ideas,
                                                             monkeypatch):
    login(client, "mia@example.com")
    post_form(client, "/clubs/acme/ballot", rows((ideas[0], "first")))
    monkeypatch.setattr(ballots, "next_version", lambda club_id: 1)
    response = post_form(client, "/clubs/acme/ballot", rows((ideas[1], "mine")))
    assert response.status_code == 422
    assert "Another manager published the ballot a moment ago" in text(response)
    assert 'value="mine"' in text(response)
    assert len(versions(app, club)) == 1
