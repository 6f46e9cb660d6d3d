"""What the forums' view modules share: finding what the reader may see, or 404; a topic's
address; refusals shown to the member beside the form they concern.

One-button actions need no check of their own: the app-wide CSRF protection refuses a POST
without a valid token before any view runs (400, with its message: ``community/errors.py``)."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.extensions import db
from community.forums import access
from community.forums.models import ForumCategory, Post, Topic
from community.refusals import Refused


def category_or_404(slug: str) -> ForumCategory:
    category = db.first_or_404(select(ForumCategory).where(ForumCategory.slug == slug))
    if not access.can_see(current_user, category):
        abort(404)  # a restricted category does not even admit it exists
    return category


def topic_with_category(topic_id: int) -> Topic:
    """The topic and its category, in one query (or 404)."""
    topic = db.session.get(Topic, topic_id, options=[joinedload(Topic.category)])
    if topic is None:
        abort(404)
    return topic


def topic_or_404(topic_id: int) -> Topic:
    topic = topic_with_category(topic_id)
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


_SLOT, _WORD = 987654321, "slot0slug"


def link_pattern(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as a ``%``-pattern, built once for a page's rows: each
    value given as ``int`` becomes ``%d``, as ``str`` becomes ``%s`` (in the order the address
    shows them), as in
    ``link_pattern("forums.topic", topic_id=int, slug=str) % (topic.id, topic.slug)``. Only
    for values the address shows as they are (ids, ASCII slugs)."""
    slots = {k: _SLOT if v is int else _WORD if v is str else v for k, v in values.items()}
    url = url_for(endpoint, **slots).replace("%", "%%")
    return url.replace(str(_SLOT), "%d").replace(_WORD, "%s")


def refuse(refusal: Refused) -> None:
    """Undo what the refused action wrote, and tell the member why (a flash message)."""
    db.session.rollback()
    flash(refusal.message, "error")
