"""What ideas and forums register as trust sources (community/trust/sources.py): the texts
members wrote and their interactions with other members, since a time, streamed in batches.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums import admin
from community.forums import service as forums
from community.forums import trust_sources as forum_source
from community.forums.models import Post
from community.ideas import service, triage
from community.ideas import trust_sources as idea_source
from community.ideas.models import Idea, Vote
from community.timeutil import utcnow
from community.trust import sources
from community.trust.detectors.events import Interaction, Text
from tests.conftest import make_user

OLD = {"created_at": utcnow() - timedelta(days=60)}


@pytest.fixture
def world(app):
    """Olga and Bob write ideas, vote, comment, post, reply and mark each other helpful."""
    olga = make_user(app, "Olga Doe", "olga@example.com", **OLD)
    bob = make_user(app, "Bob Doe", "bob@example.com", **OLD)
    with app.app_context():
        olga, bob = db.session.get(User, olga.id), db.session.get(User, bob.id)
        mine = service.create_idea(olga, "Dark mode", "A dark theme.", None, [])
        his = service.create_idea(bob, "Offline", "Work on the train.", None, [])
        for voter, idea in ((bob, mine), (bob, his), (olga, his)):
            service.cast_vote(voter, idea, 2, None)
        comment = triage.add_comment(bob, mine, "Yes please.")
        category = admin.create_category("General", slug="general")
        topic = forums.create_topic(olga, category, "Export?", "Where is it?")
        answer = forums.reply(bob, topic, "In settings.")
        thanks = forums.reply(olga, topic, "Thanks!")
        forums.toggle_helpful(olga, answer)
        forums.toggle_helpful(bob, thanks)
        db.session.commit()
        first = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic.id,
                                                           Post.number == 1))
        return {"olga": olga.id, "bob": bob.id, "mine": mine.id, "his": his.id,
                "comment": comment.id, "first": first, "answer": answer.id,
                "thanks": thanks.id}


def test_ideas_and_forums_register_their_sources(app):
    with app.app_context():
        assert {"ideas", "forums"} <= set(sources.sources())


def test_texts_are_ideas_comments_and_posts(app, world):
    w = world
    with app.app_context():
        found = {(t.subject, t.account_id, t.text) for t in sources.texts()}
        assert all(isinstance(t, Text) and t.at for t in sources.texts())
    assert found == {
        (("idea", w["mine"]), w["olga"], "Dark mode\nA dark theme."),
        (("idea", w["his"]), w["bob"], "Offline\nWork on the train."),
        (("comment", w["comment"]), w["bob"], "Yes please."),
        (("post", w["first"]), w["olga"], "Where is it?"),
        (("post", w["answer"]), w["bob"], "In settings."),
        (("post", w["thanks"]), w["olga"], "Thanks!"),
    }


def test_interactions_are_votes_replies_and_helpful_marks_between_members(app, world):
    w = world
    with app.app_context():
        found = {(i.account_id, i.target_account_id, i.kind, i.subject)
                 for i in sources.interactions()}
        assert all(isinstance(i, Interaction) and i.at for i in sources.interactions())
    assert found == {  # never one's own idea, topic or post
        (w["bob"], w["olga"], "vote", ("idea", w["mine"])),
        (w["olga"], w["bob"], "vote", ("idea", w["his"])),
        (w["bob"], w["olga"], "reply", ("post", w["answer"])),
        (w["olga"], w["bob"], "helpful", ("post", w["answer"])),
        (w["bob"], w["olga"], "helpful", ("post", w["thanks"])),
    }


def test_since_keeps_what_was_written_or_edited_from_then(app, world):
    w = world
    long_ago = utcnow() - timedelta(days=10)
    with app.app_context():
        db.session.execute(sa.update(Idea).values(created_at=long_ago))
        db.session.execute(sa.update(Vote).where(Vote.idea_id == w["mine"])
                           .values(created_at=long_ago))
        db.session.execute(sa.update(Post).values(created_at=long_ago))
        edited = db.session.get(Post, w["first"])
        forums.edit_post(db.session.get(User, w["olga"]), edited, "Where is the export?")
        db.session.commit()
        since = utcnow() - timedelta(days=1)
        texts = {t.subject: t for t in sources.texts(since)}
        interactions = {(i.kind, i.subject) for i in sources.interactions(since)}
        assert set(texts) == {("comment", w["comment"]), ("post", w["first"])}
        assert texts[("post", w["first"])].text == "Where is the export?"
        assert texts[("post", w["first"])].at == edited.edited_at
        assert interactions == {("vote", ("idea", w["his"])), ("helpful", ("post", w["answer"])),
                                ("helpful", ("post", w["thanks"]))}


def test_sources_stream_in_batches(app, world, monkeypatch):
    """Small batches (a server-side cursor on PostgreSQL) yield the same events."""
    with app.app_context():
        whole = (sorted(map(repr, sources.texts())), sorted(map(repr, sources.interactions())))
        monkeypatch.setattr(idea_source, "BATCH", 1)
        monkeypatch.setattr(forum_source, "BATCH", 1)
        batched = (sorted(map(repr, sources.texts())),
                   sorted(map(repr, sources.interactions())))
    assert batched == whole and len(whole[0]) == 6
