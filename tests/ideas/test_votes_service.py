"""Votes through the service on the real databases: counters, recount, one vote per member."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import service
from community.ideas.models import Idea, Status, Vote
from community.refusals import Refused
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.ideas.factories import make_idea


def _user(user_id):
    return db.session.get(User, user_id)


def test_vote_counts_importance_times_trust(app):
    author = make_user(app, created_at=utcnow() - timedelta(days=30))
    young = make_user(app, "Yan Young", "yan@example.com")
    staff = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    idea_id = make_idea(app, author.id)
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        service.cast_vote(_user(author.id), idea, 3, "daily use")
        service.cast_vote(_user(young.id), idea, 2, None)
        service.cast_vote(_user(staff.id), idea, 3, None)
        db.session.commit()
        db.session.refresh(idea)
        assert (idea.vote_count, idea.staff_vote_count, idea.established_vote_count) == (2, 1, 1)
        assert idea.top_score == 3 * 1.0 + 2 * 0.5 + 0
        assert service.counted(idea_id) == service.stored(idea)


def test_changing_importance_and_unvoting_keep_counters_exact(app):
    author = make_user(app, created_at=utcnow() - timedelta(days=30))
    idea_id = make_idea(app, author.id)
    with app.app_context():
        idea, user = db.session.get(Idea, idea_id), _user(author.id)
        service.cast_vote(user, idea, 1, None)
        service.cast_vote(user, idea, 3, "changed my mind")
        db.session.commit()
        db.session.refresh(idea)
        assert (idea.vote_count, idea.top_score) == (1, 3.0)
        assert db.session.scalar(sa.select(Vote.why)) == "changed my mind"
        assert service.remove_vote(user, idea) is True
        assert service.remove_vote(user, idea) is False
        db.session.commit()
        db.session.refresh(idea)
        assert service.stored(idea) == service.counted(idea_id)
        assert (idea.vote_count, idea.top_score, idea.trending_score) == (0, 0.0, 0)


def test_unverified_members_and_closed_ideas_cannot_be_voted(app):
    author = make_user(app)
    unverified = make_user(app, "Una V", "una@example.com", verified=False)
    idea_id = make_idea(app, author.id)
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        with pytest.raises(Refused) as refused:
            service.cast_vote(_user(unverified.id), idea, 2, None)
        assert (refused.value.code, refused.value.status) == ("ideas.unverified", 403)
        assert refused.value.message == "Please confirm your e-mail address before voting."
        idea.status = Status.DECLINED
        with pytest.raises(Refused) as refused:
            service.cast_vote(_user(author.id), idea, 2, None)
        assert (refused.value.code, refused.value.status) == ("ideas.closed", 409)


def test_database_refuses_a_second_vote_row_for_one_member(app):
    author = make_user(app)
    idea_id = make_idea(app, author.id)
    with app.app_context():
        for _ in range(2):
            db.session.add(Vote(idea_id=idea_id, user_id=author.id, importance=1))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_recount_repairs_drifted_counters(app):
    author = make_user(app, created_at=utcnow() - timedelta(days=30))
    idea_id = make_idea(app, author.id)
    with app.app_context():
        service.cast_vote(_user(author.id), db.session.get(Idea, idea_id), 2, None)
        db.session.execute(sa.update(Idea).values(vote_count=99, top_score=7.5))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["ideas", "recount"])
    assert result.exit_code == 0 and "1 ideas corrected" in result.output
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        assert (idea.vote_count, idea.top_score) == (1, 2.0)


def test_rebase_moves_the_epoch_keeps_the_order_and_the_recount_exact(make_app):
    from community.ideas.models import RankingState

    app = make_app(TRENDING_EPOCH="2026-01-01T00:00:00")
    author = make_user(app, created_at=utcnow() - timedelta(days=30))
    others = [make_user(app, f"Voter {c}", f"v{c}@example.com",
                        created_at=utcnow() - timedelta(days=30)) for c in "ABC"]
    a, b = make_idea(app, author.id, "Idea A here"), make_idea(app, author.id, "Idea B here")
    with app.app_context():
        for user, idea_id, importance in ((others[0], a, 3), (others[1], b, 1),
                                          (others[2], b, 1)):
            # Votes cast long ago (before the rebase is due), stored with the old epoch.
            db.session.execute(sa.update(RankingState).values(
                trending_epoch=utcnow() - timedelta(weeks=20)))
            service.cast_vote(_user(user.id), db.session.get(Idea, idea_id), importance, None)
        db.session.commit()
        before = {i: db.session.get(Idea, i).trending_score for i in (a, b)}
        db.session.execute(sa.update(RankingState).values(
            trending_epoch=utcnow() - timedelta(weeks=30)))
        db.session.execute(sa.update(Vote).values(trending_term=Vote.trending_term * 1024))
        db.session.commit()
        service.recount_all()
        db.session.commit()
        assert service.rebase_trending(utcnow()) is True
        assert service.rebase_trending(utcnow()) is False  # once
        db.session.commit()
        after = {i: db.session.get(Idea, i) for i in (a, b)}
        assert (after[a].trending_score > after[b].trending_score) == (before[a] > before[b])
        for idea_id, idea in after.items():
            assert service.stored(idea) == service.counted(idea_id)
    result = app.test_cli_runner().invoke(args=["ideas", "maintain"])
    assert "Nothing to do." in result.output
