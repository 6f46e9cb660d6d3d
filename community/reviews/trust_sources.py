"""What the reviews teach the trust scan (``community/trust/sources.py``): each review's rating
and text, and the helpful marks members give one another's reviews, as plain events.

Each function takes ``since`` (None: everything) and streams what was written at or after it:
a review once written or edited (``updated_at``), a mark once given. Only the columns the events
need are selected, and rows are fetched in batches (``yield_per``), so a scan over 200,000
reviews holds one batch of tuples at a time, never ORM objects. Hidden reviews are included:
what a moderator hid is still evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time

import sqlalchemy as sa

from community.extensions import db
from community.reviews.models import Product, Review, ReviewHelpful
from community.trust import leveling
from community.trust.detectors.events import Interaction, Rating, Text
from community.trust.sources import Source, register_source

BATCH = 2000


def _rows(columns, since: datetime | None, at_column):
    query = (sa.select(*columns).join(Product, Product.id == Review.product_id)
             .where(Review.author_id.is_not(None)).order_by(Review.id))
    if since is not None:
        query = query.where(at_column >= since)
    return db.session.execute(query.execution_options(yield_per=BATCH))


def _launched(day) -> datetime:
    return datetime.combine(day, time())


def ratings(since: datetime | None = None) -> Iterator[Rating]:
    """Every review's rating, written or edited at or after ``since``."""
    for review_id, author_id, product_id, rating, at, launched in _rows(
            (Review.id, Review.author_id, Review.product_id, Review.rating, Review.updated_at,
             Product.launched_on), since, Review.updated_at):
        yield Rating(review_id, author_id, product_id, rating, at, _launched(launched))


def texts(since: datetime | None = None) -> Iterator[Text]:
    """Every review's title and text, written or edited at or after ``since``, with its
    "using it since" (a claim of use the impossible-testimonial detector weighs)."""
    for review_id, author_id, title, body, at, launched, since_month in _rows(
            (Review.id, Review.author_id, Review.title, Review.body_md, Review.updated_at,
             Product.launched_on, Review.using_since), since, Review.updated_at):
        yield Text(("review", review_id), author_id, at, f"{title}\n{body}", _launched(launched),
                   claimed_since=_launched(since_month))


def interactions(since: datetime | None = None) -> Iterator[Interaction]:
    """Helpful marks on other members' reviews, given at or after ``since``."""
    query = (sa.select(ReviewHelpful.user_id, Review.author_id, Review.id,
                       ReviewHelpful.created_at)
             .join(Review, Review.id == ReviewHelpful.review_id)
             .where(Review.author_id.is_not(None))
             .order_by(ReviewHelpful.created_at, ReviewHelpful.review_id))
    if since is not None:
        query = query.where(ReviewHelpful.created_at >= since)
    for user_id, author_id, review_id, at in db.session.execute(
            query.execution_options(yield_per=BATCH)):
        yield Interaction(user_id, author_id, "helpful", ("review", review_id), at)


def helpful_received(ids) -> dict[int, int]:
    """Trust levels: helpful marks other members gave each member's reviews."""
    return dict(db.session.execute(
        sa.select(Review.author_id, sa.func.count())
        .join(ReviewHelpful, ReviewHelpful.review_id == Review.id)
        .where(Review.author_id.in_(ids), ReviewHelpful.user_id != Review.author_id)
        .group_by(Review.author_id)).all())


def hidden_reviews(ids) -> dict[int, int]:
    """Trust levels: each member's reviews a moderator hid: upheld flags."""
    return dict(db.session.execute(
        sa.select(Review.author_id, sa.func.count()).where(
            Review.author_id.in_(ids), Review.hidden.is_(True))
        .group_by(Review.author_id)).all())


def register() -> None:
    register_source("reviews", Source(ratings=ratings, texts=texts,
                                      interactions=interactions))
    leveling.register_fact("helpful_received", "reviews", helpful_received)
    leveling.register_fact("upheld_flags", "reviews", hidden_reviews)
