"""What the forums' view modules share: finding what the reader may see, or 404; a topic's
address; refusals shown to the member beside the form they concern.

One-button actions need no check of their own: the app-wide CSRF protection refuses a POST
without a valid token before any view runs (400, with its message: ``community/errors.py``)."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from community.extensions import db
from community.forums import access
from community.forums.models import ForumCategory, Post, Topic
from community.refusals import Refused


def category_or_404(slug: str) -> ForumCategory:
    category = db.first_or_404(select(ForumCategory).where(ForumCategory.slug == slug))
    if not access.can_see(current_user, category):
        abort(404)  # a restricted category does not even admit it exists
    return category


def topic_or_404(topic_id: int) -> Topic:
    topic = db.get_or_404(Topic, topic_id)
    if not access.can_see(current_user, topic.category):
        abort(404)
    if (topic.hidden or topic.deleted_at) and not access.is_moderator(current_user):
        abort(404)
    return topic


def post_or_404(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    topic_or_404(post.topic_id)
    return post


def topic_url(topic: Topic, page: int = 1, anchor: str | None = None) -> str:
    return url_for("forums.topic", topic_id=topic.id, slug=topic.slug,
                   page=page if page > 1 else None, _anchor=anchor)


def refuse(refusal: Refused) -> None:
    """Undo what the refused action wrote, and tell the member why (a flash message)."""
    db.session.rollback()
    flash(refusal.message, "error")
