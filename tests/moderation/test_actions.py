"""Moderators' actions on accounts through HTTP, on SQLite and PostgreSQL: discount, suspend,
restore, lock a level, and the reduced weight of flagged accounts. Each action's audit row is
checked, and its effect on idea rankings, priorities and review averages against a recount;
restore returns them exactly to before."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import priorities
from community.ideas import service as ideas
from community.ideas.models import Idea, PriorityEntry, Vote
from community.moderation import reduced
from community.moderation import service as moderation
from community.moderation.models import AuditEntry, Flag, FlagState
from community.reviews import queries as review_queries
from community.reviews.models import Review
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import post_form, text
from tests.ideas.factories import make_idea
from tests.reviews.factories import make_product, make_review

OLD = utcnow() - timedelta(days=90)


class World:
    """Two ideas, three voters (two established members, one new), reviews, a moderator."""

    def __init__(self, app):
        self.app = app
        self.author = make_user(app, "Ada Author", "ada@example.com", created_at=OLD)
        self.ann = make_user(app, "Ann Honest", "ann@example.com", created_at=OLD)
        self.rex = make_user(app, "Rex Ring", "rex@example.com", created_at=OLD)
        self.neo = make_user(app, "Neo Newcomer", "neo@example.com")
        self.mod = make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
        self.admin = make_user(app, "Al Admin", "al@example.com", role=Role.ADMIN)
        self.pat = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
        self.first = make_idea(app, self.author.id, "Dark mode")
        self.second = make_idea(app, self.author.id, "Offline sync")
        self.product = make_product(app)
        with app.app_context():
            ann, rex, neo = (db.session.get(User, u.id) for u in (self.ann, self.rex, self.neo))
            first, second = db.session.get(Idea, self.first), db.session.get(Idea, self.second)
            ideas.cast_vote(ann, first, 2, None)
            ideas.cast_vote(rex, second, 3, None)
            ideas.cast_vote(neo, second, 1, None)
            ideas.cast_vote(rex, first, 1, None)
            priorities.set_ballot(rex, [self.second, self.first])
            db.session.commit()
        make_review(app, self.ann.id, self.product, rating=4, title="Good")
        make_review(app, self.rex.id, self.product, rating=1, title="Terrible")

    def snapshot(self) -> dict:
        """What the crowd says now: every idea's counters, the ballot points, the reviews'
        weights and the product's average."""
        with self.app.app_context():
            db.session.expire_all()
            counters = {i: ideas.stored(db.session.get(Idea, i)) for i in (self.first,
                                                                           self.second)}
            for idea_id, stored in counters.items():
                assert ideas.counted(idea_id) == stored  # the counters agree with the rows
            points = sorted(db.session.execute(sa.select(
                PriorityEntry.user_id, PriorityEntry.idea_id, PriorityEntry.points)).all())
            weights = sorted(db.session.execute(sa.select(Review.id, Review.weight)).all())
            average = review_queries.product_stats([self.product])[self.product].summary.average
            return {"counters": counters, "points": points, "weights": weights,
                    "average": average}

    def client(self, email: str):
        client = self.app.test_client()
        assert login(client, email).status_code == 302
        return client

    def audit(self, action: str) -> list[AuditEntry]:
        with self.app.app_context():
            rows = list(db.session.scalars(sa.select(AuditEntry).where(
                AuditEntry.action == action).order_by(AuditEntry.id)))
            db.session.expunge_all()
            return rows


@pytest.fixture
def world(app):
    return World(app)


def act(client, user_id: int, action: str, reason: str = "voting ring, see flag", **more):
    return post_form(client, f"/moderation/accounts/{user_id}/{action}",
                     {"reason": reason, **more}, get_url=f"/moderation/accounts/{user_id}")


def recount_agrees(app) -> bool:
    with app.app_context():
        changed = ideas.recount_all()
        db.session.rollback()
        return changed == 0


def test_discount_zeroes_the_members_weight_everywhere_and_restore_undoes_it(app, world):
    before = world.snapshot()
    assert before["counters"][world.first].trusted_score == 2 + 1  # Ann 2 + Rex 1
    mo = world.client("mo@example.com")
    response = act(mo, world.rex.id, "discount")
    assert response.status_code == 302
    after = world.snapshot()
    first, second = after["counters"][world.first], after["counters"][world.second]
    assert (first.top_score, first.trusted_score, first.established_vote_count) == (2, 2, 1)
    assert (second.top_score, second.trusted_score) == (0.5, 0)  # only Neo's half vote left
    assert first.vote_count == 2  # the vote is still there, counted apart
    assert all(p == 0 for uid, _, p in after["points"] if uid == world.rex.id)
    assert second.priority_score == 0 and first.priority_score == 0
    assert dict(after["weights"]) == {1: 1.0, 2: 0.0} and after["average"] == 4.0
    assert recount_agrees(app)
    [entry] = world.audit("account.discount")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (
        world.mod.id, "account", world.rex.id)
    assert entry.reason == "voting ring, see flag" and entry.created_at is not None
    # Restore: exactly as before, and the audit says so.
    assert act(mo, world.rex.id, "restore", "mistaken: a real customer").status_code == 302
    assert world.snapshot() == before
    assert recount_agrees(app)
    [restored] = world.audit("account.restore")
    assert restored.data["discount"] is True and restored.data["suspension"] is False


def test_suspend_ends_sessions_hides_content_refuses_login_and_restore_shows_it(app, world):
    before = world.snapshot()
    rex = world.client("rex@example.com")
    assert rex.get("/settings").status_code == 200
    mo = world.client("mo@example.com")
    assert act(mo, world.rex.id, "suspend", "spam account").status_code == 302
    assert rex.get("/settings").status_code in (302, 401)  # the session is over
    refused = login(app.test_client(), "rex@example.com")
    assert refused.status_code == 422 and "suspended" in text(refused)
    page = text(app.test_client().get(f"/products/{'desktop'}/reviews"))
    assert "Terrible" not in page and "Good" in page
    after = world.snapshot()
    assert after["counters"][world.second].top_score == 0.5
    [entry] = world.audit("account.suspend")
    assert entry.data["hidden"] == {"review": [2]}
    assert act(mo, world.rex.id, "restore", "appeal accepted").status_code == 302
    assert world.snapshot() == before
    assert "Terrible" in text(app.test_client().get("/products/desktop/reviews"))
    assert login(app.test_client(), "rex@example.com").status_code == 302


def test_restore_leaves_content_hidden_before_the_suspension_hidden(app, world):
    mo_user = world.mod
    with app.app_context():
        from community.reviews.service import hide_review

        hide_review(db.session.get(User, mo_user.id), 2, "off-topic")
        db.session.commit()
    mo = world.client("mo@example.com")
    act(mo, world.rex.id, "suspend", "spam account")
    act(mo, world.rex.id, "restore", "appeal accepted")
    with app.app_context():
        assert db.session.get(Review, 2).hidden is True


@pytest.mark.parametrize("action", ["discount", "suspend"])
def test_an_action_without_a_reason_writes_nothing(app, world, action):
    before = world.snapshot()
    mo = world.client("mo@example.com")
    response = act(mo, world.rex.id, action, reason="  ")
    assert response.status_code == 302
    assert "Say why" in text(mo.get(response.headers["Location"]))
    assert world.snapshot() == before and world.audit(f"account.{action}") == []


def test_without_csrf_nothing_happens(app, world):
    mo = world.client("mo@example.com")
    response = mo.post(f"/moderation/accounts/{world.rex.id}/discount", data={"reason": "x"})
    assert response.status_code == 400
    assert world.audit("account.discount") == []


def test_moderators_and_admins_are_protected_from_these_actions(app, world):
    mo = world.client("mo@example.com")
    for target in (world.admin.id, world.mod.id):
        act(mo, target, "discount")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.votes_discounted_at.is_not(None))) == 0


def test_twice_is_refused_and_restore_needs_something_to_restore(app, world):
    mo = world.client("mo@example.com")
    act(mo, world.rex.id, "discount")
    act(mo, world.rex.id, "discount")
    act(mo, world.ann.id, "restore")
    assert len(world.audit("account.discount")) == 1 and world.audit("account.restore") == []


ROUTES = [("get", "/moderation/accounts/{id}"),
          ("post", "/moderation/flags/review/2/restore"),
          ("post", "/moderation/accounts/{id}/discount"),
          ("post", "/moderation/accounts/{id}/suspend"),
          ("post", "/moderation/accounts/{id}/restore"),
          ("post", "/moderation/accounts/{id}/level")]


@pytest.mark.parametrize("email", ["ann@example.com", "pat@example.com"])
def test_members_and_product_staff_get_403_on_every_route(app, world, email):
    client = world.client(email)
    token_page = text(client.get("/settings"))
    from tests.helpers import hidden_fields

    token = hidden_fields(token_page).get("csrf_token", "")
    for method, route in ROUTES:
        url = route.format(id=world.rex.id)
        response = (client.get(url) if method == "get" else
                    client.post(url, data={"csrf_token": token, "reason": "x", "level": "3"}))
        assert response.status_code == 403, (email, url)
    assert world.snapshot()["counters"][world.first].trusted_score == 3


def test_an_unknown_account_or_action_is_404(app, world):
    mo = world.client("mo@example.com")
    assert mo.get("/moderation/accounts/9999").status_code == 404
    response = post_form(mo, f"/moderation/accounts/{world.rex.id}/erase", {"reason": "x"},
                         get_url=f"/moderation/accounts/{world.rex.id}")
    assert response.status_code == 404


def test_locking_a_level_reweighs_and_unlocking_hands_it_back(app, world):
    mo = world.client("mo@example.com")
    page = text(mo.get(f"/moderation/accounts/{world.neo.id}"))
    assert "Trust level: New" in page and "Days visited" in page
    before = world.snapshot()["counters"][world.second].top_score  # Rex 3 + Neo 0.5
    response = post_form(mo, f"/moderation/accounts/{world.neo.id}/level",
                         {"level": "2", "reason": "known customer, met at the user club"},
                         get_url=f"/moderation/accounts/{world.neo.id}")
    assert response.status_code == 302
    assert world.snapshot()["counters"][world.second].top_score == before + 0.5
    [entry] = world.audit("account.level_lock")
    assert entry.data == {"from": 0, "to": 2, "was_locked": False}
    with app.app_context():
        assert db.session.get(User, world.neo.id).trust_level_locked is True
    post_form(mo, f"/moderation/accounts/{world.neo.id}/level",
              {"level": "auto", "reason": "back to the rules"},
              get_url=f"/moderation/accounts/{world.neo.id}")
    with app.app_context():
        neo = db.session.get(User, world.neo.id)
        # Back to the rules: exactly what the facts give (no visit, nothing read: new).
        assert (neo.trust_level, neo.trust_level_locked) == (0, False)
    assert world.snapshot()["counters"][world.second].top_score == before
    assert recount_agrees(app)
    # A moderator cannot lock their own level, nor an administrator's.
    for target in (world.mod.id, world.admin.id):
        post_form(mo, f"/moderation/accounts/{target}/level",
                  {"level": "3", "reason": "why not"}, get_url=f"/moderation/accounts/{target}")
    assert len(world.audit("account.level_lock")) == 1


def test_an_open_flag_reduces_the_weight_until_a_moderator_decides(app, world):
    before = world.snapshot()
    with app.app_context():
        moderation.open_detector_flag("trust", "account", world.rex.id, 0.8, {"suspicion": 0.8})
        moderation.open_detector_flag("trust", "account", world.ann.id, 0.3, {"suspicion": 0.3})
        assert reduced.refresh_reduced([world.rex.id, world.ann.id]) == [world.rex.id]
        db.session.commit()
    during = world.snapshot()
    # Rex counts 0.25 per importance point; Ann's flag is below TRUST_REDUCE_AT.
    assert during["counters"][world.second].top_score == 3 * 0.25 + 0.5
    assert during["counters"][world.first].trusted_score == 2  # flagged: not established
    assert during["counters"][world.first].top_score == 2 + 0.25
    assert dict(during["weights"])[2] == 0.25
    assert recount_agrees(app)
    mo = world.client("mo@example.com")
    response = post_form(mo, f"/moderation/flags/account/{world.rex.id}/decide",
                         {"decision": "dismiss", "note": "a real customer, checked"},
                         get_url=f"/moderation/flags/account/{world.rex.id}")
    assert response.status_code == 302
    assert world.snapshot() == before
    with app.app_context():
        flag = db.session.scalar(sa.select(Flag).where(Flag.subject_id == world.rex.id,
                                                       Flag.subject_type == "account"))
        assert flag.state is FlagState.DISMISSED
        # The same finding does not come back after a dismissal.
        assert moderation.open_detector_flag("trust", "account", world.rex.id, 0.8, {}) is None


def test_discounting_from_a_flag_decides_the_accounts_flags_and_names_the_flag(app, world):
    before = world.snapshot()
    with app.app_context():
        flag = moderation.open_detector_flag("trust", "account", world.rex.id, 0.9,
                                             {"suspicion": 0.9})
        reduced.refresh_reduced([world.rex.id])
        db.session.commit()
        flag_id = flag.id
    mo = world.client("mo@example.com")
    act(mo, world.rex.id, "discount", flag_id=str(flag_id), back="flag")
    [entry] = world.audit("account.discount")
    assert entry.data["flags"] == [flag_id]
    with app.app_context():
        assert db.session.get(Flag, flag_id).state is FlagState.ACTIONED
        assert db.session.scalar(sa.select(sa.func.sum(Vote.weight)).where(
            Vote.user_id == world.rex.id)) == 0
        assert db.session.get(User, world.rex.id).weight_reduced is False  # decided
    # A flag that does not name the account is not recorded as the action's flag.
    act(mo, world.ann.id, "discount", flag_id=str(flag_id))
    assert world.audit("account.discount")[-1].data["flags"] == []
    act(mo, world.ann.id, "restore", "wrong account")
    # Restore: the flag the discount actioned is dismissed, the weight is whole again.
    act(mo, world.rex.id, "restore", "a real customer after all")
    assert world.snapshot() == before
    with app.app_context():
        assert db.session.get(Flag, flag_id).state is FlagState.DISMISSED
        assert db.session.get(User, world.rex.id).weight_reduced is False


def test_restoring_a_hide_shows_the_content_and_reopens_its_flags_exactly(app, world):
    before = world.snapshot()
    ann = world.client("ann@example.com")
    post_form(ann, "/moderation/report/review/2", {"reason": "fake", "note": "a competitor"})
    mo = world.client("mo@example.com")
    page = "/moderation/flags/review/2"
    post_form(mo, f"{page}/decide", {"decision": "hide", "note": "looks bought"},
              get_url=page)
    assert "Terrible" not in text(app.test_client().get("/products/desktop/reviews"))
    assert world.snapshot()["average"] == 4.0
    # Undo: the review is back, the average too, the flag open again, one audit row.
    response = post_form(mo, f"{page}/restore", {"reason": "the member showed an invoice"},
                         get_url=page)
    assert response.status_code == 302
    assert "Terrible" in text(app.test_client().get("/products/desktop/reviews"))
    assert world.snapshot() == before
    [entry] = world.audit("flag.restore")
    assert entry.data["undid"] == "flag.hide" and len(entry.data["flags"]) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Flag.state).where(
            Flag.subject_type == "review")) is FlagState.OPEN
    # Nothing left to undo until someone decides again.
    post_form(mo, f"{page}/restore", {"reason": "again"}, get_url=page)
    assert len(world.audit("flag.restore")) == 1


def test_restoring_a_dismissal_reopens_the_flags_and_needs_a_reason(app, world):
    ann = world.client("ann@example.com")
    post_form(ann, "/moderation/report/review/2", {"reason": "spam", "note": "an ad"})
    mo = world.client("mo@example.com")
    page = "/moderation/flags/review/2"
    post_form(mo, f"{page}/decide", {"decision": "dismiss", "note": "a fair review"},
              get_url=page)
    post_form(mo, f"{page}/restore", {"reason": ""}, get_url=page)
    assert world.audit("flag.restore") == []
    post_form(mo, f"{page}/restore", {"reason": "dismissed by mistake"}, get_url=page)
    [entry] = world.audit("flag.restore")
    assert entry.data["undid"] == "flag.dismiss"
    with app.app_context():
        assert db.session.scalar(sa.select(Flag.state)) is FlagState.OPEN
