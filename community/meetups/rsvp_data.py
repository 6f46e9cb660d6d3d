"""The events' part of a member's data: their answers (RSVPs) and whether they have a calendar
feed, in the export; erased with the account (answers to events not ended go and their waiting
lists move up; answers to past events go too; the feed is deleted). The feed's token is never
exported: only its hash is stored, and the export says whether a feed exists."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import User
from community.extensions import db
from community.groups.models import Group
from community.meetups import events
from community.meetups.models import CalendarFeed, Event, Rsvp
from community.timeutil import iso


def rsvps_of(user: User) -> list[dict]:
    """The member's answers: the event, its group, the answer, when. (They answered, so they
    knew the group.)"""
    rows = db.session.execute(
        sa.select(Rsvp, Event, Group.name).join(Event, Event.id == Rsvp.event_id)
        .join(Group, Group.id == Event.group_id)
        .where(Rsvp.user_id == user.id).order_by(Event.starts_at, Event.id))
    return [{"event": event.title, "group": group_name, "answer": rsvp.answer.value,
             "answered_at": iso(rsvp.answered_at), "starts_at": iso(event.starts_at),
             "ends_at": iso(event.ends_at), "timezone": event.timezone,
             "cancelled": event.cancelled_at is not None}
            for rsvp, event, group_name in rows]


def calendar_feed_of(user: User) -> dict:
    feed = db.session.get(CalendarFeed, user.id)
    return {"exists": feed is not None, "created_at": iso(feed.created_at) if feed else None}


def erase(user: User) -> None:
    """On account deletion: the answers and the calendar feed go; a seat they held at an
    upcoming event goes to the first waiting."""
    events.forget_user(user.id)
    past = list(db.session.scalars(sa.select(Rsvp.event_id).where(Rsvp.user_id == user.id)
                                   .order_by(Rsvp.event_id)))
    db.session.execute(sa.delete(Rsvp).where(Rsvp.user_id == user.id))
    db.session.flush()
    for event_id in past:  # their counts follow (past events keep no waiting list to move)
        events.recount(events.lock(db.session.get(Event, event_id)))
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.flush()


def register() -> None:
    data.register_exporter("event_rsvps", rsvps_of)
    data.register_exporter("calendar_feed", calendar_feed_of)
    data.register_eraser("event_rsvps", erase)
