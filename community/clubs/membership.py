"""Who belongs to which club: the lifecycle and the membership condition that content
domains (forums, and later ideas, roadmap, events) import downward."""

from __future__ import annotations

from community.circles import Circles
from community.clubs.models import Club, ClubMember

CLUBS = Circles("club", Club, ClubMember, "club_id")

create = CLUBS.create
find = CLUBS.find
all_clubs = CLUBS.all
add_member = CLUBS.add
remove_member = CLUBS.remove
ids_of = CLUBS.ids_of
is_member = CLUBS.is_member
members_among = CLUBS.members_among
