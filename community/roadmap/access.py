"""Who may see and do what with clubs and roadmap items: the one place the pages, lists,
search, feeds, notifications and exports ask, so a members-only club or item never leaks.

- A **public** club is seen by everyone; a **members-only** club only by its members and the
  staff (moderators, product team, admins). To anyone else it does not exist: its pages answer
  404, and its name appears in no list, feed, ballot column or notification.
- A **members-only roadmap item** (and its changelog entry) is seen by signed-in members only.
- Club roles: members take part; managers approve requests, manage members and publish the
  ballot; owners also edit the club and name managers. Product staff and admins act as owners
  of every club (they run the programme); moderators see every club but manage none.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import ROLE_RANK, Club, ClubMember, ClubRole, Visibility
from community.extensions import db
from community.roadmap.models import RoadmapItem


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def runs_clubs(user: User | None) -> bool:
    """Product staff and admins: create clubs and act as their owners."""
    return _signed_in(user) and user.has_role(Role.PRODUCT, Role.ADMIN)


def sees_all_clubs(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff


def visible_clubs(user: User | None):
    """A SQL condition on ``Club``: the clubs this reader may know of."""
    if sees_all_clubs(user):
        return sa.true()
    public = Club.visibility == Visibility.PUBLIC
    if not _signed_in(user):
        return public
    return sa.or_(public, Club.id.in_(CLUBS.ids_of(user.id)))


def may_see_club(user: User | None, club: Club) -> bool:
    if club.visibility is Visibility.PUBLIC or sees_all_clubs(user):
        return True
    return _signed_in(user) and CLUBS.is_member(club.id, user.id)


def membership(user: User | None, club: Club) -> ClubMember | None:
    if not _signed_in(user):
        return None
    return db.session.get(ClubMember, (club.id, user.id))


def role_in(user: User | None, club: Club) -> ClubRole | None:
    """The reader's role in the club (staff who run clubs count as owners), or None."""
    if runs_clubs(user):
        return ClubRole.OWNER
    member = membership(user, club)
    return member.role if member is not None else None


def has_club_role(user: User | None, club: Club, at_least: ClubRole) -> bool:
    role = role_in(user, club)
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[at_least]


def sees_club_inside(user: User | None, club: Club) -> bool:
    """The club's inside (its ranking, ballot history, requests): its members and staff."""
    if sees_all_clubs(user):
        return True
    return _signed_in(user) and CLUBS.is_member(club.id, user.id)


def visible_items(user: User | None, model=RoadmapItem):
    """A SQL condition on ``RoadmapItem`` (or ``ChangelogEntry``, passed as ``model``):
    members-only rows are for signed-in members."""
    return sa.true() if _signed_in(user) else model.members_only.is_(False)


def may_see_item(user: User | None, members_only: bool) -> bool:
    return not members_only or _signed_in(user)


def manages_roadmap(user: User | None) -> bool:
    return _signed_in(user) and user.has_role(Role.PRODUCT)
