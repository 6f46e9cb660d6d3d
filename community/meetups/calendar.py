"""Events as iCalendar (RFC 5545, through the ``icalendar`` library): the .ics of one event and
each member's calendar feed at a secret address.

- Each event is a VEVENT with a stable UID (``event-<id>@<host>``), its start and end in the
  event's time zone (TZID, with the VTIMEZONE it needs), its SEQUENCE (bumped on every change,
  so calendars replace their copy) and STATUS:CANCELLED once cancelled. The online link is the
  LOCATION only for a reader who may see it (those who said yes, the managers); anyone else
  gets the event's page.
- The feed: ``/calendar/<token>.ics``, the token drawn from ``secrets`` and kept only as its
  SHA-256. Renewing replaces it (the old address stops working), revoking deletes it. It lists
  the events the member answered yes, maybe or is waiting for, in groups whose inside they may
  still see (a member who left a private or secret group no longer gets its events). An
  unknown token is a plain 404.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, timedelta

import icalendar
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import Group, GroupMember, GroupRole
from community.meetups import events as events_service
from community.meetups.models import Answer, CalendarFeed, Event, Rsvp
from community.text import plain_text
from community.timeutil import utcnow

FEED_PAST_DAYS = 90  # the feed keeps events that ended this recently
FEED_LIMIT = 500
TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- the feed's token ----

def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def renew_feed(user: User) -> str:
    """A new secret address for the member's feed (the previous one, if any, stops working);
    the token is returned once and never stored in clear."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, user.id, with_for_update=True)
    if feed is None:
        try:
            with db.session.begin_nested():
                db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token),
                                            created_at=utcnow()))
                db.session.flush()
            return token
        except IntegrityError:  # the same member's other request created it meanwhile
            feed = db.session.get(CalendarFeed, user.id, with_for_update=True,
                                  populate_existing=True)
    feed.token_hash, feed.created_at = _hash(token), utcnow()
    db.session.flush()
    return token


def revoke_feed(user: User) -> bool:
    return bool(db.session.execute(sa.delete(CalendarFeed).where(
        CalendarFeed.user_id == user.id)).rowcount)


def user_by_token(token: str) -> User | None:
    """The member whose feed this token opens, or None (unknown, revoked; an account deleted
    or suspended, as the roadmap's feeds need an active account)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token), User.deleted_at.is_(None),
               User.suspended_at.is_(None)))


def feed_events(user: User) -> list[Event]:
    """The member's events for the feed: answered yes, maybe or waiting, in groups whose
    inside they still see, not ended more than FEED_PAST_DAYS ago."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    return list(db.session.scalars(
        sa.select(Event).join(Rsvp, Rsvp.event_id == Event.id)
        .join(Group, Group.id == Event.group_id)
        .where(Rsvp.user_id == user.id,
               Rsvp.answer.in_([Answer.YES, Answer.MAYBE, Answer.WAITING]),
               Event.ends_at > since, access.inside_groups(user))
        .order_by(Event.starts_at, Event.id).limit(FEED_LIMIT)))


# ---- iCalendar ----

def _vevent(event: Event, group: Group, shows_link: bool, host: str) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.id}@{host}")
    vevent.add("dtstamp", event.updated_at.replace(tzinfo=UTC))
    vevent.add("dtstart", events_service.local_start(event))
    vevent.add("dtend", events_service.local_end(event))
    vevent.add("summary", event.title)
    page = url_for("events.show", event_id=event.id, _external=True)
    description = plain_text(event.description_html)
    vevent.add("description", f"{group.name}\n\n{description}\n\n{page}".strip())
    if event.is_online:
        if shows_link:
            vevent.add("location", event.online_url)
        else:
            vevent.add("location", page)
    else:
        vevent.add("location", event.place)
    vevent.add("url", page)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled_at is not None else "CONFIRMED")
    return vevent


def _links_for(reader: User | None, events: list[Event], groups: dict[int, Group]) -> set[int]:
    """The online events whose link the reader may see (said yes, or manages the group): two
    queries at most, however many events and groups."""
    online = [e for e in events if e.is_online]
    if not online or reader is None or not reader.is_authenticated:
        return set()
    going = set(db.session.scalars(sa.select(Rsvp.event_id).where(
        Rsvp.user_id == reader.id, Rsvp.answer == Answer.YES,
        Rsvp.event_id.in_([e.id for e in online]))))
    group_ids = {e.group_id for e in online}
    if access.runs_groups(reader):
        managed = group_ids
    else:  # access.manages, for every group at once
        managed = set(db.session.scalars(sa.select(GroupMember.group_id).where(
            GroupMember.user_id == reader.id, GroupMember.group_id.in_(group_ids),
            GroupMember.role.in_([GroupRole.MANAGER, GroupRole.OWNER]))))
    return {e.id for e in online if e.id in going or e.group_id in managed}


def calendar(events: Iterable[Event], reader: User | None, host: str, name: str) -> bytes:
    """An iCalendar file of these events, as ``reader`` may see them."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Cercle//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    events = list(events)
    groups = {g.id: g for g in db.session.scalars(sa.select(Group).where(
        Group.id.in_({e.group_id for e in events})))} if events else {}
    links = _links_for(reader, events, groups)
    for event in events:
        cal.add_component(_vevent(event, groups[event.group_id], event.id in links, host))
    cal.add_missing_timezones()
    return cal.to_ical()
