"""Who belongs to which club: the lifecycle and the membership condition that content
domains (forums, and later ideas, roadmap, events) import downward, as
``from community.clubs.membership import CLUBS as clubs``: ``clubs.ids_of(user_id)``,
``clubs.members_among(club_id, user_ids)``, ``clubs.find(slug)``, ``clubs.add(club, user_id)``."""

from __future__ import annotations

from community.circles import Circles
from community.clubs.models import Club, ClubMember

CLUBS = Circles("club", Club, ClubMember, "club_id")
