"""Moderators' actions on topics and posts: move, merge, split, lock, pin, hide.

Each action writes an audit-log row (who, what, why) through the moderation service. Counters
follow through forums/counters.py; the search index is changed for what moved only.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.access import is_moderator
from community.forums.counters import contribution, counted, recount_topic, shift
from community.forums.models import ForumCategory, Post, Topic
from community.forums.service import reindex_topic, sync_post, topic_slug
from community.moderation import service as moderation
from community.refusals import Refused
from community.search import service as search
from community.timeutil import utcnow


def _require(actor: User) -> None:
    if not is_moderator(actor):
        raise Refused("forums.moderators_only")


def set_flag(actor: User, topic: Topic, name: str, value: bool, reason: str = "") -> None:
    """Lock, pin or hide a topic (or undo it); hidden topics leave lists and search."""
    _require(actor)
    if name not in ("locked", "pinned", "hidden"):
        raise ValueError(f"a topic is locked, pinned or hidden, not {name!r}")
    with counted(topic):
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
    was_accepted = hidden and topic.accepted_post_id == post.id
    with counted(topic):
        post.hidden = hidden
        if was_accepted:
            topic.accepted_post_id = None
    sync_post(post, topic)
    if was_accepted:
        search.update_topic_documents(topic.id, solved=False)
    moderation.record_action(actor, "post.hide" if hidden else "post.unhide", "post", post.id,
                             reason)


def move_topic(actor: User, topic: Topic, category: ForumCategory, reason: str = "") -> None:
    """Move a topic (and its search documents) to another category."""
    _require(actor)
    source = topic.category_id
    if source == category.id:
        return
    with counted(topic):
        topic.category_id = category.id
    search.update_topic_documents(topic.id, category_id=category.id)
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
        raise Refused("forums.merge_target", 422)
    posts = list(db.session.scalars(sa.select(Post).where(Post.topic_id == source.id)))
    with counted(source), counted(target):
        _renumber_into(target, posts)
        source.merged_into_id, source.accepted_post_id = target.id, None
    db.session.expire(source)
    search.remove_document("topic", source.id)  # its first post is now a reply of target
    for post in posts:
        sync_post(post, target)
    moderation.record_action(actor, "topic.merge", "topic", source.id, reason,
                             {"into": target.id, "posts": len(posts)})


def split_topic(actor: User, topic: Topic, post_ids: list[int], title: str,
                category: ForumCategory, reason: str = "") -> Topic:
    """Move chosen replies into a new topic (the earliest becomes its first post)."""
    _require(actor)
    posts = list(db.session.scalars(sa.select(Post).where(
        Post.topic_id == topic.id, Post.id.in_(post_ids), Post.number > 1)))
    if not posts:
        raise Refused("forums.split_empty", 422)
    first = min(posts, key=lambda p: (p.created_at, p.id))
    new = Topic(category_id=category.id, author_id=first.author_id, title=title,
                slug=topic_slug(title), created_at=first.created_at,
                last_posted_at=first.created_at, last_poster_id=first.author_id)
    db.session.add(new)
    db.session.flush()
    lost_answer = topic.accepted_post_id in {p.id for p in posts}
    with counted(topic):
        if lost_answer:
            topic.accepted_post_id = None
        _renumber_into(new, posts)
    new.last_poster_id = max(posts, key=lambda p: (p.created_at, p.id)).author_id
    recount_topic(new)
    shift(category.id, *contribution(new))
    for post in posts:
        sync_post(post, new)
    if lost_answer:
        search.update_topic_documents(topic.id, solved=False)
    moderation.record_action(actor, "topic.split", "topic", topic.id, reason,
                             {"new_topic": new.id, "posts": sorted(p.id for p in posts),
                              "at": utcnow().isoformat()})
    return new
