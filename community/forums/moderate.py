"""Moderators' actions on topics and posts: move, merge, split, lock, pin, hide.

Each action writes an audit-log row (who, what, why) through the moderation service. Counters
are recomputed from the rows of the topics involved (moderation is rare; a topic is small), and
a category's counters move by the difference, so they stay exact.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.access import is_moderator
from community.forums.models import ForumCategory, Post, Topic
from community.forums.service import reindex_topic, topic_slug
from community.moderation import service as moderation
from community.search import service as search
from community.timeutil import utcnow


class ModerationRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _require(actor: User) -> None:
    if not is_moderator(actor):
        raise ModerationRefused("forbidden")


def _contribution(topic: Topic) -> tuple[int, int]:
    return (1, 1 + topic.reply_count) if topic.is_visible else (0, 0)


def _shift(category_id: int, topics: int, posts: int) -> None:
    if topics or posts:
        db.session.execute(sa.update(ForumCategory).where(ForumCategory.id == category_id)
                           .values(topic_count=ForumCategory.topic_count + topics,
                                   post_count=ForumCategory.post_count + posts))


class _Counted:
    """Recount a topic after a change and move its category's counters by the difference."""

    def __init__(self, topic: Topic) -> None:
        self.topic, self.category_id = topic, topic.category_id

    def __enter__(self) -> Topic:
        self.before = _contribution(self.topic)
        return self.topic

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            return
        recount_topic(self.topic)
        after = _contribution(self.topic)
        _shift(self.category_id, -self.before[0], -self.before[1])
        _shift(self.topic.category_id, after[0], after[1])


def recount_topic(topic: Topic) -> None:
    """Visible replies, last activity and the highest number, from the posts themselves."""
    db.session.flush()
    row = db.session.execute(sa.select(
        sa.func.count().filter(Post.number > 1, Post.hidden.is_(False),
                               Post.deleted_at.is_(None)),
        sa.func.max(Post.number), sa.func.max(Post.created_at),
    ).where(Post.topic_id == topic.id)).one()
    topic.reply_count = row[0] or 0
    topic.max_number = max(row[1] or 0, topic.max_number)
    if row[2] is not None:
        topic.last_posted_at = row[2]
    db.session.flush()


def set_flag(actor: User, topic: Topic, name: str, value: bool, reason: str = "") -> None:
    """Lock, pin or hide a topic (or undo it); hidden topics leave lists and search."""
    _require(actor)
    if name not in ("locked", "pinned", "hidden"):
        raise ModerationRefused("unknown")
    with _Counted(topic):
        setattr(topic, name, value)
    if name == "hidden":
        reindex_topic(topic)
    action = {"locked": "lock", "pinned": "pin", "hidden": "hide"}[name]
    moderation.record_action(actor, f"topic.{action if value else 'un' + action}", "topic",
                             topic.id, reason)


def hide_post(actor: User, post: Post, hidden: bool = True, reason: str = "") -> None:
    """Hide a post from members (moderators still see it), or show it again."""
    _require(actor)
    if post.number == 1:
        set_flag(actor, post.topic, "hidden", hidden, reason)
        return
    topic = post.topic
    with _Counted(topic):
        post.hidden = hidden
        if hidden and topic.accepted_post_id == post.id:
            topic.accepted_post_id = None
    reindex_topic(topic)
    moderation.record_action(actor, "post.hide" if hidden else "post.unhide", "post", post.id,
                             reason)


def move_topic(actor: User, topic: Topic, category: ForumCategory, reason: str = "") -> None:
    """Move a topic (and its search documents) to another category."""
    _require(actor)
    source = topic.category_id
    if source == category.id:
        return
    with _Counted(topic):
        topic.category_id = category.id
    reindex_topic(topic)
    moderation.record_action(actor, "topic.move", "topic", topic.id, reason,
                             {"from": source, "to": category.id})


def _renumber_into(target: Topic, posts: list[Post]) -> None:
    """Append posts to a topic in time order, with fresh numbers after its highest."""
    for post in posts:
        post.topic_id, post.number = target.id, -post.id  # free the (topic, number) pairs
    db.session.flush()
    number = target.max_number
    for post in sorted(posts, key=lambda p: (p.created_at, p.id)):
        number += 1
        post.number = number
    target.max_number = number
    db.session.flush()


def merge_topics(actor: User, source: Topic, target: Topic, reason: str = "") -> None:
    """Move every post of ``source`` to the end of ``target``; ``source`` then redirects."""
    _require(actor)
    if source.id == target.id or target.merged_into_id is not None:
        raise ModerationRefused("merge_target")
    posts = list(db.session.scalars(sa.select(Post).where(Post.topic_id == source.id)))
    with _Counted(source), _Counted(target):
        _renumber_into(target, posts)
        source.merged_into_id, source.accepted_post_id = target.id, None
    db.session.expire(source)
    reindex_topic(target)
    search.remove_document("topic", source.id)  # its first post is now a reply of target
    moderation.record_action(actor, "topic.merge", "topic", source.id, reason,
                             {"into": target.id, "posts": len(posts)})


def split_topic(actor: User, topic: Topic, post_ids: list[int], title: str,
                category: ForumCategory, reason: str = "") -> Topic:
    """Move chosen replies into a new topic (the earliest becomes its first post)."""
    _require(actor)
    posts = list(db.session.scalars(sa.select(Post).where(
        Post.topic_id == topic.id, Post.id.in_(post_ids), Post.number > 1)))
    if not posts:
        raise ModerationRefused("split_empty")
    first = min(posts, key=lambda p: (p.created_at, p.id))
    new = Topic(category_id=category.id, author_id=first.author_id, title=title,
                slug=topic_slug(title), created_at=first.created_at,
                last_posted_at=first.created_at, last_poster_id=first.author_id)
    db.session.add(new)
    db.session.flush()
    with _Counted(topic):
        if topic.accepted_post_id in {p.id for p in posts}:
            topic.accepted_post_id = None
        _renumber_into(new, posts)
    new.last_poster_id = max(posts, key=lambda p: (p.created_at, p.id)).author_id
    recount_topic(new)
    _shift(category.id, *_contribution(new))
    reindex_topic(topic)
    reindex_topic(new)
    moderation.record_action(actor, "topic.split", "topic", topic.id, reason,
                             {"new_topic": new.id, "posts": sorted(p.id for p in posts),
                              "at": utcnow().isoformat()})
    return new
