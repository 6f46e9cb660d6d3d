"""Tiny factories for reviews tests (they commit, so HTTP requests see the rows)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from community.accounts.activity import Activity
from community.accounts.models import Role, User
from community.extensions import db
from community.reviews import service
from community.reviews.models import Product, Review


def make_product(app, name="Cercle Desktop", slug="desktop", launched_on=date(2024, 3, 1),
                 description="The desktop client.") -> int:
    with app.app_context():
        admin = User(handle=f"admin-for-{slug}", display_name="Ad Min", password_hash="!",
                     role=Role.ADMIN)
        product = service.save_product(admin, None, name=name, slug=slug,
                                       launched_on=launched_on, description=description)
        db.session.commit()
        return product.id


def make_review(app, author_id: int, product_id: int, rating=4, title="Solid and quick",
                body="I use it every day for my invoices.", since=date(2024, 6, 1)) -> int:
    with app.app_context():
        author = db.session.get(User, author_id)
        review = service.write_review(author, db.session.get(Product, product_id), rating,
                                      title, body, since)
        db.session.commit()
        return review.id


def get_review(app, review_id: int) -> Review | None:
    with app.app_context():
        review = db.session.get(Review, review_id)
        if review is not None:
            db.session.expunge(review)
        return review


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def activities(app) -> list[tuple]:
    """(user, kind, subject type, subject id, value) of every activity row about reviews (log-ins
    write theirs too), in order."""
    with app.app_context():
        return [(a.user_id, a.kind.value, a.subject_type, a.subject_id, a.value)
                for a in db.session.scalars(sa.select(Activity).where(
                    Activity.subject_type == "review").order_by(Activity.id))]
