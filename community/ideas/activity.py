"""The ideas' part of a profile's recent activity: the ideas the member submitted (ideas are
public and have no hidden state; a merged idea links to where it went). One query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts import profiles
from community.accounts.models import User
from community.extensions import db
from community.ideas.models import Idea


def recent(user: User, reader, limit: int) -> list[profiles.Activity]:
    """The member's latest ideas, newest first."""
    rows = db.session.execute(
        sa.select(Idea.id, Idea.slug, Idea.title, Idea.created_at)
        .where(Idea.author_id == user.id)
        .order_by(Idea.created_at.desc(), Idea.id.desc()).limit(limit))
    return [profiles.Activity(_("Suggested an idea"), title,
                              url_for("ideas.detail", idea_id=idea_id, slug=slug), at)
            for idea_id, slug, title, at in rows]


def register() -> None:
    profiles.register_activity("ideas", recent)
