"""Author lines (forums, ideas, and any page that names members): the few columns a name
shows, read as plain rows.

``_macros/people.html``'s ``member`` shows a name with its avatar, link and badges; an
:class:`Author` answers every attribute it (and ``accounts/avatars.avatar``) reads, so the pages
never load a member's whole row for a name: no password hash, e-mail or bio. Whether the
member is staff (``User.is_staff``: a staff role, or a verified address at one of the
``COMPANY_DOMAINS``) is worked out by the database, so the address never leaves it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import STAFF_ROLES, User
from community.extensions import db


@dataclass(frozen=True, slots=True)
class Author:
    id: int
    handle: str
    display_name: str | None
    founding_number: int | None
    avatar_version: int
    suspended_at: datetime | None
    deleted_at: datetime | None
    is_staff: bool

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        return self.display_name or ""


def domains() -> tuple[str, ...]:
    """The app's ``COMPANY_DOMAINS`` an address can match, sorted (a cache key): the address's
    domain is lowercased and compared as is, so an entry with capitals never matches."""
    return tuple(sorted({d for d in current_app.config.get("COMPANY_DOMAINS", ())
                         if d and d == d.lower()}))


def staff_expression(user=User, company: tuple[str, ...] | None = None):
    """``User.is_staff`` as SQL on ``user`` (the table or an alias of it)."""
    by_address = [sa.func.lower(user.email).like(
        "%@" + d.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), escape="\\")
        for d in (domains() if company is None else company)]
    staff = user.role.in_(sorted(STAFF_ROLES, key=lambda r: r.value))
    if by_address:
        staff = sa.or_(staff, sa.and_(user.email_verified_at.is_not(None), sa.or_(*by_address)))
    return sa.and_(user.deleted_at.is_(None), staff)


def columns(user=User, company: tuple[str, ...] | None = None) -> tuple:
    """The columns of an :class:`Author`, in its order, on ``user`` (the table or an alias).
    Built once per alias and set of company domains (building them costs more than running
    the query they go in)."""
    return _columns(user, domains() if company is None else company)


@functools.lru_cache(maxsize=64)
def _columns(user, company: tuple[str, ...]) -> tuple:
    return (user.id, user.handle, user.display_name, user.founding_number, user.avatar_version,
            user.suspended_at, user.deleted_at, staff_expression(user, company))


WIDTH = 8  # len(columns())


def from_row(values) -> Author | None:
    """An :class:`Author` from ``columns()``'s values (None for an outer join's missing row)."""
    if values[0] is None:
        return None
    return Author(*values[:7], bool(values[7]))


def by_id(ids) -> dict[int, Author]:
    """The authors of these ids, in one query (none for no ids)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row[0]: from_row(row) for row in db.session.execute(
        sa.select(*columns()).where(User.id.in_(ids)))}
