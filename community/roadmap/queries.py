"""Reads several parts of the roadmap domain share: which clubs put which ideas on their ballot.

A club's *current* ballot is its latest published version; its *history* is every version.
Both readers return only the clubs the reader may see (``access.visible_clubs``), so a
members-only club's name never reaches an outsider through a roadmap item or an idea.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def ballot_clubs(idea_ids: Iterable[int], reader: User | None, *,
                 current_only: bool = True) -> dict[int, list[Club]]:
    """For each idea, the clubs (visible to ``reader``) whose current ballot holds it (or, with
    ``current_only=False``, any published version): one query."""
    ids = set(idea_ids)
    if not ids:
        return {}
    query = (sa.select(BallotLine.idea_id, Club).distinct()
             .join(ClubBallot, ClubBallot.id == BallotLine.ballot_id)
             .join(Club, Club.id == ClubBallot.club_id)
             .where(BallotLine.idea_id.in_(ids), access.visible_clubs(reader))
             .order_by(Club.name))
    if current_only:
        query = query.where(BallotLine.ballot_id.in_(current_ballot_ids()))
    found: dict[int, list[Club]] = {}
    for idea_id, club in db.session.execute(query):
        found.setdefault(idea_id, []).append(club)
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
