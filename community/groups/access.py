"""Who may see and do what with groups: the one place the pages, lists, directory, search,
feeds, notifications, calendars and exports ask, so a private or secret group never leaks.

- A **public** group is seen by everyone (its page, its events, its discussions); anyone
  signed in and verified may join it.
- A **private** group is *listed* (its name, description, rules, cover and member count are
  public) but its inside (members, directory, discussions, events) is for its members.
- A **secret** group is known only to its members (and staff): to anyone else it does not
  exist; its pages answer 404, and it appears in no list, search, feed, notification,
  calendar, profile or export of someone else.
- The **directory** of any group is for its members (and staff), whatever the visibility.
- Group roles: members take part; managers approve requests, invite, remove members and
  organise events; owners also edit the group, name managers and mark ambassadors. Admins act
  as owners of every group; the rest of the staff (moderators, product team) see every group,
  inside included (they moderate and they are the community team), and manage none.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import (
    GROUP_ROLE_RANK,
    Group,
    GroupMember,
    GroupRole,
    GroupVisibility,
)


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def runs_groups(user: User | None) -> bool:
    """Admins: they act as owners of every group."""
    return _signed_in(user) and user.has_role(Role.ADMIN)


def sees_all_groups(user: User | None) -> bool:
    """Staff see every group and its inside (moderation, the community team)."""
    return _signed_in(user) and user.is_staff


def visible_groups(user: User | None):
    """A SQL condition on ``Group``: the groups this reader may know of (lists, search)."""
    if sees_all_groups(user):
        return sa.true()
    listed = Group.visibility != GroupVisibility.SECRET
    if not _signed_in(user):
        return listed
    return sa.or_(listed, Group.id.in_(GROUPS.ids_of(user.id)))


def inside_groups(user: User | None):
    """A SQL condition on ``Group``: the groups whose inside (events, discussions) this reader
    may see: public ones, the reader's own, all of them for staff."""
    if sees_all_groups(user):
        return sa.true()
    public = Group.visibility == GroupVisibility.PUBLIC
    if not _signed_in(user):
        return public
    return sa.or_(public, Group.id.in_(GROUPS.ids_of(user.id)))


def membership(user: User | None, group: Group) -> GroupMember | None:
    if not _signed_in(user):
        return None
    return db.session.get(GroupMember, (group.id, user.id))


def is_member(user: User | None, group: Group) -> bool:
    return membership(user, group) is not None


def may_see_group(user: User | None, group: Group) -> bool:
    """The group exists for this reader (its page answers rather than 404)."""
    if group.visibility is not GroupVisibility.SECRET or sees_all_groups(user):
        return True
    return is_member(user, group)


def sees_inside(user: User | None, group: Group) -> bool:
    """Events, discussions and the member list: public groups for everyone; otherwise the
    group's members and staff."""
    if group.visibility is GroupVisibility.PUBLIC or sees_all_groups(user):
        return True
    return is_member(user, group)


def sees_directory(user: User | None, group: Group) -> bool:
    """The directory: the group's members and staff, whatever the visibility."""
    return sees_all_groups(user) or is_member(user, group)


def role_in(user: User | None, group: Group) -> GroupRole | None:
    """The reader's role in the group (admins count as owners), or None."""
    if runs_groups(user):
        return GroupRole.OWNER
    member = membership(user, group)
    return member.role if member is not None else None


def has_group_role(user: User | None, group: Group, at_least: GroupRole) -> bool:
    role = role_in(user, group)
    return role is not None and GROUP_ROLE_RANK[role] >= GROUP_ROLE_RANK[at_least]


def manages(user: User | None, group: Group) -> bool:
    """Managers and owners (and admins): requests, invitations, members, events."""
    return has_group_role(user, group, GroupRole.MANAGER)


def owns(user: User | None, group: Group) -> bool:
    return has_group_role(user, group, GroupRole.OWNER)
