"""Rendered parts of the roadmap's two heaviest pages, kept per app and reused while nothing
they show has changed: the board's columns and the side-by-side view's columns.

Both are the same for most readers, but rendering sixty cards and their ideas (or eight
columns of ten ideas) costs two to three times a list page. So their HTML is kept, keyed by
what the reader may see and by a **fingerprint** of everything shown, read in one cheap
statement on every request. The board's (``board_fingerprint``): the items (count, last
edit, last shipping), the links (count, last link), the linked ideas (their votes, last
status change, titles' lengths), the clubs' ballots (count, newest) and the clubs (count,
names, which are members-only). The side-by-side view's is the clubs' part, with the two
crowd top tens its view reads anyway. Any write that changes what is shown changes the
fingerprint, so the next reader renders afresh; a kept copy is also dropped after
``MAX_AGE`` seconds, which bounds what a fingerprint could miss (an idea retitled to a
title of the same length).

What the reader may see is part of the key: visitors, signed-in members (members-only items),
staff (every club), and a member of members-only clubs sees those clubs' names beside the
ideas, so their key names those clubs. Each worker process keeps its own copies (at most
``MAX_ENTRIES``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import User
from community.clubs.models import Club, ClubMember, Visibility
from community.extensions import db
from community.ideas.models import Idea
from community.roadmap import access
from community.roadmap.models import ClubBallot, RoadmapItem, RoadmapLink

MAX_AGE = 60.0
MAX_ENTRIES = 64


def _scalar(query):
    return query.scalar_subquery()


def _clubs_part() -> tuple:
    """The clubs' ballots (count, newest) and the clubs (count, names, members-only ones)."""
    return (
        _scalar(sa.select(sa.func.count()).select_from(ClubBallot)),
        _scalar(sa.select(sa.func.max(ClubBallot.id))),
        _scalar(sa.select(sa.func.count()).select_from(Club)),
        _scalar(sa.select(sa.func.sum(sa.func.length(Club.name) + sa.func.length(Club.slug)))),
        _scalar(sa.select(sa.func.sum(sa.case(
            (Club.visibility == Visibility.MEMBERS, Club.id), else_=0)))),
    )


def clubs_fingerprint() -> tuple:
    """One statement: changes whenever a club's ballot, name or visibility changes."""
    return tuple(db.session.execute(sa.select(*_clubs_part())).one())


def board_fingerprint() -> tuple:
    """One statement: a tuple that changes whenever anything the board shows changes."""
    scalar = _scalar

    # From the links to their ideas (225 rows), never the other way (100,000).
    linked = (sa.select(Idea.vote_count, Idea.status_changed_at, Idea.title)
              .select_from(RoadmapLink).join(Idea, Idea.id == RoadmapLink.idea_id).subquery())
    row = db.session.execute(sa.select(
        scalar(sa.select(sa.func.count()).select_from(RoadmapItem)),
        scalar(sa.select(sa.func.max(RoadmapItem.updated_at))),
        scalar(sa.select(sa.func.max(RoadmapItem.shipped_at))),
        scalar(sa.select(sa.func.count()).select_from(RoadmapLink)),
        scalar(sa.select(sa.func.max(RoadmapLink.linked_at))),
        scalar(sa.select(sa.func.sum(linked.c.vote_count))),
        scalar(sa.select(sa.func.max(linked.c.status_changed_at))),
        scalar(sa.select(sa.func.sum(sa.func.length(linked.c.title)))),
        *_clubs_part(),
    )).one()
    return tuple(row)


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
    """The kept HTML for ``key`` (the page, its fingerprint and audience), or ``render()``
    kept."""
    kept: OrderedDict = current_app.extensions.setdefault("roadmap_pages", OrderedDict())
    now = time.monotonic()
    found = kept.get(key)
    if found is not None and now - found[0] < MAX_AGE:
        kept.move_to_end(key)
        return found[1]
    html = render()
    kept[key] = (now, html)
    kept.move_to_end(key)
    while len(kept) > MAX_ENTRIES:
        kept.popitem(last=False)
    return html
