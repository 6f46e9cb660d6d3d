"""Events of groups: creating, editing and cancelling them (the group's managers), the members'
answers (yes, maybe, no) with the waiting list, and the recap of a past event.

Rules (``community/groups/access.py`` says who sees what):

- An event belongs to a group: whoever sees the group's inside sees its events (a public
  group's events are public; a private or secret group's are for its members and staff). Of a
  group the reader may not see inside, an event does not exist (404).
- Managers and owners of the group (admins too) create, edit and cancel its events and write
  the recap; the creator is the organiser.
- Who may answer: a verified member, signed in, who may see the group's inside; for a private
  or secret group, a member of the group (staff who are not members watch, they do not attend).
- Times are entered as a local date and time in an IANA time zone, stored in UTC. A local time
  that does not exist (the hour skipped when clocks go forward) is refused; so is one that
  happens twice (the hour repeated when clocks go back): the organiser is asked to pick a time
  outside it, rather than us guessing which of the two they meant.
- Capacity: a "yes" to a full event puts the member on the waiting list (in the order of their
  answers); when a seat frees (a "yes" becomes "maybe" or "no", a member is removed or deletes
  their account, the capacity grows), the first waiting are promoted to "yes" and told. The
  event's row is locked while answers change (``SELECT … FOR UPDATE``; on SQLite every writer
  holds the database's write lock, see ``community/database.py``), and the counters are
  recounted in the same transaction: two answers at once never overfill an event.
- The online link is shown to those who said yes and to the managers, nobody else.
- A past event keeps its answers (they no longer change once it ended) and takes a recap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import Group, GroupMember, GroupVisibility
from community.meetups import notices_events as notices
from community.meetups.models import Answer, Event, EventKind, Rsvp
from community.refusals import Refused
from community.text import render_markdown
from community.timeutil import utcnow

MAX_CAPACITY = 100_000
MAX_DURATION = timedelta(days=31)
YEARS_AHEAD = 5  # an event starts at most this many years from now
ATTENDING = (Answer.YES, Answer.MAYBE, Answer.WAITING)  # told of changes and cancellation
REMINDED = (Answer.YES, Answer.MAYBE)

# The zones offered first in the form; every other IANA zone follows, sorted.
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
    "Europe/Brussels", "Europe/Zurich", "Europe/Lisbon", "Europe/Warsaw", "Europe/Athens",
    "Africa/Casablanca", "Africa/Lagos", "Africa/Johannesburg", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Montreal", "America/Mexico_City", "America/Sao_Paulo", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney",
    "Pacific/Auckland",
)


def all_zones() -> list[str]:
    """The zones of the form's select: the common ones, then every other, sorted."""
    known = available_timezones()
    common = [zone for zone in COMMON_ZONES if zone in known]
    return common + sorted(known - set(common) - {"localtime", "Factory"})


def valid_zone(name: str | None) -> bool:
    if not name or len(name) > 64 or name in ("localtime", "Factory"):
        return False
    return name in available_timezones()


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ---- time ----

def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` -> naive UTC. Refuses an unknown zone, a local time that
    does not exist there (skipped when clocks go forward) or happens twice (clocks go back)."""
    if not valid_zone(zone):
        raise Refused("events.bad_zone", 422)
    now = utcnow()
    if not now.year - 1 <= local.year <= now.year + YEARS_AHEAD:
        raise Refused("events.too_far", 422, years=YEARS_AHEAD)
    tz = ZoneInfo(zone)
    local = local.replace(tzinfo=None, second=0, microsecond=0)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    shown = _stamp(local)
    if first.utcoffset() != second.utcoffset():
        # Either a gap (the wall-clock time never shows) or a fold (it shows twice).
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != local:
            raise Refused("events.time_skipped", 422, time=shown, zone=zone)
        raise Refused("events.time_twice", 422, time=shown, zone=zone)
    return first.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(moment: datetime, zone: str) -> datetime:
    """A stored (naive UTC) time as an aware datetime in ``zone``."""
    return moment.replace(tzinfo=UTC).astimezone(zone_of(zone))


def _stamp(local: datetime) -> str:
    return local.strftime("%Y-%m-%d %H:%M")


def when_text(event: Event) -> str:
    """"Sat 24 Oct 2026, 18:00 – Sun 25 Oct 2026, 12:00 (Europe/Paris)": in the event's zone,
    in the reader's language."""
    from babel.dates import format_datetime
    from flask_babel import get_locale

    locale = get_locale() or "en"
    start, end = local_start(event), local_end(event)
    pattern = "EEE d MMM y, HH:mm"
    first = format_datetime(start, pattern, tzinfo=start.tzinfo, locale=locale)
    last = format_datetime(end, "HH:mm" if start.date() == end.date() else pattern,
                           tzinfo=end.tzinfo, locale=locale)
    return f"{first} – {last} ({event.timezone.replace('_', ' ')})"


def local_start(event: Event) -> datetime:
    return utc_to_local(event.starts_at, event.timezone)


def local_end(event: Event) -> datetime:
    return utc_to_local(event.ends_at, event.timezone)


# ---- who may do what ----

def group_of(event: Event) -> Group:
    return db.session.get(Group, event.group_id)


def may_see(user: User | None, event: Event, group: Group | None = None) -> bool:
    """The event exists for this reader: they see the group's inside."""
    group = group or group_of(event)
    return group is not None and access.may_see_group(user, group) \
        and access.sees_inside(user, group)


def may_take_part(user: User | None, group: Group) -> bool:
    """Who may answer an event of the group (see the module's doc)."""
    if user is None or not user.is_authenticated or not user.is_verified:
        return False
    if group.visibility is GroupVisibility.PUBLIC or access.runs_groups(user):
        return True
    return access.is_member(user, group)


def manages(user: User | None, event: Event, group: Group | None = None) -> bool:
    return access.manages(user, group or group_of(event))


def has_ended(event: Event, now: datetime | None = None) -> bool:
    return event.ends_at <= (now or utcnow())


def has_started(event: Event, now: datetime | None = None) -> bool:
    return event.starts_at <= (now or utcnow())


def sees_link(user: User | None, event: Event, group: Group | None = None) -> bool:
    """The online link: to those who said yes, and to the group's managers."""
    if not event.is_online or user is None or not user.is_authenticated:
        return False
    if manages(user, event, group):
        return True
    answer = answer_of(user, event)
    return answer is Answer.YES


def answer_of(user: User | None, event: Event) -> Answer | None:
    if user is None or not user.is_authenticated:
        return None
    rsvp = db.session.get(Rsvp, (event.id, user.id))
    return rsvp.answer if rsvp is not None else None


def _require_manager(actor: User, group: Group) -> None:
    if not access.manages(actor, group):
        raise Refused("events.managers_only")


# ---- checking what the organiser entered ----

def check_url(url: str) -> str:
    """An http(s) address with a host, no spaces or control characters; refused otherwise."""
    url = (url or "").strip()
    if not url:
        raise Refused("events.url_needed", 422)
    if len(url) > 500 or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise Refused("events.bad_url", 422)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise Refused("events.bad_url", 422) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise Refused("events.bad_url", 422)
    return url


@dataclass
class Details:
    """What the organiser enters, as the form gives it."""

    title: str
    description: str
    kind: EventKind
    online_url: str
    place: str
    starts_local: datetime
    ends_local: datetime
    timezone: str
    capacity: int | None


def _checked(details: Details) -> tuple[datetime, datetime, str, str]:
    """(start UTC, end UTC, url, place) once every rule holds."""
    title = (details.title or "").strip()
    if not title:
        raise Refused("events.title_needed", 422)
    if len(title) > 160:
        raise Refused("events.title_too_long", 422, max=160)
    if details.capacity is not None and not 0 < details.capacity <= MAX_CAPACITY:
        raise Refused("events.bad_capacity", 422, max=MAX_CAPACITY)
    if details.kind is EventKind.ONLINE:
        url, place = check_url(details.online_url), ""
    else:
        url, place = "", (details.place or "").strip()
        if not place:
            raise Refused("events.place_needed", 422)
        if len(place) > 300:
            raise Refused("events.place_too_long", 422, max=300)
    starts = local_to_utc(details.starts_local, details.timezone)
    ends = local_to_utc(details.ends_local, details.timezone)
    if ends <= starts:
        raise Refused("events.ends_before_start", 422)
    if ends - starts > MAX_DURATION:
        raise Refused("events.too_long", 422, days=MAX_DURATION.days)
    return starts, ends, url, place


# ---- creating, editing, cancelling ----

def create_event(actor: User, group: Group, details: Details) -> Event:
    """A new event of the group, organised by the actor (a manager of the group)."""
    _require_manager(actor, group)
    starts, ends, url, place = _checked(details)
    if starts <= utcnow():
        raise Refused("events.starts_in_past", 422)
    now = utcnow()
    event = Event(group_id=group.id, organiser_id=actor.id, title=details.title.strip(),
                  description_md=details.description or "",
                  description_html=render_markdown(details.description or ""),
                  kind=details.kind, online_url=url, place=place, starts_at=starts,
                  ends_at=ends, timezone=details.timezone, capacity=details.capacity,
                  going_count=0, waiting_count=0, sequence=0, created_at=now, updated_at=now)
    db.session.add(event)
    db.session.flush()
    return event


def lock(event: Event) -> Event:
    """The event's row locked for this transaction, and the object refreshed from it."""
    locked = db.session.scalars(sa.select(Event).where(Event.id == event.id)
                                .with_for_update().execution_options(populate_existing=True))
    return locked.one()


def update_event(actor: User, event: Event, details: Details) -> bool:
    """Managers change an event (not once cancelled or ended). A new start clears the
    reminders already sent; a change of time or place bumps the calendar's SEQUENCE and is
    told to those attending. Returns whether the time or place changed."""
    group = group_of(event)
    _require_manager(actor, group)
    event = lock(event)
    if event.cancelled_at is not None:
        raise Refused("events.cancelled", 409)
    if has_ended(event):
        raise Refused("events.ended", 409)
    starts, ends, url, place = _checked(details)
    if starts != event.starts_at and starts <= utcnow():
        raise Refused("events.starts_in_past", 422)
    moved = (starts, ends, details.kind, url, place) != (
        event.starts_at, event.ends_at, event.kind, event.online_url, event.place)
    if starts != event.starts_at:
        event.day_reminder_at = event.hour_reminder_at = None
    event.title = details.title.strip()
    event.description_md = details.description or ""
    event.description_html = render_markdown(event.description_md)
    event.kind, event.online_url, event.place = details.kind, url, place
    event.starts_at, event.ends_at, event.timezone = starts, ends, details.timezone
    event.capacity = details.capacity
    event.sequence += 1
    event.updated_at = utcnow()
    db.session.flush()
    promoted = _promote(event)
    _recount(event)
    if moved:
        notices.tell_changed(event, _attending_ids(event, exclude=set(promoted) | {actor.id}))
    return moved


def cancel_event(actor: User, event: Event) -> None:
    """Managers cancel an event that has not ended; those attending are told."""
    group = group_of(event)
    _require_manager(actor, group)
    event = lock(event)
    if event.cancelled_at is not None:
        raise Refused("events.cancelled", 409)
    if has_ended(event):
        raise Refused("events.ended", 409)
    event.cancelled_at = event.updated_at = utcnow()
    event.sequence += 1
    db.session.flush()
    notices.tell_cancelled(event, _attending_ids(event, exclude={actor.id}))


def set_recap(actor: User, event: Event, text: str) -> None:
    """Managers write the recap of an event that has ended (sanitized Markdown)."""
    _require_manager(actor, group_of(event))
    if event.cancelled_at is not None:
        raise Refused("events.cancelled", 409)
    if not has_ended(event):
        raise Refused("events.recap_after_end", 409)
    event.recap_md = text or ""
    event.recap_html = render_markdown(event.recap_md)
    event.updated_at = utcnow()
    db.session.flush()


# ---- answers and the waiting list ----

def _count(event: Event, answer: Answer) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(
        Rsvp.event_id == event.id, Rsvp.answer == answer)) or 0


def recount(event: Event) -> None:
    """The event's going and waiting counts recounted (its row locked by the caller)."""
    _recount(event)


def _recount(event: Event) -> None:
    event.going_count = _count(event, Answer.YES)
    event.waiting_count = _count(event, Answer.WAITING)
    db.session.flush()


def _waiting_order():
    return (Rsvp.answered_at, Rsvp.user_id)


def _promote(event: Event) -> list[int]:
    """Fill the free seats from the waiting list, in order; the promoted are told. The
    event's row must be locked. Returns the promoted members' ids."""
    if event.cancelled_at is not None or has_ended(event):
        return []
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - _count(event, Answer.YES)
        if free <= 0:
            return []
    query = sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.answer == Answer.WAITING) \
        .order_by(*_waiting_order())
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for rsvp in promoted:
        rsvp.answer = Answer.YES  # answered_at stays: when they asked
    db.session.flush()
    ids = [rsvp.user_id for rsvp in promoted]
    if ids:
        notices.tell_promoted(event, ids)
    return ids


def answer(actor: User, event: Event, wanted: Answer) -> Answer:
    """The actor answers yes, maybe or no; "yes" to a full event (or while others wait)
    means waiting. Returns the answer recorded."""
    if wanted is Answer.WAITING:
        raise Refused("events.bad_answer", 422)
    group = group_of(event)
    if not may_see(actor, event, group):
        raise Refused("events.not_found", 404)
    if not may_take_part(actor, group):
        raise Refused("events.members_only")
    event = lock(event)
    if event.cancelled_at is not None:
        raise Refused("events.cancelled", 409)
    if has_ended(event):
        raise Refused("events.ended", 409)
    rsvp = db.session.get(Rsvp, (event.id, actor.id), populate_existing=True)
    before = rsvp.answer if rsvp is not None else None
    if wanted is Answer.YES:
        if before in (Answer.YES, Answer.WAITING):
            return before
        full = event.capacity is not None and (
            _count(event, Answer.YES) >= event.capacity or _count(event, Answer.WAITING) > 0)
        recorded = Answer.WAITING if full else Answer.YES
    else:
        recorded = wanted
    if before is recorded:
        return recorded
    if rsvp is None:
        rsvp = Rsvp(event_id=event.id, user_id=actor.id, answer=recorded, answered_at=utcnow())
        db.session.add(rsvp)
    else:
        rsvp.answer, rsvp.answered_at = recorded, utcnow()
    db.session.flush()
    _promote(event)
    _recount(event)
    return db.session.get(Rsvp, (event.id, actor.id)).answer


def _drop(event: Event, user_id: int) -> None:
    """Take a member's answer away from a locked event that has not ended; seats freed go
    to the waiting list."""
    db.session.execute(sa.delete(Rsvp).where(Rsvp.event_id == event.id,
                                             Rsvp.user_id == user_id))
    db.session.flush()
    _promote(event)
    _recount(event)


def forget_member(group: Group, user_id: int) -> int:
    """A member left or was removed from a private or secret group: their answers to its
    events that have not ended go (past events keep their attendees); the waiting lists move
    up. (A public group's events stay open to them as to anyone.) For the groups' service to
    call in the transaction of the removal. Returns how many answers went."""
    if group.visibility is GroupVisibility.PUBLIC:
        return 0
    return _forget(user_id, Event.group_id == group.id)


def forget_outsiders(group: Group) -> int:
    """A public group made private or secret: the answers its non-members gave to its events
    that have not ended go (they no longer see those events), the waiting lists move up. For
    the groups' service to call in the transaction of the change. Returns how many went."""
    if group.visibility is GroupVisibility.PUBLIC:
        return 0
    now = utcnow()
    members = sa.select(GroupMember.user_id).where(GroupMember.group_id == group.id)
    rows = list(db.session.execute(
        sa.select(Rsvp.event_id, Rsvp.user_id).join(Event, Event.id == Rsvp.event_id)
        .where(Event.group_id == group.id, Event.ends_at > now, Rsvp.user_id.not_in(members))
        .order_by(Rsvp.event_id, Rsvp.user_id)))
    by_event: dict[int, list[int]] = {}
    for event_id, user_id in rows:
        by_event.setdefault(event_id, []).append(user_id)
    for event_id, user_ids in by_event.items():
        event = lock(db.session.get(Event, event_id))
        db.session.execute(sa.delete(Rsvp).where(Rsvp.event_id == event.id,
                                                 Rsvp.user_id.in_(user_ids)))
        db.session.flush()
        _promote(event)
        _recount(event)
    return len(rows)


def forget_user(user_id: int) -> int:
    """An account deleted: its answers to events not ended go, the waiting lists move up."""
    return _forget(user_id, sa.true())


def _forget(user_id: int, condition) -> int:
    now = utcnow()
    event_ids = list(db.session.scalars(
        sa.select(Rsvp.event_id).join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.user_id == user_id, Event.ends_at > now, condition)
        .order_by(Rsvp.event_id)))
    for event_id in event_ids:
        _drop(lock(db.session.get(Event, event_id)), user_id)
    return len(event_ids)


def _attending_ids(event: Event, exclude: set[int] = frozenset()) -> list[int]:
    ids = db.session.scalars(sa.select(Rsvp.user_id).where(
        Rsvp.event_id == event.id, Rsvp.answer.in_(ATTENDING)))
    return [i for i in ids if i not in exclude]


# ---- reading ----

def find(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def upcoming_for(group: Group, reader: User | None, limit: int = 3) -> list[Event]:
    """The group's next events (not cancelled, not ended), for its page: none for a reader who
    does not see the group's inside."""
    if not access.sees_inside(reader, group):
        return []
    return list(db.session.scalars(
        sa.select(Event).where(Event.group_id == group.id, Event.ends_at > utcnow(),
                               Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id).limit(limit)))


def events_of(group: Group, *, past: bool, limit: int = 50) -> list[Event]:
    """The group's upcoming events (soonest first, cancelled ones included) or past ones
    (latest first)."""
    now = utcnow()
    if past:
        query = sa.select(Event).where(Event.group_id == group.id, Event.ends_at <= now) \
            .order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = sa.select(Event).where(Event.group_id == group.id, Event.ends_at > now) \
            .order_by(Event.starts_at, Event.id)
    return list(db.session.scalars(query.limit(limit)))


def attendees(event: Event) -> dict[Answer, list[User]]:
    """Who answered, by answer; the waiting list in its order. Deleted accounts left out."""
    rows = db.session.execute(
        sa.select(Rsvp.answer, User).join(User, User.id == Rsvp.user_id)
        .where(Rsvp.event_id == event.id, User.deleted_at.is_(None))
        .order_by(Rsvp.answer, *_waiting_order()))
    found: dict[Answer, list[User]] = {answer: [] for answer in Answer}
    for answer_, user in rows:
        found[answer_].append(user)
    return found


def waiting_position(event: Event, user: User | None) -> int | None:
    """The reader's place on the waiting list (1 = next), or None if not waiting."""
    if user is None or not user.is_authenticated:
        return None
    mine = db.session.get(Rsvp, (event.id, user.id))
    if mine is None or mine.answer is not Answer.WAITING:
        return None
    ahead = db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(
        Rsvp.event_id == event.id, Rsvp.answer == Answer.WAITING,
        sa.or_(Rsvp.answered_at < mine.answered_at,
               sa.and_(Rsvp.answered_at == mine.answered_at, Rsvp.user_id < mine.user_id))))
    return (ahead or 0) + 1

