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
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.extensions import db
from community.groups.models import DIRECTORY_FIELDS, DirectoryProfile, Group, GroupMember
from community.refusals import Refused
from community.timeutil import utcnow

PAGE_SIZE = 30
QUERY_MAX = 100  # characters of a search or a filter; longer is cut, never an error
SEARCH_TEXT_MAX = 1100  # GroupMember.search_text's size (name, handle, the six fields)
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
    values = {}
    for name, raw in fields.items():
        if any(ord(c) < 32 or 127 <= ord(c) < 160 or 0x202A <= ord(c) <= 0x202E
               or 0x2066 <= ord(c) <= 0x2069 for c in str(raw or "")):
            raise Refused("directory.control_characters", 422)
        value = _clean(raw)
        if len(value) > FIELD_MAX[name]:
            raise Refused("directory.too_long", 422, max=FIELD_MAX[name])
        values[name] = value
    card = db.session.get(DirectoryProfile, actor.id, with_for_update=True)
    if card is None:
        try:  # the first card: the member's other request may be writing it too
            with db.session.begin_nested():
                card = DirectoryProfile(user_id=actor.id, **values, updated_at=utcnow())
                db.session.add(card)
                db.session.flush()
        except IntegrityError:
            card = db.session.get(DirectoryProfile, actor.id, with_for_update=True,
                                  populate_existing=True)
    for name, value in values.items():
        setattr(card, name, value)
    card.updated_at = utcnow()
    db.session.flush()
    refresh_member(actor)
    return card


# ---- what each group sees ----

def shown_of(member: GroupMember) -> list[str]:
    """The fields this membership shows, in the card's order (unknown names ignored)."""
    chosen = set((member.shown_fields or "").split(","))
    return [name for name in DIRECTORY_FIELDS if name in chosen]


def _joined(display_name: str | None, handle: str | None, card, member: GroupMember) -> str:
    values = [display_name or "", handle or ""]
    if card is not None:
        values += [getattr(card, name) for name in shown_of(member)]
    return "\n".join(value.lower() for value in values if value)[:SEARCH_TEXT_MAX]


def search_text(card: DirectoryProfile | None, member: GroupMember,
                user: User | None = None) -> str:
    """What a search of this group's directory matches (``GroupMember.search_text``): the
    member's name and handle, and the values of the fields shown in this group, lower-cased,
    one per line (a search holds no line break, so it never matches across two of them)."""
    user = user if user is not None else db.session.get(User, member.user_id)
    if user is None:
        return _joined(None, None, card, member)
    return _joined(user.display_name, user.handle, card, member)


def refresh_member(user: User) -> None:
    """Rewrite the search text of every membership of ``user`` (their name or card changed)."""
    card = db.session.get(DirectoryProfile, user.id)
    for member in db.session.scalars(sa.select(GroupMember).where(
            GroupMember.user_id == user.id)):
        member.search_text = search_text(card, member, user)
    db.session.flush()


def _new_membership(mapper, connection, member: GroupMember) -> None:
    """Before a membership row is inserted (whoever adds it): its search text, read on the
    inserting connection (the flush's own transaction)."""
    if member.search_text:
        return
    user = connection.execute(sa.select(User.display_name, User.handle).where(
        User.id == member.user_id)).first()
    card = connection.execute(sa.select(DirectoryProfile.__table__).where(
        DirectoryProfile.user_id == member.user_id)).first()
    member.search_text = _joined(user.display_name if user else None,
                                 user.handle if user else None, card, member)


def install() -> None:
    """Once per process: every new membership gets its search text (``_new_membership``)."""
    if not sa.event.contains(GroupMember, "before_insert", _new_membership):
        sa.event.listen(GroupMember, "before_insert", _new_membership)


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
    member.search_text = search_text(db.session.get(DirectoryProfile, actor.id), member)
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
    total: int | None  # None: a search with more pages than this one (not counted)
    page: int
    per_page: int = PAGE_SIZE
    filters: dict[str, str] = field(default_factory=dict)
    more: bool = False  # another page follows

    @property
    def pages(self) -> int | None:
        if self.total is None:
            return None
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.more

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
        # One LIKE on the membership row (name, handle and shown fields, lower-cased): the
        # member's account and card are read for the matching rows only.
        conditions.append(GroupMember.search_text.like(_like(q.lower()), escape="\\"))
    for key, name in FILTERS.items():
        value = term(filters.get(key))
        if value:
            conditions.append(_shows(name))
            conditions.append(_matches(getattr(DirectoryProfile, name), value))
    return conditions


def directory_page(group: Group, q: str = "", page: int = 1, per_page: int = PAGE_SIZE,
                   **filters: str) -> Page:
    """A page of the group's directory, oldest members first, in one query for the page and
    at most one cheap count. Unfiltered, the count reads the group's memberships alone. A
    search or a filter is not counted (that would read every matching member of a big group
    on each page): the page reads one row more than it shows to know whether another page
    follows, and the total is known on the last page only (``Page.total`` is None before)."""
    page = max(1, page)
    conditions = directory_conditions(group, q, **filters)
    searching = any(term(value) for value in (q, *filters.values()))
    rows = db.session.execute(
        sa.select(GroupMember, User, DirectoryProfile).select_from(GroupMember)
        .join(User, User.id == GroupMember.user_id)
        .outerjoin(DirectoryProfile, DirectoryProfile.user_id == GroupMember.user_id)
        .where(*conditions).order_by(GroupMember.joined_at, GroupMember.user_id)
        .limit(per_page + 1).offset((page - 1) * per_page)).all()
    more, rows = len(rows) > per_page, rows[:per_page]
    total: int | None
    if not more and (rows or page == 1):
        total = (page - 1) * per_page + len(rows)  # the last page: no need to count
    elif searching:
        total = None
    else:
        # The listed memberships alone (a deleted account's memberships are erased with it),
        # read from the group's index without touching users or cards.
        total = db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.listed.is_(True)))
    cards = []
    for member, user, card in rows:
        values = [] if card is None else [
            (name, getattr(card, name)) for name in shown_of(member) if getattr(card, name)]
        cards.append(Card(user, member, values))
    used = {key: term(filters.get(key)) for key in FILTERS if term(filters.get(key))}
    return Page(cards, total, page, per_page, used, more)
