"""A service call rolled back leaves nothing behind: no row, the same counters. Services flush
and the caller commits or rolls back (CONVENTIONS); on SQLite the driver used to commit a
SAVEPOINT's RELEASE by itself, so a vote's row survived the rollback of its request.

In process, on an SQLite file, in-memory SQLite and PostgreSQL (``store_app``).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums import admin
from community.forums import service as forums
from community.forums.models import ForumCategory, Post, Topic, TopicRead, Watch
from community.ideas import service
from community.ideas.models import Follow, Idea, Vote
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.ideas.factories import make_idea

OLD = {"created_at": utcnow() - timedelta(days=60)}


def _idea_state(app, idea_id: int) -> tuple:
    """Everything a vote touches: the idea's counters, its votes and its followers."""
    with app.app_context():
        votes = db.session.execute(sa.select(Vote.user_id, Vote.importance, Vote.why).where(
            Vote.idea_id == idea_id).order_by(Vote.user_id)).all()
        follows = db.session.scalars(sa.select(Follow.user_id).where(
            Follow.idea_id == idea_id).order_by(Follow.user_id)).all()
        idea = db.session.get(Idea, idea_id)
        return service.stored(idea), [tuple(v) for v in votes], list(follows)


def _rolled_back(app, action) -> None:
    with app.app_context():
        action()
        db.session.rollback()


def test_a_vote_rolled_back_leaves_no_row_and_the_same_counters(store_app):
    app = store_app
    author = make_user(app, "Idea Author", "author@example.com", **OLD)
    voter = make_user(app, "Vote Caster", "voter@example.com", **OLD)
    idea_id = make_idea(app, author.id, "Roll me back")
    before = _idea_state(app, idea_id)

    def vote(importance: int, why: str):
        def action():
            service.cast_vote(db.session.get(User, voter.id), db.session.get(Idea, idea_id),
                              importance, why)
        return action

    _rolled_back(app, vote(3, "A first vote, never committed"))
    assert _idea_state(app, idea_id) == before, "a new vote, rolled back"

    with app.app_context():  # a committed vote, then a change of importance rolled back
        vote(1, "Committed")()
        db.session.commit()
    committed = _idea_state(app, idea_id)
    assert committed[1] == [(voter.id, 1, "Committed")]
    _rolled_back(app, vote(3, "Changed, never committed"))
    assert _idea_state(app, idea_id) == committed, "a change of importance, rolled back"

    def unvote():
        assert service.remove_vote(db.session.get(User, voter.id),
                                   db.session.get(Idea, idea_id))
    _rolled_back(app, unvote)
    assert _idea_state(app, idea_id) == committed, "an unvote, rolled back"
    with app.app_context():
        assert service.stored(db.session.get(Idea, idea_id)) == service.counted(idea_id)


def _topic_state(app, category_id: int, topic_id: int, user_id: int) -> tuple:
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        category = db.session.get(ForumCategory, category_id)
        posts = db.session.execute(sa.select(Post.number, Post.author_id).where(
            Post.topic_id == topic_id).order_by(Post.number)).all()
        reads = db.session.scalar(sa.select(sa.func.count()).select_from(TopicRead).where(
            TopicRead.user_id == user_id))
        watches = db.session.scalar(sa.select(sa.func.count()).select_from(Watch).where(
            Watch.user_id == user_id))
        return ((topic.max_number, topic.reply_count, topic.last_poster_id),
                (category.topic_count, category.post_count), [tuple(p) for p in posts],
                reads, watches)


def test_a_reply_rolled_back_leaves_no_post_and_the_same_counters(store_app):
    app = store_app
    author = make_user(app, "Topic Author", "topics@example.com", **OLD)
    replier = make_user(app, "Reply Writer", "replies@example.com", **OLD)
    with app.app_context():
        category = admin.create_category("Rollbacks", slug="rollbacks")
        topic = forums.create_topic(db.session.get(User, author.id), category,
                                    "A topic to roll back", "The opening post.")
        db.session.commit()
        category_id, topic_id = category.id, topic.id
    before = _topic_state(app, category_id, topic_id, replier.id)

    def reply():
        forums.reply(db.session.get(User, replier.id), db.session.get(Topic, topic_id),
                     "A reply that is never committed.")
    _rolled_back(app, reply)
    assert _topic_state(app, category_id, topic_id, replier.id) == before

    with app.app_context():  # and a committed reply still gets number 2
        reply()
        db.session.commit()
    after = _topic_state(app, category_id, topic_id, replier.id)
    assert after[2] == [(1, author.id), (2, replier.id)]
    assert after[0][:2] == (2, 1) and after[1] == (1, 2)
