"""The reviews' part of a profile's recent activity: the reviews the member wrote; a hidden one
only for its author and the moderators. One query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts import profiles
from community.accounts.models import Role, User
from community.extensions import db
from community.reviews.models import Product, Review


def _sees_hidden(user: User, reader) -> bool:
    if not getattr(reader, "is_authenticated", False):
        return False
    return reader.id == user.id or reader.has_role(Role.MODERATOR)


def recent(user: User, reader, limit: int) -> list[profiles.Activity]:
    """The member's latest reviews, newest first."""
    query = (sa.select(Review.id, Review.title, Review.created_at, Review.hidden, Product.name)
             .join(Product, Product.id == Review.product_id).where(Review.author_id == user.id)
             .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit))
    if not _sees_hidden(user, reader):
        query = query.where(Review.hidden.is_(False))
    return [profiles.Activity(_("Reviewed %(product)s", product=product), title,
                              url_for("reviews.detail", review_id=review_id), at, hidden)
            for review_id, title, at, hidden, product in db.session.execute(query)]


def register() -> None:
    profiles.register_activity("reviews", recent)
