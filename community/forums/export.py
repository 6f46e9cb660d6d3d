"""The forums part of a member's data: the export (posts with their edit history, helpful
marks given, watches) and what deletion erases."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.data import register_eraser, register_exporter
from community.accounts.models import User
from community.extensions import db
from community.forums.models import HelpfulMark, Post, PostRevision, Topic, TopicRead, Watch
from community.timeutil import iso as _iso


def _posts(user: User) -> list[dict]:
    rows = db.session.execute(sa.select(Post, Topic.title).join(Topic, Topic.id == Post.topic_id)
                              .where(Post.author_id == user.id).order_by(Post.id))
    posts = []
    for post, title in rows:
        history = db.session.scalars(sa.select(PostRevision).where(
            PostRevision.post_id == post.id).order_by(PostRevision.number))
        posts.append({
            "topic_id": post.topic_id, "topic": title, "number": post.number,
            "text": post.body_md, "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at), "deleted": post.deleted_at is not None,
            "previous_versions": [{"text": r.body_md, "written_at": _iso(r.written_at)}
                                  for r in history]})
    return posts


def _helpful(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(HelpfulMark).where(HelpfulMark.user_id == user.id))
    return [{"post_id": m.post_id, "created_at": _iso(m.created_at)} for m in rows]


def _watches(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(Watch).where(Watch.user_id == user.id))
    return [{"topic_id": w.topic_id, "category_id": w.category_id, "level": w.level.value}
            for w in rows]


def erase(user: User) -> None:
    """On deletion: forget what the member watched and read."""
    for model in (Watch, TopicRead):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))


def register() -> None:
    register_eraser("forums", erase)
    register_exporter("forum_posts", _posts)
    register_exporter("helpful_marks_given", _helpful)
    register_exporter("forum_watches", _watches)
