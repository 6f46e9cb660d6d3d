"""Who belongs to which group: the lifecycle and the membership condition that content
domains (forums, and later ideas, roadmap, events) import downward, as
``from community.groups.membership import GROUPS as groups``: ``groups.ids_of(user_id)``,
``groups.members_among(group_id, user_ids)``, ``groups.find(slug)``,
``groups.add(group, user_id)``."""

from __future__ import annotations

from community.circles import Circles
from community.groups.models import Group, GroupMember

GROUPS = Circles("group", Group, GroupMember, "group_id")
