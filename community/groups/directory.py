"""Each group's directory: a member's card (``DirectoryProfile``, written once), what each group
sees of it (``GroupMember.listed`` and ``shown_fields``), and the directory query.

The rules the query keeps, whoever reads:

- only the group's *listed* members whose account is not deleted;
- of each card, only the fields its member chose to show in *this* group: a hidden field is
  never returned, and never matches a search (``?q=``) or a filter, so nobody can probe it;
- never the e-mail address (it is not a directory field and no query here reads it);
- one query for the page and one for the count, whatever the size of the group.

Who may read a directory is ``access.sees_directory`` (the group's members and staff); the
pages ask it. Services flush and never commit; the actor is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.groups.models import DIRECTORY_FIELDS, DirectoryProfile, Group, GroupMember
from community.refusals import Refused
from community.timeutil import utcnow

PAGE_SIZE = 30
QUERY_MAX = 100  # characters of a search or a filter; longer is cut, never an error
# The card's fields and their longest value (the columns' sizes).
FIELD_MAX = {"company": 100, "job_title": 100, "location": 100, "cohort": 40,
             "skills": 300, "help_on": 300}
# The filters a directory offers, each on one field (``skill`` looks inside ``skills``).
FILTERS = {"location": "location", "cohort": "cohort", "company": "company", "skill": "skills"}


# ---- the member's card ----

def profile_of(user_id: int) -> DirectoryProfile:
    """The member's card, or a blank one (not added to the session) if they wrote none."""
    card = db.session.get(DirectoryProfile, user_id)
    if card is None:
        card = DirectoryProfile(user_id=user_id, **{name: "" for name in DIRECTORY_FIELDS})
    return card


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())  # one line, single spaces


def save_profile(actor: User, **fields: object) -> DirectoryProfile:
    """Write the actor's card (their own only). Unknown fields, control characters and
    over-long values are refused (the form says it first; this is the rule)."""
    unknown = set(fields) - set(DIRECTORY_FIELDS)
    if unknown:
        raise Refused("directory.unknown_field", 422, field=sorted(unknown)[0])
    card = db.session.get(DirectoryProfile, actor.id, with_for_update=True)
    if card is None:
        card = DirectoryProfile(user_id=actor.id)
        db.session.add(card)
    for name, raw in fields.items():
        if any(ord(c) < 32 or 127 <= ord(c) < 160 or 0x202A <= ord(c) <= 0x202E
               or 0x2066 <= ord(c) <= 0x2069 for c in str(raw or "")):
            raise Refused("directory.control_characters", 422)
        value = _clean(raw)
        if len(value) > FIELD_MAX[name]:
            raise Refused("directory.too_long", 422, max=FIELD_MAX[name])
        setattr(card, name, value)
    card.updated_at = utcnow()
    db.session.flush()
    return card


# ---- what each group sees ----

def shown_of(member: GroupMember) -> list[str]:
    """The fields this membership shows, in the card's order (unknown names ignored)."""
    chosen = set((member.shown_fields or "").split(","))
    return [name for name in DIRECTORY_FIELDS if name in chosen]


def set_choices(actor: User, group: Group, *, listed: bool, shown: Iterable[str]) -> GroupMember:
    """The actor's choices in one group: in its directory or not, and which fields it sees."""
    member = db.session.scalar(sa.select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.user_id == actor.id).with_for_update())
    if member is None:
        raise Refused("directory.not_member", 403)
    names = set(shown)
    unknown = names - set(DIRECTORY_FIELDS)
    if unknown:
        raise Refused("directory.unknown_field", 422, field=sorted(unknown)[0])
    member.listed = bool(listed)
    member.shown_fields = ",".join(name for name in DIRECTORY_FIELDS if name in names)
    db.session.flush()
    return member


# ---- the directory query ----

@dataclass(frozen=True)
class Card:
    user: User
    member: GroupMember
    fields: list[tuple[str, str]]  # (field, value): shown here and not empty


@dataclass
class Page:
    cards: list[Card]
    total: int
    page: int
    per_page: int = PAGE_SIZE
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _like(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _shows(name: str):
    """The membership shows this field (a comma-separated list, wrapped to match whole names)."""
    return (sa.literal(",") + GroupMember.shown_fields + sa.literal(",")).like(f"%,{name},%")


def _matches(column, text: str):
    return column.ilike(_like(text), escape="\\")


def term(value: object) -> str:
    return _clean(value)[:QUERY_MAX]


def directory_conditions(group: Group, q: str = "", **filters: str) -> list:
    """The conditions on (GroupMember, User, DirectoryProfile) of a directory's rows."""
    conditions = [GroupMember.group_id == group.id, GroupMember.listed.is_(True),
                  User.deleted_at.is_(None)]
    q = term(q)
    if q:
        conditions.append(sa.or_(
            _matches(User.display_name, q), _matches(User.handle, q),
            *[sa.and_(_shows(name), _matches(getattr(DirectoryProfile, name), q))
              for name in DIRECTORY_FIELDS]))
    for key, name in FILTERS.items():
        value = term(filters.get(key))
        if value:
            conditions.append(_shows(name))
            conditions.append(_matches(getattr(DirectoryProfile, name), value))
    return conditions


def directory_page(group: Group, q: str = "", page: int = 1, per_page: int = PAGE_SIZE,
                   **filters: str) -> Page:
    """A page of the group's directory, oldest members first: one query for the page and,
    unless the page is the last one (fewer rows than a page), one to count."""
    page = max(1, page)
    conditions = directory_conditions(group, q, **filters)

    def joined(select):
        return (select.select_from(GroupMember)
                .join(User, User.id == GroupMember.user_id)
                .outerjoin(DirectoryProfile, DirectoryProfile.user_id == GroupMember.user_id)
                .where(*conditions))

    rows = db.session.execute(joined(sa.select(GroupMember, User, DirectoryProfile))
                              .order_by(GroupMember.joined_at, GroupMember.user_id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if 0 < len(rows) < per_page or (page == 1 and not rows):
        total = (page - 1) * per_page + len(rows)  # the last page: no need to count
    else:
        total = db.session.scalar(joined(sa.select(sa.func.count())))
    cards = []
    for member, user, card in rows:
        values = [] if card is None else [
            (name, getattr(card, name)) for name in shown_of(member) if getattr(card, name)]
        cards.append(Card(user, member, values))
    used = {key: term(filters.get(key)) for key in FILTERS if term(filters.get(key))}
    return Page(cards, total or 0, page, per_page, used)
