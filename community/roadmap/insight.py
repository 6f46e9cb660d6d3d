"""Insight on an idea, for the product team: who wants it and since when.

- **Counts** over the crowd's votes (the team's votes are counted apart, as everywhere): by
  club (the clubs the voters belong to; a voter in two clubs counts in both, and voters in no
  club are counted too), by importance (1 nice to have .. 3 critical) and by the voter's trust
  level now. Each is one GROUP BY query.
- **Why**: the voters' use cases, newest first (at most ``WHYS_LIMIT``).
- **Timeline**: cumulative votes per day over the idea's life (per week past
  ``DAILY_UP_TO`` days, per four weeks past ``WEEKLY_UP_TO``, so a chart holds at most about
  a hundred points), drawn as an inline SVG by the template from :class:`Chart`.
- **Filter**: every part may be narrowed to the voters of one club.
- **CSV**: one row per vote (the team's included, marked): date, importance, trust level,
  the voter's clubs and their why; no name and no e-mail; cells neutralised against
  spreadsheet formulas.

Only clubs the reader may see are named (``access.visible_clubs``); the product team sees
every club.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.clubs.models import Club, ClubMember
from community.extensions import db
from community.ideas.labels import importance_label
from community.ideas.models import Idea, Vote
from community.roadmap import access
from community.text import csv_cell
from community.trust.labels import level_label

WHYS_LIMIT = 50
DAILY_UP_TO = 90  # days: one point a day up to this span
WEEKLY_UP_TO = 7 * 104  # days: one point a week up to two years, then one every four weeks


def _votes(idea: Idea, club: Club | None, *, crowd: bool = True):
    """The conditions on ``Vote``: this idea's votes (the crowd's only, unless not
    ``crowd``), of the club's members if a club is given."""
    conditions = [Vote.idea_id == idea.id]
    if crowd:
        conditions.append(Vote.staff.is_(False))
    if club is not None:
        conditions.append(Vote.user_id.in_(
            sa.select(ClubMember.user_id).where(ClubMember.club_id == club.id)))
    return sa.and_(*conditions)


@dataclass(frozen=True)
class Counts:
    total: int
    staff: int  # the team's votes, counted apart
    by_club: list[tuple[Club, int]]
    in_no_club: int
    by_importance: list[tuple[int, str, int]]  # (importance, label, votes)
    by_level: list[tuple[int, str, int]]  # (trust level, label, votes)


def counts(idea: Idea, reader: User | None, club: Club | None = None) -> Counts:
    """Who wants the idea: five grouped queries."""
    where = _votes(idea, club)
    total, staff = db.session.execute(
        sa.select(sa.func.count().filter(Vote.staff.is_(False)),
                  sa.func.count().filter(Vote.staff.is_(True)))
        .where(_votes(idea, club, crowd=False))).one()
    clubs = db.session.execute(
        sa.select(Club, sa.func.count(Vote.id)).select_from(Vote)
        .join(ClubMember, ClubMember.user_id == Vote.user_id)
        .join(Club, Club.id == ClubMember.club_id)
        .where(where, access.visible_clubs(reader)).group_by(Club.id)
        .order_by(sa.func.count(Vote.id).desc(), Club.name).limit(200)).all()
    in_no_club = db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(
        where, ~sa.exists().where(ClubMember.user_id == Vote.user_id)))
    importance = dict(db.session.execute(
        sa.select(Vote.importance, sa.func.count()).where(where).group_by(Vote.importance))
        .all())
    levels = dict(db.session.execute(
        sa.select(User.trust_level, sa.func.count()).select_from(Vote)
        .join(User, User.id == Vote.user_id).where(where).group_by(User.trust_level))
        .all())
    return Counts(
        total=int(total or 0), staff=int(staff or 0),
        by_club=[(c, int(n)) for c, n in clubs], in_no_club=int(in_no_club or 0),
        by_importance=[(i, importance_label(i), int(importance.get(i, 0))) for i in (3, 2, 1)],
        by_level=[(lv, level_label(lv), int(levels.get(lv, 0))) for lv in (3, 2, 1, 0)])


def voters_clubs(idea: Idea, reader: User | None) -> list[Club]:
    """The clubs (visible to the reader) with at least one voter on this idea: the filter's
    choices."""
    voters = sa.select(Vote.user_id).where(Vote.idea_id == idea.id)
    return list(db.session.scalars(
        sa.select(Club).where(access.visible_clubs(reader), Club.id.in_(
            sa.select(ClubMember.club_id).where(ClubMember.user_id.in_(voters))))
        .order_by(Club.name).limit(200)))


def whys(idea: Idea, club: Club | None = None, limit: int = WHYS_LIMIT) -> list[Vote]:
    """The voters' use cases, newest first, each with its voter loaded."""
    return list(db.session.scalars(
        sa.select(Vote).where(_votes(idea, club), Vote.why.is_not(None), Vote.why != "")
        .order_by(Vote.created_at.desc(), Vote.id.desc()).limit(limit)
        .options(joinedload(Vote.user))))


def _day(value) -> date:
    """A ``date()`` from the database: a date on PostgreSQL, 'YYYY-MM-DD' on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def votes_per_day(idea: Idea, club: Club | None = None) -> dict[date, int]:
    """The crowd's votes on the idea per day (UTC): one grouped query."""
    day = sa.func.date(Vote.created_at)
    rows = db.session.execute(sa.select(day, sa.func.count()).where(_votes(idea, club))
                              .group_by(day).order_by(day))
    return {_day(d): int(n) for d, n in rows}


@dataclass(frozen=True)
class Chart:
    """The timeline's geometry, in SVG user units (the template draws it)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bucket_days: int
    points: list[tuple[float, float, date, int]]  # (x, y, the bucket's last day, cumulative)
    highest: int
    labels: list[tuple[float, date]]  # x-axis ticks

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def bucket_days_for(span_days: int) -> int:
    """One point a day up to DAILY_UP_TO days, a week up to WEEKLY_UP_TO, else four weeks."""
    return 1 if span_days <= DAILY_UP_TO else 7 if span_days <= WEEKLY_UP_TO else 28


def timeline(per_day: dict[date, int], start: date, today: date, *, width: int = 640,
             height: int = 240) -> Chart:
    """Cumulative votes at the end of each bucket from ``start`` (or the first vote, if
    earlier: votes merged from a duplicate keep their date) to ``today``."""
    start = min([start, *per_day])
    end = max([today, *per_day])
    size = bucket_days_for((end - start).days)
    count = (end - start).days // size + 1
    left, right, top, bottom = 48, width - 16, 16, height - 40
    totals, running = [], 0
    days = sorted(per_day)
    index = 0
    for bucket in range(count):
        last_day = start + timedelta(days=bucket * size + size - 1)
        while index < len(days) and days[index] <= last_day:
            running += per_day[days[index]]
            index += 1
        totals.append((min(last_day, end), running))
    highest = max(running, 1)
    step = (right - left) / max(count - 1, 1)
    points = [(left + i * step, bottom - n / highest * (bottom - top), day, n)
              for i, (day, n) in enumerate(totals)]
    ticks = sorted({0, count // 2, count - 1})
    return Chart(width, height, left, right, top, bottom, size, points, highest,
                 [(points[i][0], points[i][2]) for i in ticks])


def export_csv(idea: Idea, reader: User | None, club: Club | None = None) -> str:
    """One row per vote on the idea (oldest first): date, importance, trust level, the voter's
    clubs, why, and whether the team cast it. Three queries."""
    where = _votes(idea, club, crowd=False)
    rows = db.session.execute(
        sa.select(Vote.user_id, Vote.created_at, Vote.importance, User.trust_level, Vote.why,
                  Vote.staff).join(User, User.id == Vote.user_id).where(where)
        .order_by(Vote.created_at, Vote.id)).all()
    clubs: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
            sa.select(ClubMember.user_id, Club.name).join(Club, Club.id == ClubMember.club_id)
            .where(ClubMember.user_id.in_(sa.select(Vote.user_id).where(where)),
                   access.visible_clubs(reader)).order_by(Club.name)):
        clubs.setdefault(user_id, []).append(name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "importance", "trust_level", "clubs", "why", "team"])
    for user_id, created_at, importance, level, why, staff in rows:
        writer.writerow([created_at.date().isoformat(), importance_label(importance),
                         level_label(level or 0), csv_cell("; ".join(clubs.get(user_id, []))),
                         csv_cell(why or ""), "yes" if staff else "no"])
    return out.getvalue()
