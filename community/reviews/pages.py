"""What the reviews' views share: finding a product or review (or 404), the rate limit on
writes, and the facts each shown review carries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from community.accounts.models import Role
from community.extensions import db, limiter
from community.reviews import queries
from community.reviews.models import Product, Review

# Every review write (publish, edit, delete, helpful, flag) of one member, together.
WRITE_LIMIT = "10 per minute;200 per day"
APART_SHOWN = 5  # staff and discounted reviews shown under the list (each group pages apart)


def _write_limit() -> str:
    return current_app.config.get("RATELIMIT_REVIEWS", WRITE_LIMIT)


def _writer() -> str:
    """The limit's key: the member (several members may share an address), else the address."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


limited_write = limiter.shared_limit(_write_limit, scope="reviews-write", methods=["POST"],
                                     key_func=_writer)


def product_or_404(slug: str) -> Product:
    product = db.session.scalar(sa.select(Product).where(Product.slug == slug[:60]))
    return product if product is not None else abort(404)


def review_or_404(review_id: int) -> Review:
    """A review the reader may see: a hidden one only by its author and moderators."""
    review = db.get_or_404(Review, review_id)
    if review.hidden and not (current_user.is_authenticated and (
            current_user.id == review.author_id or current_user.has_role(Role.MODERATOR))):
        abort(404)
    return review


def review_url(review: Review) -> str:
    return url_for("reviews.detail", review_id=review.id)


@dataclass(frozen=True)
class Shown:
    """A review as the page shows it: with its author's review count and the reader's mark."""

    review: Review
    author_reviews: int
    marked: bool


def shown(reviews: list[Review]) -> list[Shown]:
    """The facts shown beside each review, in two queries for the whole list."""
    counts = queries.review_counts({r.author_id for r in reviews if r.author_id})
    marked = (queries.marked_helpful(current_user.id, [r.id for r in reviews])
              if current_user.is_authenticated else set())
    return [Shown(r, counts.get(r.author_id, 0), r.id in marked) for r in reviews]
