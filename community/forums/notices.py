"""Who hears about what happens in the forums (watchers, mentioned members, answer authors),
and what they read when they look.

Every recipient must be able to see the category (a restricted category never leaks through a
notification), and nobody is told about their own post. A member mentioned in a post gets the
mention, not also the reply notice. A notification is about its post (subject ``"post"``) and
keeps only the actor's id besides: the topic's title and the actor's name are read when it is
shown or mailed, and it is shown only while the reader may still see the post (``shown``,
registered with notify).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.forums.access import readable_posts, readers_among
from community.forums.models import ForumCategory, Post, Topic, Watch, WatchLevel
from community.notify import service as notify_service
from community.notify.models import Notification

SUBJECT = "post"
KINDS = ("forum_reply", "forum_topic", "mention", "accepted")
_SENTENCES = {
    "forum_reply": lambda name, title: _("%(name)s replied in “%(title)s”.",
                                         name=name, title=title),
    "forum_topic": lambda name, title: _("%(name)s opened “%(title)s” in a category you "
                                         "watch.", name=name, title=title),
    "mention": lambda name, title: _("%(name)s mentioned you in “%(title)s”.",
                                     name=name, title=title),
    "accepted": lambda name, title: _("An answer was accepted in “%(title)s”.", title=title),
}


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
    notify_service.notify(ids, kind, SUBJECT, post.id, {"by_id": actor.id})
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
    already = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.subject_type == SUBJECT, Notification.subject_id == post.id,
        Notification.kind == "mention")))
    _send(topic, {u.id for u in mentioned} - already, "mention", post, editor)


def accepted(topic: Topic, post: Post, actor: User) -> None:
    """The answer's author, and the topic's watchers, hear that it solved the question."""
    ids = _watchers(topic) | ({post.author_id} if post.author_id else set())
    _send(topic, ids, "accepted", post, actor)


def _readable(reader: User, post_ids: set[int]) -> dict[int, tuple[str, int | None, str | None]]:
    """Of these posts, those the reader may still see: their topic's title now, their author's
    id and name (None once deleted), in one query."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        sa.select(Post.id, Topic.title, Post.author_id, User.display_name)
        .join(Topic, Topic.id == Post.topic_id)
        .join(ForumCategory, ForumCategory.id == Topic.category_id)
        .outerjoin(User, sa.and_(User.id == Post.author_id, User.deleted_at.is_(None)))
        .where(Post.id.in_(post_ids), readable_posts(reader))).all()
    return {post_id: (title, author_id, name) for post_id, title, author_id, name in rows}


def _names(user_ids: set[int]) -> dict[int, str]:
    """Names of these members now, deleted members left out (one query, if any id)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.display_name).where(
        User.id.in_(user_ids), User.deleted_at.is_(None))).all())


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The forum notifications the reader may still see, worded now: one query, and a second
    only for an actor who is not the post's author (a mention added by another's edit).

    The actor is the one named at creation; older rows named none, and their actor was the
    post's author. A deleted member is "deleted member", as on every page.
    """
    subjects = {n.id: n.subject_id if n.subject_type == SUBJECT else None
                for n in notifications}
    posts = _readable(reader, set(subjects.values()) - {None})
    seen = [n for n in notifications if subjects[n.id] in posts]  # the others: out of sight
    names = {author: name for _title, author, name in posts.values()}
    actors = {n.id: (n.data or {}).get("by_id", posts[subjects[n.id]][1]) for n in seen
              if n.kind != "accepted"}  # the one sentence without a name
    names |= _names(set(actors.values()) - set(names) - {None})
    words = {}
    for notification in seen:
        post_id = subjects[notification.id]
        name = names.get(actors.get(notification.id)) or _("deleted member")
        words[notification.id] = notify_service.Shown(
            _SENTENCES[notification.kind](name, posts[post_id][0]), f"/p/{post_id}")
    return words


def register() -> None:
    """Word the forums' kinds of notification (called once the forums are part of the app)."""
    notify_service.register_kinds(KINDS, shown)
