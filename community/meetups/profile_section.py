"""The groups' section of a member's profile: the groups they belong to that the *reader*
may see there: public groups; private and secret ones only if the reader is a member of
them too, or staff. A membership hidden from the group's directory is left out too (but for
the member themselves and staff). Ambassadors carry their badge. One query."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import profiles
from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.membership import GROUPS
from community.groups.models import Group, GroupMember, GroupVisibility

LIMIT = 50


def groups_on_profile(user: User, reader) -> list[tuple[Group, GroupMember]] | None:
    conditions = [GroupMember.user_id == user.id]
    signed_in = reader is not None and reader.is_authenticated
    if not access.sees_all_groups(reader):
        public = Group.visibility == GroupVisibility.PUBLIC
        conditions.append(sa.or_(public, Group.id.in_(GROUPS.ids_of(reader.id)))
                          if signed_in else public)
        if not (signed_in and reader.id == user.id):
            conditions.append(GroupMember.listed.is_(True))
    rows = db.session.execute(
        sa.select(Group, GroupMember).join(GroupMember, GroupMember.group_id == Group.id)
        .where(*conditions).order_by(Group.name, Group.id).limit(LIMIT)).all()
    return [tuple(row) for row in rows] or None


def register() -> None:
    profiles.register_section(profiles.Section("groups", "groups/_profile.html",
                                                groups_on_profile))
