"""Who belongs to which group: the lifecycle and the membership condition that content
domains (forums, and later ideas, roadmap, events) import downward."""

from __future__ import annotations

from community.circles import Circles
from community.groups.models import Group, GroupMember

GROUPS = Circles("group", Group, GroupMember, "group_id")

create = GROUPS.create
find = GROUPS.find
all_groups = GROUPS.all
add_member = GROUPS.add
remove_member = GROUPS.remove
ids_of = GROUPS.ids_of
is_member = GROUPS.is_member
members_among = GROUPS.members_among
