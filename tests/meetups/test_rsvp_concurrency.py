"""Answers at once through the app, on PostgreSQL (where transactions truly run together):
many members say yes to an event of capacity k at the same moment; exactly k go, the rest
wait, the counters are right, no request fails. Then the k going say no together: the
waiting list moves up in order."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.meetups.models import Answer, Event, Rsvp
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.meetups.test_events_support import make_event, make_group

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

CAPACITY = 4
PEOPLE = 12


def _run(workers) -> None:
    threads = [threading.Thread(target=work) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _clients(app, emails, event_id):
    clients = []
    for email in emails:
        client = app.test_client()
        assert login(client, email).status_code == 302
        token = hidden_fields(text(client.get(f"/events/{event_id}")))["csrf_token"]
        clients.append((client, token))
    return clients


def _all_at_once(clients, event_id, value) -> list[int]:
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(client, token):
        def work():
            start.wait()
            response = client.post(f"/events/{event_id}/rsvp",
                                   data={"csrf_token": token, "answer": value})
            statuses.append(response.status_code)
        return work

    _run([worker(client, token) for client, token in clients])
    return statuses


def test_many_yes_at_once_never_overfill_an_event(app):
    owner = make_user(app, "Olive", "olive@example.com")
    slug = make_group(app, owner.id)
    event_id = make_event(app, slug, owner.id, capacity=CAPACITY)
    emails = [f"p{n}@example.com" for n in range(PEOPLE)]
    ids = [make_user(app, f"P{n}", email).id for n, email in enumerate(emails)]
    clients = _clients(app, emails, event_id)
    statuses = _all_at_once(clients, event_id, "yes")
    assert len(statuses) == PEOPLE and all(status == 302 for status in statuses), statuses
    with app.app_context():
        rows = dict(db.session.execute(sa.select(Rsvp.user_id, Rsvp.answer).where(
            Rsvp.event_id == event_id)).all())
        assert set(rows) == set(ids)
        going = [uid for uid, a in rows.items() if a is Answer.YES]
        assert len(going) == CAPACITY
        assert sum(a is Answer.WAITING for a in rows.values()) == PEOPLE - CAPACITY
        event = db.session.get(Event, event_id)
        assert (event.going_count, event.waiting_count) == (CAPACITY, PEOPLE - CAPACITY)
        waiting = list(db.session.scalars(sa.select(Rsvp.user_id).where(
            Rsvp.event_id == event_id, Rsvp.answer == Answer.WAITING)
            .order_by(Rsvp.answered_at, Rsvp.user_id)))
    # The k going say no together: the first k waiting, in order, take their seats.
    going_clients = [clients[ids.index(uid)] for uid in going]
    statuses = _all_at_once(going_clients, event_id, "no")
    assert all(status == 302 for status in statuses), statuses
    with app.app_context():
        now_going = set(db.session.scalars(sa.select(Rsvp.user_id).where(
            Rsvp.event_id == event_id, Rsvp.answer == Answer.YES)))
        assert now_going == set(waiting[:CAPACITY])
        event = db.session.get(Event, event_id)
        assert (event.going_count, event.waiting_count) == (
            CAPACITY, PEOPLE - 2 * CAPACITY)
