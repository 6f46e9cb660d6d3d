"""What the reviews' pages read, each in a bounded number of queries.

Three groups of visible (not hidden) reviews: *staff* (written by staff), *discounted* (the
review weighs 0: a moderator discounted or suspended its author) and *trusted* (the others).
Only trusted reviews make a product's average (weighted: an author under an open flag counts
less until a moderator decides, ``trust.weights.review_weight``) and distribution; the other
two are shown apart. A discount applies from the moment it is decided, to earlier reviews too
(``service.reweigh_authors`` rewrites the weights in the same transaction).
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

_discounted = Review.weight <= 0
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
    reduced: int = 0  # trusted reviews weighing less while moderators look (0 < weight < 1)


def product_stats(product_ids: list[int]) -> dict[int, Stats]:
    """Per product: the trusted reviews' summary, how many reviews are shown apart, and how
    many trusted ones weigh less while moderators look (one grouped query for all the
    products)."""
    rows = db.session.execute(
        sa.select(Review.product_id, _GROUP.label("grp"), Review.rating, sa.func.count(),
                  sa.func.sum(Review.weight), sa.func.count().filter(Review.weight < 1))
        .where(Review.product_id.in_(product_ids), Review.hidden.is_(False))
        .group_by(Review.product_id, "grp", Review.rating)) if product_ids else []
    counts: dict[int, dict[str, dict[int, int]]] = {
        p: {g: {} for g in GROUPS} for p in product_ids}
    weights: dict[int, dict[int, float]] = {p: {} for p in product_ids}
    reduced = dict.fromkeys(product_ids, 0)
    for product_id, group, rating, n, weight, lighter in rows:
        counts[product_id][group][rating] = n
        if group == "trusted":
            weights[product_id][rating] = float(weight or 0.0)
            reduced[product_id] += int(lighter or 0)
    return {p: Stats(scoring.summarize(c["trusted"], weights[p]), sum(c["staff"].values()),
                     sum(c["discounted"].values()), reduced[p]) for p, c in counts.items()}


def discounted_reviews() -> dict[str, int]:
    """Visible reviews that count for nothing now because a moderator discounted or suspended
    their author: the products' "counted apart" groups summed (the public /trust page;
    registered with ``trust.provenance.register_discounted_counter``)."""
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Review).where(
        Review.hidden.is_(False), _CONDITIONS["discounted"]))
    return {"reviews": int(n or 0)}


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
    return "discounted" if review.weight <= 0 else "trusted"


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
