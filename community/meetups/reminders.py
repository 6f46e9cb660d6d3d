"""Reminders of events, a day and an hour before, to those who said yes or maybe, through the
notifications (``event_reminder_day``, ``event_reminder_hour``).

``send_due(now)`` is the scheduled job's work (``flask events remind`` from cron, or the RQ
chain of ``jobs.py``). Each reminder is sent once: it is claimed by an
``UPDATE events SET day_reminder_at = now WHERE id = … AND day_reminder_at IS NULL``, and only
the run whose update changed the row sends it, so two runs at once never send it twice. A run
that comes late does not send the day reminder within the last hour before the start (only the
hour reminder then). Cancelled and past events get none. Moving an event's start clears both
markers (``events.update_event``), so the reminders follow the new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from community.extensions import db
from community.meetups import notices_events as notices
from community.meetups.events import REMINDED
from community.meetups.models import Event, Rsvp

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


def _claim(event_id: int, column, now: datetime) -> bool:
    """Mark the reminder sent; True only for the one run whose update changed the row."""
    result = db.session.execute(
        sa.update(Event).where(Event.id == event_id, column.is_(None),
                               Event.cancelled_at.is_(None))
        .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _recipients(event_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Rsvp.user_id).where(
        Rsvp.event_id == event_id, Rsvp.answer.in_(REMINDED)).order_by(Rsvp.user_id)))


def _due(column, after: datetime, until: datetime) -> list[int]:
    return list(db.session.scalars(sa.select(Event.id).where(
        column.is_(None), Event.cancelled_at.is_(None),
        Event.starts_at > after, Event.starts_at <= until).order_by(Event.starts_at, Event.id)))


def send_due(now: datetime) -> dict[str, int]:
    """Send the reminders due at ``now`` (naive UTC): the day reminder of events starting in
    more than an hour and at most a day, the hour reminder of those starting within the hour.
    Flushes; the caller commits. Returns how many notifications of each kind were written."""
    sent = {"day": 0, "hour": 0}
    for event_id in _due(Event.hour_reminder_at, now, now + HOUR):
        if _claim(event_id, Event.hour_reminder_at, now):
            event = db.session.get(Event, event_id)
            sent["hour"] += notices.tell_reminder(event, _recipients(event_id), day=False)
    for event_id in _due(Event.day_reminder_at, now + HOUR, now + DAY):
        if _claim(event_id, Event.day_reminder_at, now):
            event = db.session.get(Event, event_id)
            sent["day"] += notices.tell_reminder(event, _recipients(event_id), day=True)
    db.session.flush()
    return sent
