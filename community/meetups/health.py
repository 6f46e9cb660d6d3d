"""A group's health, for its owners and the staff: members over time, active members, events
per month and their attendance. Each comes as rows (the table, which is the data) and a
:class:`Chart` (the geometry of a small inline SVG the template draws, no script).

- **Members over time**: the members at the end of each of the last ``MONTHS`` months,
  counted from today's members' ``joined_at`` (members who left are not counted: their rows
  are gone).
- **Active members**: today's members who posted in the group's category or answered one of
  its events in the last 30 and 90 days.
- **Events per month** (not cancelled, by start) and **attendance** ("yes" answers to the
  group's past, not cancelled events, by the event's month).

Months are calendar months in UTC. Seven queries in all, each bounded by the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from community.extensions import db
from community.forums.models import Post, Topic
from community.groups.models import Group, GroupMember
from community.meetups.models import Answer, Event, Rsvp
from community.timeutil import utcnow

MONTHS = 12
ACTIVE_DAYS = (30, 90)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    """An SVG chart's geometry in user units: bars, and for a line the same points joined."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    highest: int
    bars: list[Bar]

    @property
    def polyline(self) -> str:
        return " ".join(f"{b.x + b.width / 2:.1f},{b.y:.1f}" for b in self.bars)


def chart(series: list[tuple[str, int]], *, width: int = 480, height: int = 200) -> Chart:
    left, right, top, bottom = 40, width - 8, 12, height - 36
    highest = max([1, *[value for _label, value in series]])
    slot = (right - left) / max(1, len(series))
    bars = []
    for index, (label, value) in enumerate(series):
        h = (bottom - top) * value / highest
        bars.append(Bar(left + index * slot + slot * 0.15, bottom - h, slot * 0.7, h, label,
                        value))
    return Chart(width, height, left, right, top, bottom, highest, bars)


def _month_start(day: date | datetime) -> date:
    return date(day.year, day.month, 1)


def _add_months(day: date, n: int) -> date:
    month = day.month - 1 + n
    return date(day.year + month // 12, month % 12 + 1, 1)


def months_until(now: datetime, count: int = MONTHS) -> list[date]:
    last = _month_start(now)
    return [_add_months(last, -i) for i in range(count - 1, -1, -1)]


def _month_of(column):
    """A 'YYYY-MM' text of a timestamp column, in the engine's own words."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _by_month(statement) -> dict[str, int]:
    return {key: n for key, n in db.session.execute(statement) if key is not None}


@dataclass(frozen=True)
class MonthRow:
    month: date
    value: int


@dataclass(frozen=True)
class Health:
    members: list[MonthRow]  # members at each month's end
    joined: dict[date, int]  # members who joined that month (and are still members)
    active: list[tuple[int, int]]  # (days, active members in that many days)
    member_count: int
    events: list[MonthRow]
    attendance: list[MonthRow]

    @property
    def members_chart(self) -> Chart:
        return chart([(_key(r.month), r.value) for r in self.members])

    @property
    def active_chart(self) -> Chart:
        return chart([*[(str(days), n) for days, n in self.active], ("all", self.member_count)],
                     width=300)

    @property
    def events_chart(self) -> Chart:
        return chart([(_key(r.month), r.value) for r in self.events])

    @property
    def attendance_chart(self) -> Chart:
        return chart([(_key(r.month), r.value) for r in self.attendance])


def members_over_time(group: Group, months: list[date]) -> tuple[list[MonthRow], dict]:
    start = datetime.combine(months[0], datetime.min.time())
    mine = GroupMember.group_id == group.id
    before = db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
        mine, GroupMember.joined_at < start)) or 0
    month = _month_of(GroupMember.joined_at)
    joins = _by_month(sa.select(month, sa.func.count()).where(
        mine, GroupMember.joined_at >= start).group_by(month))
    rows, running = [], before
    for m in months:
        running += joins.get(_key(m), 0)
        rows.append(MonthRow(m, running))
    return rows, {m: joins.get(_key(m), 0) for m in months}


def active_members(group: Group, now: datetime) -> list[tuple[int, int]]:
    """How many of today's members posted in the category or answered an event, per span."""
    since = now - timedelta(days=max(ACTIVE_DAYS))
    members = sa.select(GroupMember.user_id).where(GroupMember.group_id == group.id)
    latest: dict[int, datetime] = {}
    statements = [
        sa.select(Rsvp.user_id, sa.func.max(Rsvp.answered_at))
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.group_id == group.id, Rsvp.answered_at >= since,
               Rsvp.user_id.in_(members)).group_by(Rsvp.user_id)]
    if group.category_id is not None:
        statements.append(
            sa.select(Post.author_id, sa.func.max(Post.created_at))
            .join(Topic, Topic.id == Post.topic_id)
            .where(Topic.category_id == group.category_id, Post.created_at >= since,
                   Post.deleted_at.is_(None), Post.author_id.in_(members))
            .group_by(Post.author_id))
    for statement in statements:
        for user_id, at in db.session.execute(statement):
            if user_id is not None and at is not None:
                latest[user_id] = max(at, latest.get(user_id, at))
    return [(days, sum(1 for at in latest.values() if at >= now - timedelta(days=days)))
            for days in ACTIVE_DAYS]


def events_and_attendance(group: Group, months: list[date], now: datetime):
    start = datetime.combine(months[0], datetime.min.time())
    month = _month_of(Event.starts_at)
    live = sa.and_(Event.group_id == group.id, Event.cancelled_at.is_(None),
                   Event.starts_at >= start)
    events = _by_month(sa.select(month, sa.func.count()).where(live).group_by(month))
    attendance = _by_month(
        sa.select(month, sa.func.count()).select_from(Rsvp)
        .join(Event, Event.id == Rsvp.event_id)
        .where(live, Event.ends_at < now, Rsvp.answer == Answer.YES).group_by(month))
    return ([MonthRow(m, events.get(_key(m), 0)) for m in months],
            [MonthRow(m, attendance.get(_key(m), 0)) for m in months])


def health_of(group: Group, now: datetime | None = None) -> Health:
    now = now or utcnow()
    months = months_until(now)
    members, joined = members_over_time(group, months)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
        GroupMember.group_id == group.id)) or 0
    events, attendance = events_and_attendance(group, months, now)
    return Health(members, joined, active_members(group, now), count, events, attendance)
