"""Withdrawing a vote takes the idea off the member's priorities, counters kept exact."""

from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.ideas import priorities, service
from community.ideas.models import Idea, PriorityEntry
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.helpers import post_form
from tests.ideas.factories import make_idea


def _ballot(user_id):
    return db.session.execute(sa.select(PriorityEntry.idea_id, PriorityEntry.position,
                                        PriorityEntry.points)
                              .where(PriorityEntry.user_id == user_id)
                              .order_by(PriorityEntry.position)).all()


def _counters_agree_with_a_recount():
    for idea in db.session.scalars(sa.select(Idea)):
        db.session.refresh(idea)
        assert service.stored(idea) == service.counted(idea.id), idea.title


def test_withdrawn_vote_leaves_the_ballot_and_the_ideas_below_move_up(app):
    member = make_user(app, created_at=utcnow() - timedelta(days=30))
    a, b, c = (make_idea(app, member.id, f"Idea {n} here") for n in "ABC")
    with app.app_context():
        user = db.session.get(User, member.id)
        for idea_id in (a, b, c):
            service.cast_vote(user, db.session.get(Idea, idea_id), 2, None)
        priorities.set_ballot(user, [a, b, c])
        db.session.commit()
        assert service.remove_vote(user, db.session.get(Idea, a)) is True
        db.session.commit()
        assert _ballot(member.id) == [(b, 1, 10.0), (c, 2, 9.0)]
        assert [db.session.get(Idea, i).priority_score for i in (a, b, c)] == [0.0, 10.0, 9.0]
        _counters_agree_with_a_recount()
        # An idea that was not on the ballot: the ballot stays as it is.
        d = service.create_idea(user, "Idea D here", "", None, []).id
        service.cast_vote(user, db.session.get(Idea, d), 1, None)
        service.remove_vote(user, db.session.get(Idea, d))
        db.session.commit()
        assert _ballot(member.id) == [(b, 1, 10.0), (c, 2, 9.0)]
        _counters_agree_with_a_recount()
    result = app.test_cli_runner().invoke(args=["ideas", "recount"])
    assert result.exit_code == 0 and "0 ideas corrected" in result.output


def test_unvote_over_http_empties_the_priorities_page(app, auth, member):
    idea_id = make_idea(app, member.id, "Offline mode please")
    detail = f"/ideas/{idea_id}-offline-mode-please"
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "2"}, get_url=detail)
    post_form(auth, "/priorities", {"action": "add", "idea": str(idea_id)},
              get_url="/priorities")
    with app.app_context():
        assert [row[0] for row in _ballot(member.id)] == [idea_id]
    post_form(auth, f"/ideas/{idea_id}/unvote", {}, get_url=detail)
    with app.app_context():
        assert _ballot(member.id) == []
        assert db.session.get(Idea, idea_id).priority_score == 0.0
        _counters_agree_with_a_recount()
