"""The reviews part of a member's data: the export (reviews with their earlier versions, and the
helpful marks given), the profile section, and what account deletion does.

Deletion: reviews are contributions, so they stay, signed "deleted member" (as forum posts and
idea votes do), with their history, and their ratings still count where they counted (a staff
review stays apart: ``Review.staff`` was noted when it was written). Helpful marks the member
gave stay too, as forum helpful marks do: they are other members' counts. So there is nothing
personal in this domain to erase beyond what ``accounts.data.delete_account`` anonymises, and
it registers no eraser.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.data import register_exporter
from community.accounts.models import User
from community.extensions import db
from community.reviews import queries
from community.reviews.models import Product, Review, ReviewHelpful, ReviewRevision
from community.timeutil import iso as _iso


def _version(row) -> dict:
    return {"rating": row.rating, "title": row.title, "text": row.body_md,
            "using_since": row.using_since.strftime("%Y-%m")}


def reviews_of(user: User) -> list[dict]:
    """Every review the member wrote (hidden ones too), each with its earlier versions."""
    rows = db.session.execute(sa.select(Review, Product.name, Product.slug)
                              .join(Product, Product.id == Review.product_id)
                              .where(Review.author_id == user.id).order_by(Review.id)).all()
    revisions: dict[int, list[ReviewRevision]] = {}
    for revision in db.session.scalars(sa.select(ReviewRevision).where(
            ReviewRevision.review_id.in_([r.id for r, _, _ in rows]))
            .order_by(ReviewRevision.number)):
        revisions.setdefault(revision.review_id, []).append(revision)
    return [{"id": r.id, "product": name, "product_slug": slug, **_version(r),
             "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at),
             "helpful_marks_received": r.helpful_count, "hidden_by_moderators": r.hidden,
             "previous_versions": [{**_version(v), "written_at": _iso(v.written_at),
                                    "replaced_at": _iso(v.replaced_at)}
                                   for v in revisions.get(r.id, [])]}
            for r, name, slug in rows]


def helpful_given(user: User) -> list[dict]:
    rows = db.session.execute(sa.select(ReviewHelpful.review_id, ReviewHelpful.created_at)
                              .where(ReviewHelpful.user_id == user.id)
                              .order_by(ReviewHelpful.created_at))
    return [{"review_id": review_id, "created_at": _iso(at)} for review_id, at in rows]


@dataclass(frozen=True)
class ProfileReviews:
    reviews: list[Review]


def profile_section(user: User, reader) -> ProfileReviews | None:
    """The member's visible reviews on their profile (nothing when there are none)."""
    reviews = queries.reviews_by(user, limit=10)
    return ProfileReviews(reviews) if reviews else None


def register() -> None:
    register_exporter("reviews", reviews_of)
    register_exporter("review_helpful_marks_given", helpful_given)
