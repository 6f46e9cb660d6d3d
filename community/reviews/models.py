"""Products, their reviews, each review's earlier versions, and helpful marks."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.timeutil import utcnow


class Product(db.Model):
    """A product members review; admins add and edit them (``/products/manage``)."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    launched_on: Mapped[date] = mapped_column(sa.Date)
    description: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(db.Model):
    """One member's review of one product: the database allows no second one."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "author_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        # The product page's three orders, each with its tie-breaks (queries.SORTS).
        sa.Index("ix_reviews_product_created", "product_id", "created_at", "id"),
        sa.Index("ix_reviews_product_helpful", "product_id", "helpful_count", "created_at"),
        sa.Index("ix_reviews_product_rating", "product_id", "rating", "created_at"),
        # What the trust scan reads (trust source: written or edited since a time).
        sa.Index("ix_reviews_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    title: Mapped[str] = mapped_column(sa.String(120))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)  # cooked at write time (community/text)
    using_since: Mapped[date] = mapped_column(sa.Date)  # the first day of a month
    # Whether the author was staff when writing (or last editing) it: staff reviews are shown
    # apart and never counted, and stay so once the author leaves or deletes the account.
    staff: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)  # by a moderator
    # What the review weighs in its product's average (``trust.weights.review_weight``): 1,
    # less while its author is under an open flag, 0 once discounted or suspended; rewritten
    # with the author's standing (``reviews.service.reweigh``), like a vote's weight.
    weight: Mapped[float] = mapped_column(default=1.0, server_default="1")
    helpful_count: Mapped[int] = mapped_column(default=0)  # changed with each mark
    revision_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # written or last edited

    product: Mapped[Product] = relationship()
    author: Mapped[User | None] = relationship()


class ReviewRevision(db.Model):
    """A previous version of a review, kept when its author edits it."""

    __tablename__ = "review_revisions"
    __table_args__ = (sa.UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"))
    number: Mapped[int]
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    title: Mapped[str] = mapped_column(sa.String(120))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    using_since: Mapped[date] = mapped_column(sa.Date)
    written_at: Mapped[datetime]  # when this version was written
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))


class ReviewHelpful(db.Model):
    """A member found another member's review helpful (once: the key refuses a second)."""

    __tablename__ = "review_helpful_marks"

    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
