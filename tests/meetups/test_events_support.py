"""Helpers for the events' tests (no tests here): people and groups, events put straight in the
database (past ones too), answers through the service, and readers of what is stored."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.groups.membership import GROUPS
from community.meetups import events
from community.meetups.models import Answer, Event, EventKind, Rsvp
from community.notify import service as notify_service
from community.notify.models import Notification
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.meetups.factories import MANAGER, MEMBER, OWNER, make_group  # noqa: F401


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def people(app, *names: str) -> dict[str, User]:
    return {name: make_user(app, name.title(), f"{name}@example.com") for name in names}


def make_event(app, slug: str, organiser_id: int, *, title="Lyon meetup",
               starts: datetime | None = None, hours: float = 2, capacity: int | None = None,
               online: bool = False, zone="Europe/Paris", url="https://meet.example.com/r/42",
               place="12 rue de la Paix, Lyon", **fields) -> int:
    """An event straight in the database (no rule checked: past ones too); its id."""
    starts = (starts or utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)
    with app.app_context():
        group = GROUPS.find(slug)
        event = Event(group_id=group.id, organiser_id=organiser_id, title=title,
                      description_md="Come **along**.", description_html="<p>Come <strong>"
                      "along</strong>.</p>",
                      kind=EventKind.ONLINE if online else EventKind.IN_PERSON,
                      online_url=url if online else "", place="" if online else place,
                      starts_at=starts, ends_at=starts + timedelta(hours=hours), timezone=zone,
                      capacity=capacity, going_count=0, waiting_count=0, sequence=0,
                      created_at=utcnow(), updated_at=utcnow(), **fields)
        db.session.add(event)
        db.session.commit()
        return event.id


def answer(app, event_id: int, user_id: int, value: str) -> str:
    with app.app_context():
        recorded = events.answer(db.session.get(User, user_id), db.session.get(Event, event_id),
                                 Answer(value))
        db.session.commit()
        return recorded.value


def answers(app, event_id: int) -> dict[int, str]:
    with app.app_context():
        return {uid: a.value for uid, a in db.session.execute(
            sa.select(Rsvp.user_id, Rsvp.answer).where(Rsvp.event_id == event_id))}


def get_event(app, event_id: int) -> Event:
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.expunge(event)
        return event


def kinds_of(app, user_id: int) -> list[str]:
    """The kinds of the notifications written for this member, oldest first."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == user_id).order_by(Notification.id)))


def shown_to(app, user_id: int) -> list[str]:
    with app.test_request_context():
        return [s.text for _n, s in notify_service.recent(db.session.get(User, user_id))]
