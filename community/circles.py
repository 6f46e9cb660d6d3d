"""Circles of members, the one implementation behind clubs and groups where they are the same.

A circle is a row with a slug and a name (``Club``, ``Group``) and a membership table keyed by
(circle, member) (``ClubMember``, ``GroupMember``). :class:`Circles` gives each domain the same
lifecycle (create, find, add, remove), the membership condition that content domains import
to restrict what they show (``ids_of``: a subquery of the circles a member belongs to), the
members among a list (for notifications), the member's export and erasure, and the
``flask clubs|groups`` commands. Each domain
keeps its own tables, rules and pages; a rule of one kind only (a club member's organisation,
a group's invitations) lives in that domain.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.extensions import db
from community.text import slugify
from community.timeutil import iso


class Circles:
    def __init__(self, kind: str, model: Any, member_model: Any, key: str) -> None:
        self.kind = kind  # "club" or "group"
        self.model = model
        self.member_model = member_model
        self.key = key  # the membership's column naming the circle: "club_id", "group_id"

    @property
    def _circle_id(self):
        return getattr(self.member_model, self.key)

    # ---- lifecycle ----

    def create(self, name: str, slug: str | None = None) -> Any:
        circle = self.model(name=name, slug=slug or slugify(name, 60, self.kind))
        db.session.add(circle)
        db.session.flush()
        return circle

    def find(self, slug: str | None) -> Any | None:
        if not slug:
            return None
        return db.session.scalar(sa.select(self.model).where(self.model.slug == slug))

    def all(self) -> list[Any]:
        return list(db.session.scalars(sa.select(self.model).order_by(self.model.name)))

    def add(self, circle: Any, user_id: int, **fields: object) -> bool:
        """Make a member of the circle (no-op if already one); True if added."""
        if db.session.get(self.member_model, (circle.id, user_id)) is not None:
            return False
        db.session.add(self.member_model(**{self.key: circle.id}, user_id=user_id, **fields))
        db.session.flush()
        return True

    def remove(self, circle: Any, user_id: int) -> bool:
        return bool(db.session.execute(sa.delete(self.member_model).where(
            self._circle_id == circle.id, self.member_model.user_id == user_id)).rowcount)

    # ---- the invitation link (``invite_token``: whoever holds it may join) ----

    def renew_link(self, circle: Any) -> str:
        """A new secret link; the old one stops working. The domain checks who may."""
        circle.invite_token = secrets.token_urlsafe(24)
        db.session.flush()
        return circle.invite_token

    def clear_link(self, circle: Any) -> None:
        circle.invite_token = None
        db.session.flush()

    def by_link(self, token: str | None) -> Any | None:
        """The circle whose link this is, or None (a token longer than any we make: None)."""
        if not token or len(token) > 64:
            return None
        return db.session.scalar(sa.select(self.model).where(self.model.invite_token == token))

    # ---- the membership condition other domains import ----

    def ids_of(self, user_id: int):
        """A subquery: the ids of the circles this member belongs to (for ``column.in_()``)."""
        return sa.select(self._circle_id).where(self.member_model.user_id == user_id)

    def is_member(self, circle_id: int, user_id: int) -> bool:
        return db.session.get(self.member_model, (circle_id, user_id)) is not None

    def members_among(self, circle_id: int, user_ids: Iterable[int]) -> set[int]:
        """The members of the circle among ``user_ids``: one query, however many."""
        ids = set(user_ids)
        if not ids:
            return set()
        return set(db.session.scalars(sa.select(self.member_model.user_id).where(
            self._circle_id == circle_id, self.member_model.user_id.in_(ids))))

    # ---- the member's data ----

    def export(self, user_id: int, *extra: str) -> list[dict]:
        """The member's memberships: the circle's name, when they joined, and ``extra``
        membership columns (a club member's organisation)."""
        rows = db.session.execute(
            sa.select(self.model.name, self.member_model)
            .join(self.member_model, self._circle_id == self.model.id)
            .where(self.member_model.user_id == user_id).order_by(self.model.name))
        return [{self.kind: name, "joined_at": iso(member.joined_at),
                 **{column: getattr(member, column) for column in extra}}
                for name, member in rows]

    def erase(self, user_id: int) -> None:
        """On account deletion: the memberships go (they are personal, not a contribution)."""
        db.session.execute(sa.delete(self.member_model).where(
            self.member_model.user_id == user_id))


def command_group(circles: Circles, help: str, find_user_id: Callable[[str], int | None],
                  member_options: Sequence[Callable] = ()) -> AppGroup:
    """``flask <kind>s create NAME`` and ``flask <kind>s add-member SLUG HANDLE``; each of
    ``member_options`` (a ``click.option`` for a membership column) adds a field to the
    membership. ``find_user_id(handle)`` comes from the domain (the base knows no accounts)."""
    kind = circles.kind
    group = AppGroup(f"{kind}s", help=help)

    @group.command("create")
    @click.argument("name")
    @click.option("--slug")
    def create(name: str, slug: str | None) -> None:
        circle = circles.create(name, slug)
        db.session.commit()
        click.echo(f"{kind.capitalize()} {circle.slug} created.")

    create.help = f"Create a {kind}."

    def add_member(slug: str, handle: str, **fields: object) -> None:
        circle = circles.find(slug)
        if circle is None:
            raise click.ClickException(f"No {kind} with the slug {slug!r}.")
        user_id = find_user_id(handle)
        if user_id is None:
            raise click.ClickException(f"No member with the handle {handle!r}.")
        circles.add(circle, user_id, **fields)
        db.session.commit()
        click.echo(f"{handle} added to the {kind} {slug}.")

    for option in reversed(member_options):
        add_member = option(add_member)
    add_member = click.argument("handle")(add_member)
    add_member = click.argument("slug")(add_member)
    group.command("add-member", help=f"Add a member (by handle) to a {kind}.")(add_member)
    return group
