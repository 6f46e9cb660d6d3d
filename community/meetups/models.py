"""Events of groups: meetups online or in person, the members' answers (RSVPs) with the
waiting list, and the secret address of each member's calendar feed.

Times are stored in UTC (naive, as every timestamp here) with the event's IANA time zone
beside them: the page shows the time where the event happens, the .ics carries the zone,
and the reminders job compares UTC instants.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db, enum_column
from community.timeutil import utcnow


class EventKind(enum.Enum):
    ONLINE = "online"  # the link is shown to attendees only
    IN_PERSON = "in_person"  # a place


class Answer(enum.Enum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"
    WAITING = "waiting"  # said yes to a full event: promoted in order when a seat frees


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        # A group's upcoming and past events, and the reminders job's walk by start time.
        sa.Index("ix_events_group_start", "group_id", "starts_at"),
        sa.Index("ix_events_start", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="CASCADE"))
    organiser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"))
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_at: Mapped[datetime]  # UTC
    ends_at: Mapped[datetime]  # UTC
    timezone: Mapped[str] = mapped_column(sa.String(64))  # IANA name, e.g. Europe/Paris
    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    # Denormalized, recounted in the transaction of every RSVP change (never incremented).
    going_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    recap_md: Mapped[str] = mapped_column(sa.Text, default="")
    recap_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Reminders: set when sent (claimed by an UPDATE ... WHERE ... IS NULL, so two runs of
    # the job never send one twice); cleared when the start time moves.
    day_reminder_at: Mapped[datetime | None] = mapped_column()
    hour_reminder_at: Mapped[datetime | None] = mapped_column()
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: bumped on changes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_online(self) -> bool:
        return self.kind is EventKind.ONLINE


class Rsvp(db.Model):
    __tablename__ = "event_rsvps"
    __table_args__ = (
        # The waiting list in order, and the attendees of an event.
        sa.Index("ix_event_rsvps_event_answer", "event_id", "answer", "answered_at"),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "rsvp_answer"))
    # When the member last changed their answer: the waiting list's order.
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A member's calendar feed: the secret token of its address, kept as a hash. Renewing
    replaces it (the old address stops working); revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
