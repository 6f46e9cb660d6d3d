"""The roadmap's and clubs' sections of the home page (``community/home.py``).

- **Your clubs** (members of a club): the ballots their clubs published since the member's
  previous visit, and the new activity in their clubs' discussions (the last post not
  theirs). Only the clubs they belong to (staff, who see every club, get the clubs they are
  members of, as everyone): two queries.
- **Recently shipped**: changelog entries (members-only ones for members,
  ``roadmap/access.py``); since the previous visit for a member, the latest for a visitor:
  one query on the changelog's index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from community import home
from community.accounts.models import User
from community.clubs.membership import CLUBS
from community.clubs.models import Club
from community.extensions import db
from community.forums import home as forums_home
from community.forums.models import ForumCategory, Topic
from community.roadmap import access
from community.roadmap.models import ChangelogEntry, ClubBallot

BALLOT_LIMIT = 4
TOPIC_LIMIT = 5
SHIPPED_LIMIT = 3


@dataclass(frozen=True)
class ClubNews:
    ballots: list[ClubBallot]
    topics: list[Topic]


@dataclass(frozen=True)
class Shipped:
    entries: list[ChangelogEntry]
    since: datetime | None  # None for a visitor: the latest entries


def _member(reader: User | None) -> User | None:
    return reader if reader is not None and getattr(reader, "is_authenticated", False) else None


def club_news(reader: User | None, since: datetime) -> ClubNews | None:
    """Home section: what happened in the member's clubs since ``since``."""
    member = _member(reader)
    if member is None:
        return None
    mine = CLUBS.ids_of(member.id)
    ballots = list(db.session.scalars(
        sa.select(ClubBallot).join(Club, Club.id == ClubBallot.club_id)
        .where(ClubBallot.club_id.in_(mine), ClubBallot.published_at > since)
        .options(contains_eager(ClubBallot.club))
        .order_by(ClubBallot.published_at.desc(), ClubBallot.id.desc()).limit(BALLOT_LIMIT)))
    topics = forums_home.topics_since(member, ForumCategory.club_id.in_(mine), since,
                                      TOPIC_LIMIT)
    return ClubNews(ballots, topics) if ballots or topics else None


def shipped(reader: User | None, since: datetime) -> Shipped | None:
    """Home section: what shipped since ``since`` (member), the latest shipped (visitor)."""
    member = _member(reader)
    query = sa.select(ChangelogEntry).where(access.visible_items(member, ChangelogEntry))
    if member is not None:
        query = query.where(ChangelogEntry.published_at > since)
    entries = list(db.session.scalars(
        query.order_by(ChangelogEntry.published_at.desc(), ChangelogEntry.id.desc())
        .limit(SHIPPED_LIMIT)))
    return Shipped(entries, since if member else None) if entries else None


def register() -> None:
    home.register_section(home.Section("roadmap_shipped", 30, "home/roadmap_shipped.html",
                                       shipped))
    home.register_section(home.Section("clubs_news", 60, "home/clubs_news.html", club_news))
