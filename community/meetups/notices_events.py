"""What events tell their members: a reminder a day and an hour before (``event_reminder_day``,
``event_reminder_hour``, to those who said yes or maybe), a seat freed for someone waiting
(``event_promoted``), a change of time or place (``event_changed``) and a cancellation
(``event_cancelled``, to those who said yes or maybe and those waiting).

A notification keeps the event's id as its subject (``"event"``); the title and the group are
read when it is shown, so a renamed event shows its title now. A reader who may no longer see
the group's inside (a private or secret group they left) no longer sees what was said about its
events; a reminder or a promotion of an event cancelled since is hidden too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import Group
from community.meetups.models import Event
from community.notify import service as notify_service
from community.notify.models import Notification

SUBJECT = "event"
KINDS = ("event_reminder_day", "event_reminder_hour", "event_promoted", "event_changed",
         "event_cancelled")


def _tell(kind: str, event: Event, user_ids: Iterable[int]) -> int:
    return notify_service.notify(list(user_ids), kind, SUBJECT, event.id)


def tell_promoted(event: Event, user_ids: Iterable[int]) -> int:
    return _tell("event_promoted", event, user_ids)


def tell_changed(event: Event, user_ids: Iterable[int]) -> int:
    return _tell("event_changed", event, user_ids)


def tell_cancelled(event: Event, user_ids: Iterable[int]) -> int:
    return _tell("event_cancelled", event, user_ids)


def tell_reminder(event: Event, user_ids: Iterable[int], *, day: bool) -> int:
    return _tell("event_reminder_day" if day else "event_reminder_hour", event, user_ids)


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The events' notifications worded now: one query, however many rows."""
    mine = [n for n in notifications if n.subject_type == SUBJECT]
    event_ids = {n.subject_id for n in mine}
    if not event_ids:
        return {}
    rows = db.session.execute(
        sa.select(Event, Group.name).join(Group, Group.id == Event.group_id)
        .where(Event.id.in_(event_ids), access.inside_groups(reader)))
    events = {event.id: (event, group_name) for event, group_name in rows}
    words = {}
    for notification in mine:
        found = events.get(notification.subject_id)
        if found is None:
            continue  # gone, or the reader no longer sees the group's inside
        event, group_name = found
        cancelled = event.cancelled_at is not None
        params = {"event": event.title, "group": group_name}
        if notification.kind == "event_cancelled":
            text = _("%(event)s (%(group)s) is cancelled.", **params)
        elif cancelled:
            continue  # a reminder, promotion or change of an event cancelled since
        elif notification.kind == "event_reminder_day":
            text = _("Tomorrow: %(event)s (%(group)s).", **params)
        elif notification.kind == "event_reminder_hour":
            text = _("In an hour: %(event)s (%(group)s).", **params)
        elif notification.kind == "event_promoted":
            text = _("A seat freed up: you are going to %(event)s (%(group)s).", **params)
        else:
            text = _("%(event)s (%(group)s) changed its time or place.", **params)
        words[notification.id] = notify_service.Shown(
            text, url_for("events.show", event_id=event.id))
    return words


def register() -> None:
    """Word the events' kinds of notification."""
    notify_service.register_kinds(KINDS, shown)
