"""The members' answers as data, on SQLite and PostgreSQL: exported (never the calendar
token), erased with the account (a seat held at an upcoming event goes to the first waiting,
past events keep nothing of them), and a group membership removed through the service."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import User
from community.extensions import db
from community.meetups import calendar
from community.meetups.models import Answer, CalendarFeed, Event, Rsvp
from community.timeutil import utcnow
from tests.meetups.test_events_support import (
    MEMBER,
    answer,
    answers,
    get_event,
    kinds_of,
    make_event,
    make_group,
    people,
)


def test_the_export_lists_answers_and_says_whether_a_feed_exists(app):
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, members=[(users["mia"].id, MEMBER)])
    event_id = make_event(app, slug, users["olive"].id, title="Picnic", capacity=1)
    other_id = make_event(app, slug, users["olive"].id, title="Hike")
    answer(app, event_id, users["olive"].id, "yes")
    answer(app, event_id, users["mia"].id, "yes")  # waiting
    answer(app, other_id, users["mia"].id, "maybe")
    with app.test_request_context():
        mia = db.session.get(User, users["mia"].id)
        document = data.export_member_data(mia)
        assert document["calendar_feed"] == {"exists": False, "created_at": None}
        token = calendar.renew_feed(mia)
        db.session.commit()
        document = data.export_member_data(mia)
    assert document["calendar_feed"]["exists"] is True
    assert token not in repr(document)
    with app.app_context():
        assert db.session.get(CalendarFeed, users["mia"].id).token_hash not in repr(document)
    rows = {row["event"]: row for row in document["event_rsvps"]}
    assert rows["Picnic"]["answer"] == "waiting" and rows["Hike"]["answer"] == "maybe"
    assert rows["Picnic"]["group"] == "Lyon Users"
    assert rows["Picnic"]["timezone"] == "Europe/Paris"
    assert rows["Picnic"]["starts_at"].endswith("Z") and rows["Picnic"]["answered_at"]


def test_deleting_an_account_erases_answers_and_promotes_the_waiting(app):
    users = people(app, "olive", "mia", "otto")
    slug = make_group(app, users["olive"].id)
    upcoming = make_event(app, slug, users["olive"].id, capacity=1)
    past = make_event(app, slug, users["olive"].id, starts=utcnow() - timedelta(days=3))
    answer(app, upcoming, users["mia"].id, "yes")
    answer(app, upcoming, users["otto"].id, "yes")  # waiting
    with app.app_context():
        db.session.add(Rsvp(event_id=past, user_id=users["mia"].id,
                            answer=Answer.YES, answered_at=utcnow() - timedelta(days=4)))
        db.session.commit()
    with app.test_request_context():
        mia = db.session.get(User, users["mia"].id)
        calendar.renew_feed(mia)
        db.session.commit()
        data.delete_account(mia)
        db.session.commit()
    assert answers(app, upcoming) == {users["otto"].id: "yes"}
    assert answers(app, past) == {}
    assert kinds_of(app, users["otto"].id) == ["event_promoted"]
    event = get_event(app, upcoming)
    assert (event.going_count, event.waiting_count) == (1, 0)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2


def test_an_unlimited_event_counts_everyone_going(app):
    users = people(app, "olive", "mia", "otto")
    slug = make_group(app, users["olive"].id)
    event_id = make_event(app, slug, users["olive"].id)
    for name in ("olive", "mia", "otto"):
        assert answer(app, event_id, users[name].id, "yes") == "yes"
    assert get_event(app, event_id).going_count == 3
    answer(app, event_id, users["otto"].id, "yes")  # again: nothing changes
    assert get_event(app, event_id).going_count == 3
