"""Idea categories, as the product team manages them: create, rename, reorder, delete (an
empty one, or after moving its ideas into another). Services flush; the caller commits.

Who: the product team (``Role.PRODUCT``; admins always pass), the role that already triages,
merges and answers ideas; moderators and members may not. The services check it themselves,
so the CLI, a job or a test meets the same rule as the page.

Unique names: a category's slug is its name's address form (``text.slugify``: "Mobile app",
"mobile-app" and "Mobile  App!" share one), and the database's unique index on the slug refuses
a second one, whatever the race between two people saving at once.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas.models import Category, Idea
from community.refusals import Refused
from community.text import slugify

NAME_MAX = 60  # the column's length
SLUG_MAX = 40


def can_manage(user: User) -> bool:
    """Whether this member manages idea categories (the product team and admins)."""
    return user.is_authenticated and user.has_role(Role.PRODUCT)


def _check(actor: User) -> None:
    if not can_manage(actor):
        raise Refused("ideas.forbidden")


def category_slug(name: str) -> str:
    """The unique key of a name: its ASCII address form, or, for a name with no Latin letter
    or digit at all ("日本"), a short hash of its case-folded form."""
    slug = slugify(name, SLUG_MAX, "")
    if slug:
        return slug
    return "c-" + hashlib.sha256(name.casefold().encode()).hexdigest()[:12]


def ordered() -> list[Category]:
    """Every category, in the order members see them."""
    return list(db.session.scalars(sa.select(Category).order_by(
        Category.position, Category.name, Category.id)))


def idea_counts() -> dict[int, int]:
    """How many ideas each category holds (merged ones included: they keep their row)."""
    return dict(db.session.execute(sa.select(Idea.category_id, sa.func.count())
                                   .where(Idea.category_id.is_not(None))
                                   .group_by(Idea.category_id)).all())


def _save(category: Category, **values) -> None:
    """Set ``values`` and flush the category inside a savepoint (begin_nested flushes what is
    pending before the SAVEPOINT, so the change must be made inside it); a name another
    category already has is refused and the transaction stays usable."""
    try:
        with db.session.begin_nested():
            for name, value in values.items():
                setattr(category, name, value)
            db.session.add(category)
    except IntegrityError:
        raise Refused("ideas.category_taken", 422) from None


def create_category(actor: User, name: str) -> Category:
    """Add a category at the end of the list."""
    _check(actor)
    last = db.session.scalar(sa.select(sa.func.max(Category.position)))
    category = Category(slug=category_slug(name), name=name,
                        position=(last if last is not None else -1) + 1)
    _save(category)
    return category


def rename_category(actor: User, category: Category, name: str) -> None:
    """Give a category a new name (its ideas stay in it)."""
    _check(actor)
    _save(category, name=name, slug=category_slug(name))


def move_category(actor: User, category: Category, offset: int) -> None:
    """Move a category up (-1) or down (+1) one place; positions are renumbered 0, 1, 2...
    so that categories added by the CLI with equal positions get a definite order."""
    _check(actor)
    rows = ordered()
    index = rows.index(category)
    target = min(max(index + offset, 0), len(rows) - 1)
    rows.insert(target, rows.pop(index))
    for position, row in enumerate(rows):
        row.position = position
    db.session.flush()


def delete_category(actor: User, category: Category, move_to: Category | None) -> int:
    """Delete a category. One that holds ideas is refused unless ``move_to`` names another
    category, into which its ideas move first. Returns how many ideas moved.

    The category's row is locked first: an idea being filed under it at the same moment
    either lands before the count (and is moved or refuses the deletion) or waits, then
    finds no category (PostgreSQL's foreign-key lock); none is left uncategorized unseen."""
    _check(actor)
    db.session.execute(sa.select(Category.id).where(Category.id == category.id)
                       .with_for_update())
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Idea).where(
        Idea.category_id == category.id)) or 0
    if count and move_to is None:
        raise Refused("ideas.category_not_empty", 409, num=count)
    if move_to is not None and move_to.id == category.id:
        raise Refused("ideas.category_same", 422)
    if count:
        db.session.execute(sa.update(Idea).where(Idea.category_id == category.id)
                           .values(category_id=move_to.id))
    db.session.delete(category)
    db.session.flush()
    return count
