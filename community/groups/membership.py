"""Who belongs to which group: the lifecycle and the membership condition that content
domains (forums, and later ideas, roadmap, events) import downward, as
``from community.groups.membership import GROUPS as groups``: ``groups.ids_of(user_id)``,
``groups.members_among(group_id, user_ids)``, ``groups.find(slug)``,
``groups.add(group, user_id)``."""

from __future__ import annotations

import sqlalchemy as sa

from community.circles import Circles
from community.groups.models import Group, GroupMember

GROUPS = Circles("group", Group, GroupMember, "group_id")


def group_category_ids():
    """A subquery: the ids of every group's discussion category (for the forums, which list
    the site's categories and the reader's groups' ones, not every group's)."""
    return sa.select(Group.category_id).where(Group.category_id.is_not(None))


def member_category_ids(user_id: int):
    """A subquery: the discussion categories of the groups this member belongs to."""
    return sa.select(Group.category_id).where(Group.category_id.is_not(None),
                                              Group.id.in_(GROUPS.ids_of(user_id)))
