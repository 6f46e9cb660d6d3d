"""What forums teach the trust scan (``community/trust/sources.py``): the posts members wrote,
their replies to other members' topics and their helpful marks on other members' posts.

Each function streams its rows (only the columns it needs, ``yield_per`` batches, a server-side
cursor on PostgreSQL), so a scan over hundreds of thousands of posts holds one batch in memory.
Rows come in no particular order. Deleted and hidden posts count too: what a member wrote is
evidence, whoever took it down since.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from community.extensions import db
from community.forums.models import HelpfulMark, Post, Topic, TopicRead
from community.trust import leveling
from community.trust.detectors.events import Interaction, Text
from community.trust.sources import Source, register_source

BATCH = 2000


def _stream(query: sa.Select) -> Iterator[sa.Row]:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def texts(since: datetime | None = None) -> Iterator[Text]:
    """Every post (its Markdown source) written or last edited at or after ``since``, dated by
    its last version, that still has its author."""
    written = sa.func.coalesce(Post.edited_at, Post.created_at)
    query = (sa.select(Post.id, Post.author_id, written, Post.body_md)
             .where(Post.author_id.is_not(None)))
    if since is not None:
        query = query.where(sa.or_(Post.created_at >= since, Post.edited_at >= since))
    for post_id, author_id, at, body in _stream(query):
        yield Text(("post", post_id), author_id, at, body)


def interactions(since: datetime | None = None) -> Iterator[Interaction]:
    """Since ``since``: a reply to another member's topic ("reply": replier -> the topic's
    author; a quote is kept only as text, so the topic's author is the one answered), and a
    helpful mark on another member's post ("helpful": marker -> the post's author)."""
    replies = (sa.select(Post.author_id, Topic.author_id, Post.id, Post.created_at)
               .join(Topic, Topic.id == Post.topic_id)
               .where(Post.number > 1, Post.author_id.is_not(None),
                      Topic.author_id.is_not(None), Post.author_id != Topic.author_id))
    marks = (sa.select(HelpfulMark.user_id, Post.author_id, Post.id, HelpfulMark.created_at)
             .join(Post, Post.id == HelpfulMark.post_id)
             .where(Post.author_id.is_not(None), Post.author_id != HelpfulMark.user_id))
    if since is not None:
        replies = replies.where(Post.created_at >= since)
        marks = marks.where(HelpfulMark.created_at >= since)
    for kind, query in (("reply", replies), ("helpful", marks)):
        for actor_id, target_id, post_id, at in _stream(query):
            yield Interaction(actor_id, target_id, kind, ("post", post_id), at)


def posts_read(ids) -> dict[int, int]:
    """Trust levels: forum posts each member has read (their reading positions summed)."""
    return dict(db.session.execute(
        sa.select(TopicRead.user_id, sa.func.coalesce(sa.func.sum(TopicRead.last_read_number), 0))
        .where(TopicRead.user_id.in_(ids)).group_by(TopicRead.user_id)).all())


def helpful_received(ids) -> dict[int, int]:
    """Trust levels: helpful marks other members gave each member's posts."""
    return dict(db.session.execute(
        sa.select(Post.author_id, sa.func.count()).join(HelpfulMark, HelpfulMark.post_id == Post.id)
        .where(Post.author_id.in_(ids), HelpfulMark.user_id != Post.author_id)
        .group_by(Post.author_id)).all())


def hidden_posts(ids) -> dict[int, int]:
    """Trust levels: each member's posts (and topics) a moderator hid: upheld flags."""
    posts = dict(db.session.execute(
        sa.select(Post.author_id, sa.func.count()).where(
            Post.author_id.in_(ids), Post.hidden.is_(True)).group_by(Post.author_id)).all())
    topics = db.session.execute(
        sa.select(Topic.author_id, sa.func.count()).where(
            Topic.author_id.in_(ids), Topic.hidden.is_(True)).group_by(Topic.author_id))
    for author_id, count in topics:
        posts[author_id] = posts.get(author_id, 0) + count
    return posts


def register() -> None:
    register_source("forums", Source(texts=texts, interactions=interactions))
    leveling.register_fact("posts_read", "forums", posts_read)
    leveling.register_fact("helpful_received", "forums", helpful_received)
    leveling.register_fact("upheld_flags", "forums", hidden_posts)
