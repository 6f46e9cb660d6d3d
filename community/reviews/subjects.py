"""How moderation shows and hides reviews (its subject registry): members flag a review, a
moderator hides it from the flag queue."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

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


def register() -> None:
    moderation.register_subject(SUBJECT, moderation.SubjectHandler(
        describe=lambda i: describe_many([i]).get(i), hide=service.hide_review,
        describe_many=describe_many))
