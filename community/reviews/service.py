"""Review use cases: write, edit, delete, mark helpful, hide; products for admins.

Services flush and never commit; the actor is a parameter. Writing and editing a review add
their row to the activity log (``accounts/activity.py``) in the same transaction, after the
rules passed: a refused action leaves no row, and a rolled-back one takes its row with it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import Role, User
from community.extensions import db
from community.marks import toggle_counted_mark
from community.moderation import service as moderation
from community.refusals import Refused
from community.reviews import scoring
from community.reviews.models import Product, Review, ReviewHelpful, ReviewRevision
from community.text import render_markdown, slugify
from community.timeutil import utcnow
from community.trust import levels, onwrite
from community.trust.voters import review_weight_of


def _check_content(author: User, rating: int, using_since: date) -> date:
    """The rules every version of a review follows (the forms check lengths and shapes);
    returns "using it since" as the first day of its month."""
    if not author.is_verified:
        raise Refused("reviews.unverified")
    if not scoring.is_rating(rating):
        raise Refused("reviews.rating", 422)
    if scoring.is_future_month(using_since, utcnow().date()):
        raise Refused("reviews.future", 422)
    return using_since.replace(day=1)


def weight_of(author: User) -> float:
    """What the author's reviews weigh in averages now (``trust.weights.review_weight``)."""
    return review_weight_of(author)


def reweigh_authors(user_ids) -> int:
    """Rewrite the weight of these members' reviews from their standing now, in the caller's
    transaction (averages are read from the weights: they follow at once). Registered with
    ``accounts.standing.register_reweigher``; returns the reviews changed."""
    changed = 0
    for author in db.session.scalars(sa.select(User).where(User.id.in_(list(user_ids)))
                                     .execution_options(populate_existing=True)):
        result = db.session.execute(sa.update(Review).where(
            Review.author_id == author.id, Review.weight != weight_of(author))
            .values(weight=weight_of(author)))
        changed += result.rowcount or 0
    return changed


def _has_reviewed(author: User, product: Product) -> bool:
    return db.session.scalar(sa.select(Review.id).where(
        Review.product_id == product.id, Review.author_id == author.id)) is not None


def write_review(author: User, product: Product, rating: int, title: str, body: str,
                 using_since: date) -> Review:
    """A verified member's review of a product (one per member and product: the database's
    unique key decides between two concurrent submissions)."""
    using_since = _check_content(author, rating, using_since)
    if _has_reviewed(author, product):
        raise Refused("reviews.already_reviewed", 409)
    now = utcnow()
    per_day = levels.limits_for(author.trust_level or 0, author.is_staff).reviews_per_day
    if per_day is not None and activity.count_since(
            author.id, (ActivityKind.REVIEW_WRITTEN,), now - timedelta(days=1)) >= per_day:
        raise Refused("reviews.rate", 429)  # the trust level's reviews a day
    review = Review(product_id=product.id, author_id=author.id, rating=rating, title=title,
                    body_md=body, body_html=render_markdown(body), using_since=using_since,
                    staff=author.is_staff, weight=weight_of(author), created_at=now,
                    updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:  # the same member's review landed first, from another request
        raise Refused("reviews.already_reviewed", 409) from None
    activity.record(author.id, ActivityKind.REVIEW_WRITTEN, ("review", review.id),
                    value=rating, at=now)
    _check_claims(author, review, product)
    return review


def _check_claims(author: User, review: Review, product: Product) -> None:
    """The on-write check for an impossible claim of use, in the text or in "using it
    since" (docs/TRUST.md): a flag for moderators, never a refusal."""
    onwrite.after_text(("review", review.id), author, f"{review.title}\n{review.body_md}",
                       product_launched_at=datetime.combine(product.launched_on, time()),
                       at=review.updated_at,
                       claimed_since=datetime.combine(review.using_since, time()))


def require_author(user: User, review: Review) -> None:
    """Only the review's author edits or deletes it (moderators hide it instead)."""
    if user is None or not user.is_authenticated or review.author_id != user.id:
        raise Refused("reviews.not_yours")


def edit_review(editor: User, review: Review, rating: int, title: str, body: str,
                using_since: date) -> bool:
    """The author's new version; the previous one is kept in the history. False (and nothing
    written) when nothing changed."""
    require_author(editor, review)
    if review.hidden:
        raise Refused("reviews.hidden", 409)
    using_since = _check_content(editor, rating, using_since)
    if (rating, title, body, using_since) == (review.rating, review.title, review.body_md,
                                              review.using_since):
        return False
    now = utcnow()
    review.revision_count += 1
    db.session.add(ReviewRevision(
        review_id=review.id, number=review.revision_count, rating=review.rating,
        title=review.title, body_md=review.body_md, body_html=review.body_html,
        using_since=review.using_since, written_at=review.updated_at, replaced_at=now,
        editor_id=editor.id))
    review.rating, review.title, review.using_since = rating, title, using_since
    review.body_md, review.body_html = body, render_markdown(body)
    review.staff, review.updated_at = editor.is_staff, now
    review.weight = weight_of(editor)
    db.session.flush()
    activity.record(editor.id, ActivityKind.REVIEW_EDITED, ("review", review.id),
                    value=rating, at=now)
    _check_claims(editor, review, review.product)
    return True


def delete_review(user: User, review: Review) -> None:
    """The author deletes their review for good, with its history and helpful marks (the
    activity log keeps that it was written); they may then review the product again."""
    require_author(user, review)
    for model in (ReviewRevision, ReviewHelpful):
        db.session.execute(sa.delete(model).where(model.review_id == review.id))
    db.session.delete(review)
    db.session.flush()


def toggle_helpful(user: User, review: Review) -> bool:
    """Mark another member's review helpful, or take the mark back; True if now marked."""
    if review.author_id == user.id or not user.is_verified or review.hidden:
        raise Refused("reviews.helpful")
    return toggle_counted_mark(ReviewHelpful(review_id=review.id, user_id=user.id),
                               Review.helpful_count, review.id)


def hide_review(actor: User, review_id: int, reason: str) -> None:
    """A moderator hides a review (from the flag queue): it leaves the product page and the
    counts; the audit log keeps who and why."""
    if not actor.has_role(Role.MODERATOR):
        raise Refused("moderation.forbidden")
    review = db.session.get(Review, review_id)
    if review is None or review.hidden:
        return
    review.hidden = True
    db.session.flush()
    moderation.record_action(actor, "review.hide", "review", review.id, reason)


def recount_helpful() -> int:
    """Set every review's helpful count from its marks; return how many changed."""
    marks = (sa.select(sa.func.count()).where(ReviewHelpful.review_id == Review.id)
             .scalar_subquery())
    result = db.session.execute(sa.update(Review).where(Review.helpful_count != marks)
                                .values(helpful_count=marks))
    return result.rowcount or 0


# ---- products (admins) ----

RESERVED_SLUGS = frozenset({"manage"})  # /products/manage is the admins' page

def save_product(actor: User, product: Product | None, *, name: str, slug: str,
                 launched_on: date, description: str = "") -> Product:
    """Add a product (``product`` None) or change one; the slug (made from the name when
    empty) is its address, unique."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("reviews.admins_only")
    product = product or Product()
    product.name, product.launched_on = name, launched_on
    product.slug = slugify(slug or name, 60, "product")
    if product.slug in RESERVED_SLUGS:
        raise Refused("reviews.slug_taken", 409)
    product.description = description or None
    try:
        with db.session.begin_nested():
            db.session.add(product)
    except IntegrityError:
        raise Refused("reviews.slug_taken", 409) from None
    return product
