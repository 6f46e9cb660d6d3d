"""How moderation shows and hides reviews (its subject registry): members flag a review, a
moderator hides it from the flag queue."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from community.accounts import standing
from community.accounts.models import User
from community.extensions import db
from community.moderation import service as moderation
from community.reviews import service
from community.reviews.models import Review
from community.text import plain_text

SUBJECT = "review"


def describe_many(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    reviews = db.session.scalars(sa.select(Review).where(Review.id.in_(ids)).options(
        joinedload(Review.author), joinedload(Review.product))).unique()
    return {r.id: moderation.SubjectView(
        title=f"{r.product.name}: {r.title} ({r.rating}/5)", url=f"/reviews/{r.id}",
        excerpt=plain_text(r.body_html)[:300],
        author_name=r.author.public_name if r.author and not r.author.is_deleted else "",
        hidden=r.hidden) for r in reviews}


def _hide_all(actor: User, user_id: int, reason: str) -> list[int]:
    """On suspension: hide every visible review of the member."""
    ids = list(db.session.scalars(sa.select(Review.id).where(
        Review.author_id == user_id, Review.hidden.is_(False)).order_by(Review.id)))
    for review_id in ids:
        service.hide_review(actor, review_id, reason)
    return ids


def _show(actor: User, ids: Sequence[int], reason: str) -> None:
    """On restore: show again exactly the reviews the suspension hid."""
    db.session.execute(sa.update(Review).where(Review.id.in_(list(ids)))
                       .values(hidden=False))
    for review_id in ids:
        moderation.record_action(actor, "review.unhide", SUBJECT, review_id, reason)


def register() -> None:
    standing.register_content(SUBJECT, standing.ContentKind(hide_all=_hide_all, show=_show))
    moderation.register_subject(SUBJECT, moderation.SubjectHandler(
        describe=lambda i: describe_many([i]).get(i), hide=service.hide_review,
        show=lambda actor, i, reason: _show(actor, [i], reason),
        describe_many=describe_many))
