"""What the reviews' pages read, each in a bounded number of queries.

Three groups of visible (not hidden) reviews: *staff* (written by staff), *discounted* (a
moderator discounted the author's votes, ``users.votes_discounted_at``) and *trusted* (the
others). Only trusted reviews make a product's average and distribution; the other two are
shown apart. A discount applies from the moment it is decided, to earlier reviews too.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.extensions import db
from community.reviews import scoring
from community.reviews.models import Product, Review, ReviewHelpful, ReviewRevision

GROUPS = ("trusted", "staff", "discounted")
SORTS = {
    "newest": (Review.created_at.desc(), Review.id.desc()),
    "helpful": (Review.helpful_count.desc(), Review.created_at.desc(), Review.id.desc()),
    "rating": (Review.rating.desc(), Review.created_at.desc(), Review.id.desc()),
}
MAX_PAGE = 500  # deep pages use OFFSET: bounded

_discounted = sa.exists().where(User.id == Review.author_id,
                                User.votes_discounted_at.is_not(None))
_CONDITIONS = {
    "staff": Review.staff.is_(True),
    "discounted": sa.and_(Review.staff.is_(False), _discounted),
    "trusted": sa.and_(Review.staff.is_(False), ~_discounted),
}
_GROUP = sa.case((Review.staff.is_(True), "staff"), (_discounted, "discounted"),
                 else_="trusted")


@dataclass(frozen=True)
class Stats:
    summary: scoring.Summary  # trusted reviews only
    staff: int
    discounted: int


def product_stats(product_ids: list[int]) -> dict[int, Stats]:
    """Per product: the trusted reviews' summary and how many reviews are shown apart (one
    grouped query for all the products)."""
    rows = db.session.execute(
        sa.select(Review.product_id, _GROUP.label("grp"), Review.rating, sa.func.count())
        .where(Review.product_id.in_(product_ids), Review.hidden.is_(False))
        .group_by(Review.product_id, "grp", Review.rating)) if product_ids else []
    counts: dict[int, dict[str, dict[int, int]]] = {
        p: {g: {} for g in GROUPS} for p in product_ids}
    for product_id, group, rating, n in rows:
        counts[product_id][group][rating] = n
    return {p: Stats(scoring.summarize(c["trusted"]), sum(c["staff"].values()),
                     sum(c["discounted"].values())) for p, c in counts.items()}


@dataclass(frozen=True)
class Page:
    reviews: list[Review]
    has_next: bool


def reviews_of(product: Product, group: str, sort: str, page: int = 1,
               per_page: int = 20) -> Page:
    """One page of a group's visible reviews in the chosen order, authors loaded."""
    page = max(1, min(page, MAX_PAGE))
    rows = list(db.session.scalars(
        sa.select(Review).where(Review.product_id == product.id, Review.hidden.is_(False),
                                _CONDITIONS[group])
        .order_by(*SORTS[sort]).limit(per_page + 1).offset((page - 1) * per_page)
        .options(selectinload(Review.author))))
    return Page(rows[:per_page], len(rows) > per_page)


def review_counts(author_ids: set[int]) -> dict[int, int]:
    """How many visible reviews each of these members wrote (one query)."""
    if not author_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Review.author_id, sa.func.count()).where(
            Review.author_id.in_(author_ids), Review.hidden.is_(False))
        .group_by(Review.author_id)).all())


def marked_helpful(user_id: int, review_ids: list[int]) -> set[int]:
    """Which of these reviews the member marked helpful (one query)."""
    if not review_ids:
        return set()
    return set(db.session.scalars(sa.select(ReviewHelpful.review_id).where(
        ReviewHelpful.user_id == user_id, ReviewHelpful.review_id.in_(review_ids))))


def review_by(user_id: int, product_id: int) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.product_id == product_id,
                                                     Review.author_id == user_id))


def group_of(review: Review) -> str:
    """The group one review is shown in."""
    if review.staff:
        return "staff"
    author = review.author
    return "discounted" if author is not None and author.votes_discounted_at else "trusted"


def products() -> list[Product]:
    return list(db.session.scalars(sa.select(Product).order_by(Product.name, Product.id)))


def revisions_of(review: Review) -> list[ReviewRevision]:
    """Earlier versions, the latest first."""
    return list(db.session.scalars(sa.select(ReviewRevision).where(
        ReviewRevision.review_id == review.id).order_by(ReviewRevision.number.desc())))


def reviews_by(user: User, limit: int = 50) -> list[Review]:
    """A member's visible reviews, newest first, with their products (profile section)."""
    return list(db.session.scalars(
        sa.select(Review).where(Review.author_id == user.id, Review.hidden.is_(False))
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit)
        .options(selectinload(Review.product))))
