"""Reads several parts of the roadmap domain share: which clubs put which ideas on their ballot.

A club's *current* ballot is its latest published version; its *history* is every version.
Both readers return only the clubs the reader may see (``access.visible_clubs``), so a
members-only club's name never reaches an outsider through a roadmap item or an idea.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa

from community.accounts.models import User
from community.clubs.models import Club
from community.extensions import db
from community.roadmap import access
from community.roadmap.models import BallotLine, ClubBallot


def current_ballot_ids():
    """A subquery: the id of each club's latest published ballot."""
    latest = (sa.select(ClubBallot.club_id, sa.func.max(ClubBallot.version).label("version"))
              .group_by(ClubBallot.club_id).subquery())
    return (sa.select(ClubBallot.id).join(latest, sa.and_(
        ClubBallot.club_id == latest.c.club_id, ClubBallot.version == latest.c.version)))


def current_ballot(club_id: int) -> ClubBallot | None:
    return db.session.scalar(sa.select(ClubBallot).where(ClubBallot.club_id == club_id)
                             .order_by(ClubBallot.version.desc()).limit(1))


class BallotClubs(NamedTuple):
    """The clubs whose ballot holds an idea: the first few to name (``shown``, by name) and how
    many in all (``total``); a card names three, not the hundred clubs that may agree."""

    shown: list
    total: int


def ballot_clubs(idea_ids: Iterable[int], reader: User | None, *, current_only: bool = True,
                 named: int = 3) -> dict[int, BallotClubs]:
    """For each idea, the clubs (visible to ``reader``) whose current ballot holds it (or, with
    ``current_only=False``, any published version): their ``named`` first by name, as light
    rows (``id``, ``slug``, ``name``), and their count. One query."""
    ids = set(idea_ids)
    if not ids:
        return {}
    query = (sa.select(BallotLine.idea_id, Club.id, Club.slug, Club.name).distinct()
             .join(ClubBallot, ClubBallot.id == BallotLine.ballot_id)
             .join(Club, Club.id == ClubBallot.club_id)
             .where(BallotLine.idea_id.in_(ids), access.visible_clubs(reader))
             .order_by(BallotLine.idea_id, Club.name, Club.id))
    if current_only:
        query = query.where(BallotLine.ballot_id.in_(current_ballot_ids()))
    found: dict[int, BallotClubs] = {}
    for row in db.session.execute(query):
        entry = found.setdefault(row.idea_id, BallotClubs([], 0))
        if len(entry.shown) < named:
            entry.shown.append(row)
        found[row.idea_id] = entry._replace(total=entry.total + 1)
    return found


def clubs_that_balloted(idea_ids: Iterable[int]) -> set[int]:
    """The ids of every club whose ballot, in any published version, held one of these ideas
    (for telling them it shipped; not for display)."""
    ids = set(idea_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        sa.select(ClubBallot.club_id).distinct()
        .join(BallotLine, BallotLine.ballot_id == ClubBallot.id)
        .where(BallotLine.idea_id.in_(ids))))
