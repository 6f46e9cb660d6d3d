"""The forums' part of a profile's recent activity: topics started and replies written, as the
reader may see them (one query, plus the reader's memberships for restricted categories)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts import profiles
from community.accounts.models import User
from community.extensions import db
from community.forums import access
from community.forums.models import ForumCategory, Post, Topic


def _reader_id(reader) -> int | None:
    return reader.id if getattr(reader, "is_authenticated", False) else None


def recent(user: User, reader, limit: int) -> list[profiles.Activity]:
    """The member's latest posts in categories the reader sees, in topics still there: deleted
    posts and topics never; hidden ones only for their author (in topics they may open: their
    own, or visible ones) and the moderators."""
    conditions = [Post.author_id == user.id, Post.deleted_at.is_(None),
                  Topic.deleted_at.is_(None), Topic.merged_into_id.is_(None),
                  access.visible_condition(reader)]
    if not access.is_moderator(reader):
        if _reader_id(reader) == user.id:  # their hidden posts, in topics they may still open
            conditions.append(sa.or_(Topic.hidden.is_(False), Topic.author_id == user.id))
        else:
            conditions += [Post.hidden.is_(False), Topic.hidden.is_(False)]
    rows = db.session.execute(
        sa.select(Post.id, Post.number, Post.created_at, Post.hidden, Topic.id, Topic.title,
                  Topic.slug, Topic.hidden)
        .join(Topic, Topic.id == Post.topic_id)
        .join(ForumCategory, ForumCategory.id == Topic.category_id)
        .where(*conditions).order_by(Post.created_at.desc(), Post.id.desc()).limit(limit))
    items = []
    for post_id, number, at, post_hidden, topic_id, title, slug, topic_hidden in rows:
        if number == 1:
            items.append(profiles.Activity(
                _("Started a topic"), title,
                url_for("forums.topic", topic_id=topic_id, slug=slug), at, topic_hidden))
        else:
            # a reply in the author's own hidden topic: only the topic page lets them in
            link = (url_for("forums.topic", topic_id=topic_id, slug=slug, _anchor=f"p{number}")
                    if topic_hidden else url_for("forums.post", post_id=post_id))
            items.append(profiles.Activity(_("Replied to"), title, link, at,
                                           post_hidden or topic_hidden))
    return items


def register() -> None:
    profiles.register_activity("forums", recent)
