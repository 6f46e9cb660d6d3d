"""Who hears about what happens in the forums: watchers, mentioned members, answer authors.

Every recipient must be able to see the category (a restricted category never leaks through a
notification), and nobody is told about their own post. A member mentioned in a post gets the
mention, not also the reply notice.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.access import readers_among
from community.forums.models import Post, Topic, Watch, WatchLevel
from community.notify.service import notify


def post_path(post: Post) -> str:
    """The post's permalink (a stable public URL, so the CLI and jobs need no request)."""
    return f"/p/{post.id}"


def _category_watchers(topic: Topic) -> set[int]:
    return set(db.session.scalars(sa.select(Watch.user_id).where(
        Watch.category_id == topic.category_id, Watch.level == WatchLevel.WATCHING)))


def _watchers(topic: Topic) -> set[int]:
    """The topic's watchers and its category's, less those who muted the topic."""
    on_topic = dict(db.session.execute(sa.select(Watch.user_id, Watch.level).where(
        Watch.topic_id == topic.id)).all())
    on_category = _category_watchers(topic)
    watching = {uid for uid, level in on_topic.items() if level is WatchLevel.WATCHING}
    muted = {uid for uid, level in on_topic.items() if level is WatchLevel.MUTED}
    return (watching | on_category) - muted


def _send(topic: Topic, user_ids: set[int], kind: str, post: Post, actor: User) -> set[int]:
    ids = readers_among(topic.category, user_ids - {actor.id})
    notify(ids, kind, None, {"title": topic.title, "url": post_path(post),
                             "by": actor.public_name})
    return ids


def new_topic(topic: Topic, post: Post, author: User, mentioned: list[User]) -> None:
    """Mentioned members, then the category's watchers."""
    told = _send(topic, {u.id for u in mentioned}, "mention", post, author)
    _send(topic, _category_watchers(topic) - told, "forum_topic", post, author)


def new_reply(topic: Topic, post: Post, author: User, mentioned: list[User]) -> None:
    """Mentioned members, then the topic's (and its category's) watchers."""
    told = _send(topic, {u.id for u in mentioned}, "mention", post, author)
    _send(topic, _watchers(topic) - told, "forum_reply", post, author)


def mentioned_in_edit(topic: Topic, post: Post, editor: User, mentioned: list[User]) -> None:
    """An edit that adds a mention tells the newly mentioned member (once per post)."""
    from community.notify.models import Notification
    already = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "mention",
        Notification.data["url"].as_string() == post_path(post))))
    _send(topic, {u.id for u in mentioned} - already, "mention", post, editor)


def accepted(topic: Topic, post: Post, actor: User) -> None:
    """The answer's author, and the topic's watchers, hear that it solved the question."""
    ids = _watchers(topic) | ({post.author_id} if post.author_id else set())
    _send(topic, ids, "accepted", post, actor)
