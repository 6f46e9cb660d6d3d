"""Rendered parts of the roadmap's two heaviest pages, kept per worker and reused while
nothing they show has changed: the board's columns and the side-by-side view's columns.

Both are the same for most readers, but rendering sixty cards and their ideas (or eight
columns of ten ideas) costs two to three times a list page. So their HTML is kept
(``freshness.kept``) with the freshness stamps of every table their rendering read: any
committed write to one of them (an item edited or shipped, a link, an idea's votes or status,
a ballot, a club renamed or made members-only), by any worker, makes the next reader render
afresh; a kept copy is also dropped after ``MAX_AGE`` seconds.

What the reader may see is part of the key: visitors, signed-in members (members-only items),
staff (every club), and a member of members-only clubs sees those clubs' names beside the
ideas, so their key names those clubs. Each worker process keeps its own copies (at most
``MAX_ENTRIES``).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from community import freshness
from community.accounts.models import User
from community.clubs.models import Club, ClubMember, Visibility
from community.extensions import db
from community.roadmap import access

MAX_AGE = 60.0
MAX_ENTRIES = 64


def audience(reader: User | None) -> tuple:
    """What part of the board this reader may see, as a key."""
    if access.sees_all_clubs(reader):
        return ("staff", access.manages_roadmap(reader))
    if reader is None or not reader.is_authenticated:
        return ("visitor",)
    private = db.session.scalars(
        sa.select(ClubMember.club_id).join(Club, Club.id == ClubMember.club_id)
        .where(ClubMember.user_id == reader.id, Club.visibility == Visibility.MEMBERS)
        .order_by(ClubMember.club_id))
    return ("member", *private)


def rendered(key: tuple, render: Callable[[], str]) -> str:
    """The kept HTML for ``key`` (the page and its audience), or ``render()`` kept."""
    return freshness.kept("roadmap", key, render, max_age=MAX_AGE, entries=MAX_ENTRIES)
