"""A club's ballot: its members' ranking, the versions its managers publish, and their history.

- **The club's ranking** is the members' priorities ("my priorities") of that club's members
  only: each priority line already holds its Borda points x its member's trust weight
  (``ideas.priorities``), so the ranking is one grouped sum over the club's members' lines.
  Merged ideas are left out (their lines moved to the target when they were merged). Ties go
  as every ranking's: more votes, then the older idea, then the lower id.
- **Publishing** writes a new version (``ClubBallot``, the previous highest version + 1) with
  1 to ``BALLOT_SIZE`` distinct existing ideas, none merged, each with a short plain-text
  reason. Only the club's managers and owners publish (staff who run clubs act as owners).
  The database's unique (club, version) is the guard: of two managers publishing at once, the
  second is refused with a clear message and publishes again after reading the new version.
- **The history** keeps every version; each shows who published it, when, and what changed
  from the version before (ideas added, removed, moved, reasons reworded), counted as
  ``ideas.ranking.ballot_changes`` counts a member's moves.
- **Side by side** (the product team's page): the crowd's top ten by trusted score and by
  members' priorities (ideas not closed, scoring something), and the clubs' current ballots,
  a page of clubs at a time in a fixed number of queries; an idea's agreement is the number
  of those columns holding it, every club's current ballot counted (not only this page's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, load_only, selectinload

from community.accounts.models import User
from community.clubs.models import Club, ClubMember, ClubRole
from community.extensions import db
from community.ideas import ranking
from community.ideas.models import CLOSED, Idea, PriorityEntry, Status
from community.refusals import Refused
from community.roadmap import access, queries
from community.roadmap.models import BALLOT_SIZE, BallotLine, ClubBallot

REASON_LENGTH = 280
INT32_MAX = 2**31 - 1
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Ranked:
    """An idea in the club's ranking: its trust-weighted Borda points and how many of the
    club's members put it in their priorities."""

    idea: Idea
    points: float
    members: int


@dataclass(frozen=True)
class Line:
    """One line a manager asks to publish (best first)."""

    idea_id: int
    reason: str


def club_ranking(club: Club, limit: int = BALLOT_SIZE) -> list[Ranked]:
    """The club's members' priorities, aggregated: one grouped query, best first."""
    members = sa.select(ClubMember.user_id).where(ClubMember.club_id == club.id)
    totals = (sa.select(PriorityEntry.idea_id,
                        sa.func.sum(PriorityEntry.points).label("points"),
                        sa.func.count(PriorityEntry.user_id).label("members"))
              .where(PriorityEntry.user_id.in_(members))
              .group_by(PriorityEntry.idea_id).subquery())
    rows = db.session.execute(
        sa.select(Idea, totals.c.points, totals.c.members)
        .join(totals, totals.c.idea_id == Idea.id)
        .where(Idea.status != Status.MERGED)
        .order_by(totals.c.points.desc(), Idea.vote_count.desc(), Idea.created_at, Idea.id)
        .limit(limit))
    return [Ranked(idea, float(points or 0), int(count)) for idea, points, count in rows]


def line_problems(lines: list[Line]) -> dict[int, Refused]:
    """What is wrong with each line (by index in ``lines``): a repeated idea, an unknown or
    merged idea, a missing or too long reason. One query, whatever the lines."""
    # ideas.id is a 32-bit integer: a larger number names no idea (and PostgreSQL would
    # refuse to compare it).
    ids = {line.idea_id for line in lines if line.idea_id <= INT32_MAX}
    status = dict(db.session.execute(
        sa.select(Idea.id, Idea.status).where(Idea.id.in_(ids))).all())
    problems: dict[int, Refused] = {}
    seen: set[int] = set()
    for index, line in enumerate(lines):
        idea = line.idea_id
        if idea in seen:
            problems[index] = Refused("roadmap.ballot_duplicate", 422, idea=idea)
        elif idea not in status:
            problems[index] = Refused("roadmap.ballot_unknown_idea", 422, idea=idea)
        elif status[idea] is Status.MERGED:
            problems[index] = Refused("roadmap.ballot_merged_idea", 422, idea=idea)
        elif not line.reason.strip():
            problems[index] = Refused("roadmap.ballot_reason_needed", 422, idea=idea)
        elif len(line.reason) > REASON_LENGTH:
            problems[index] = Refused("roadmap.ballot_reason_too_long", 422, idea=idea,
                                      max=REASON_LENGTH)
        seen.add(idea)
    return problems


def publish(actor: User, club: Club, lines: list[Line]) -> ClubBallot:
    """Publish the club's ballot as its next version (managers and owners only); refused if
    a line is wrong, if it is the published ballot unchanged, or if another manager published
    a version in the meantime (the unique (club, version) holds)."""
    if not access.has_club_role(actor, club, ClubRole.MANAGER):
        raise Refused("roadmap.ballot_not_manager")
    if not lines:
        raise Refused("roadmap.ballot_empty", 422)
    if len(lines) > BALLOT_SIZE:
        raise Refused("roadmap.ballot_too_long", 422, max=BALLOT_SIZE)
    lines = [Line(line.idea_id, line.reason.strip()) for line in lines]
    problems = line_problems(lines)
    if problems:
        raise problems[min(problems)]
    current = queries.current_ballot(club.id)
    if current is not None and _as_lines(current) == lines:
        raise Refused("roadmap.ballot_unchanged", 422)
    ballot = ClubBallot(club_id=club.id, version=next_version(club.id),
                        published_by_id=actor.id)
    ballot.lines = [BallotLine(position=position, idea_id=line.idea_id, reason=line.reason)
                    for position, line in enumerate(lines, 1)]
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
    except IntegrityError:  # another manager's version took this number first
        raise Refused("roadmap.ballot_conflict", 409) from None
    return ballot


def next_version(club_id: int) -> int:
    """The number of the club's next ballot version (1 for its first)."""
    highest = db.session.scalar(sa.select(sa.func.max(ClubBallot.version))
                                .where(ClubBallot.club_id == club_id))
    return (highest or 0) + 1


def _as_lines(ballot: ClubBallot) -> list[Line]:
    return [Line(line.idea_id, line.reason) for line in ballot.lines]


def current_with_ideas(club: Club) -> ClubBallot | None:
    """The club's published ballot, its lines and their ideas loaded (two queries)."""
    return db.session.scalar(
        sa.select(ClubBallot).where(ClubBallot.club_id == club.id)
        .order_by(ClubBallot.version.desc()).limit(1)
        .options(selectinload(ClubBallot.lines).selectinload(BallotLine.idea),
                 selectinload(ClubBallot.published_by)))


@dataclass
class Version:
    """A published version and what changed from the one before it."""

    ballot: ClubBallot
    added: list[Idea] = field(default_factory=list)
    removed: list[Idea] = field(default_factory=list)
    moved: list[tuple[Idea, int]] = field(default_factory=list)  # (idea, its new rank)
    reworded: list[Idea] = field(default_factory=list)


def history(club: Club, limit: int = HISTORY_LIMIT) -> list[Version]:
    """The club's published versions, newest first (the latest ``limit``), each with its
    changes from the version before: three queries, whatever the number of versions."""
    ballots = list(db.session.scalars(
        sa.select(ClubBallot).where(ClubBallot.club_id == club.id)
        .order_by(ClubBallot.version.desc()).limit(limit + 1)
        .options(selectinload(ClubBallot.lines).selectinload(BallotLine.idea),
                 selectinload(ClubBallot.published_by))))
    versions = []
    for index, ballot in enumerate(ballots[:limit]):
        before = ballots[index + 1] if index + 1 < len(ballots) else None
        versions.append(_changes(before, ballot))
    return versions


def _changes(before: ClubBallot | None, after: ClubBallot) -> Version:
    version = Version(after)
    old = {line.idea_id: line for line in before.lines} if before is not None else {}
    new = {line.idea_id: line for line in after.lines}
    moves = ranking.ballot_changes(list(old), list(new))
    for idea_id, rank in moves:
        if rank is None:
            version.removed.append(old[idea_id].idea)
        elif idea_id not in old:
            version.added.append(new[idea_id].idea)
        else:
            version.moved.append((new[idea_id].idea, rank))
    version.reworded = [line.idea for idea_id, line in new.items()
                        if idea_id in old and old[idea_id].reason != line.reason]
    return version


# ---- side by side, for the product team ----

CROWD_SIZE = 10
CLUBS_PER_PAGE = 6
# What a list of ideas shows (not their descriptions, which are most of a row's bytes).
LISTED = (Idea.id, Idea.title, Idea.slug, Idea.status, Idea.vote_count)


def crowd_top(order) -> list[Idea]:
    """The crowd's top ten not-closed ideas in ``order`` (a score column), ties as every
    ranking's; ideas scoring nothing are left out."""
    return list(db.session.scalars(
        sa.select(Idea).options(load_only(*LISTED)).where(Idea.status.not_in(CLOSED), order > 0)
        .order_by(order.desc(), Idea.vote_count.desc(), Idea.created_at, Idea.id)
        .limit(CROWD_SIZE)))


def balloting_clubs(reader: User | None):
    """A SQL condition on ``Club``: visible to the reader, with a published ballot."""
    return sa.and_(access.visible_clubs(reader),
                   Club.id.in_(sa.select(ClubBallot.club_id)))


def club_ballots_page(reader: User | None, page: int, club: Club | None = None
                      ) -> tuple[list[ClubBallot], int]:
    """One page of the clubs' current ballots (by club name), their lines, ideas and clubs
    loaded, and the number of pages: five queries, whatever the number of clubs."""
    where = balloting_clubs(reader)
    if club is not None:
        where = sa.and_(where, Club.id == club.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Club).where(where))
    pages = max(1, -(-int(total or 0) // CLUBS_PER_PAGE))
    ballots = list(db.session.scalars(
        sa.select(ClubBallot).join(Club, Club.id == ClubBallot.club_id)
        .where(where, ClubBallot.id.in_(queries.current_ballot_ids()))
        .order_by(Club.name, Club.id)
        .limit(CLUBS_PER_PAGE).offset((min(page, pages) - 1) * CLUBS_PER_PAGE)
        .options(selectinload(ClubBallot.lines).selectinload(BallotLine.idea)
                 .options(load_only(*LISTED)), contains_eager(ClubBallot.club))))
    return ballots, pages


def clubs_holding(idea_ids: set[int], reader: User | None) -> dict[int, int]:
    """For each idea, how many clubs (visible to the reader) hold it on their current ballot:
    one grouped query."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        sa.select(BallotLine.idea_id, sa.func.count(sa.distinct(ClubBallot.club_id)))
        .join(ClubBallot, ClubBallot.id == BallotLine.ballot_id)
        .join(Club, Club.id == ClubBallot.club_id)
        .where(BallotLine.idea_id.in_(idea_ids), access.visible_clubs(reader),
               BallotLine.ballot_id.in_(queries.current_ballot_ids()))
        .group_by(BallotLine.idea_id))
    return {idea_id: int(n) for idea_id, n in rows}


def balloting_club_choices(reader: User | None) -> list[tuple[str, str]]:
    """(slug, name) of every club with a published ballot the reader may see: the filter."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Club.slug, Club.name).where(balloting_clubs(reader)).order_by(Club.name))]
