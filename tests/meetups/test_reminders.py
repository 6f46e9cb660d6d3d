"""Reminders of events on SQLite and PostgreSQL: a day and an hour before, to those who said
yes or maybe, each once (a second run sends nothing; two claims of one reminder, one wins), at
the right instant; a late run skips the day reminder in the last hour; none for a cancelled or
past event; a new start time re-arms them; the ``flask events remind`` command."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from community.extensions import db
from community.meetups import reminders
from community.meetups.models import Event
from community.timeutil import utcnow
from tests.clock import travel
from tests.meetups.test_events_support import (
    MEMBER,
    answer,
    kinds_of,
    make_event,
    make_group,
    people,
    shown_to,
)

START = datetime(2027, 3, 10, 17, 0)  # UTC


def _setup(app, **event_fields):
    users = people(app, "olive", "mia", "otto", "nina", "wes")
    slug = make_group(app, users["olive"].id, members=[
        (users[n].id, MEMBER) for n in ("mia", "otto", "nina", "wes")])
    with travel() as set_now:
        set_now(START - timedelta(days=10))
        event_id = make_event(app, slug, users["olive"].id, starts=START, capacity=2,
                              **event_fields)
        answer(app, event_id, users["mia"].id, "yes")
        answer(app, event_id, users["otto"].id, "maybe")
        answer(app, event_id, users["nina"].id, "no")
        answer(app, event_id, users["olive"].id, "yes")
        answer(app, event_id, users["wes"].id, "yes")  # waiting: no reminder
    return users, event_id


def _run(app, now: datetime) -> dict:
    with app.app_context():
        sent = reminders.send_due(now)
        db.session.commit()
        return sent


def test_the_day_then_the_hour_reminder_each_once_at_the_right_instant(app):
    users, _event_id = _setup(app)
    assert _run(app, START - timedelta(hours=24, seconds=1)) == {"day": 0, "hour": 0}
    assert _run(app, START - timedelta(hours=24)) == {"day": 3, "hour": 0}
    assert _run(app, START - timedelta(hours=24)) == {"day": 0, "hour": 0}
    assert _run(app, START - timedelta(hours=5)) == {"day": 0, "hour": 0}
    assert _run(app, START - timedelta(hours=1, seconds=1)) == {"day": 0, "hour": 0}
    assert _run(app, START - timedelta(hours=1)) == {"day": 0, "hour": 3}
    assert _run(app, START - timedelta(minutes=30)) == {"day": 0, "hour": 0}
    assert _run(app, START + timedelta(minutes=1)) == {"day": 0, "hour": 0}
    for name in ("mia", "otto", "olive"):
        assert kinds_of(app, users[name].id) == ["event_reminder_day", "event_reminder_hour"]
    assert kinds_of(app, users["nina"].id) == []
    assert kinds_of(app, users["wes"].id) == []
    with travel() as set_now:
        set_now(START - timedelta(minutes=30))
        assert shown_to(app, users["mia"].id) == ["In an hour: Lyon meetup (Lyon Users).",
                                                  "Tomorrow: Lyon meetup (Lyon Users)."]


def test_a_late_run_sends_only_the_hour_reminder(app):
    users, event_id = _setup(app)
    assert _run(app, START - timedelta(minutes=50)) == {"day": 0, "hour": 3}
    assert _run(app, START - timedelta(minutes=40)) == {"day": 0, "hour": 0}
    assert kinds_of(app, users["mia"].id) == ["event_reminder_hour"]
    with app.app_context():
        assert db.session.get(Event, event_id).day_reminder_at is None


def test_a_cancelled_or_past_event_gets_no_reminder(app):
    users, event_id = _setup(app)
    with app.app_context():
        db.session.get(Event, event_id).cancelled_at = START - timedelta(days=2)
        db.session.commit()
    assert _run(app, START - timedelta(hours=20)) == {"day": 0, "hour": 0}
    assert _run(app, START - timedelta(minutes=20)) == {"day": 0, "hour": 0}
    assert _run(app, START + timedelta(hours=1)) == {"day": 0, "hour": 0}
    assert kinds_of(app, users["mia"].id) == []


def test_a_reminder_claimed_twice_is_sent_once(app):
    _users, event_id = _setup(app)
    now = START - timedelta(hours=12)
    with app.app_context():
        assert reminders._claim(event_id, Event.day_reminder_at, now)
        assert not reminders._claim(event_id, Event.day_reminder_at, now)
        db.session.commit()
    assert _run(app, now) == {"day": 0, "hour": 0}


def test_moving_the_start_re_arms_the_reminders(app):
    users, event_id = _setup(app)
    _run(app, START - timedelta(hours=20))
    from community.accounts.models import User
    from community.meetups import events
    with travel() as set_now:
        set_now(START - timedelta(hours=20))
        with app.app_context():
            event = db.session.get(Event, event_id)
            details = events.Details(
                title=event.title, description="", kind=event.kind, online_url="",
                place=event.place, starts_local=datetime(2027, 3, 12, 18, 0),
                ends_local=datetime(2027, 3, 12, 20, 0), timezone="Europe/Paris",
                capacity=2)
            assert events.update_event(db.session.get(User, users["olive"].id), event,
                                       details)
            db.session.commit()
            event = db.session.get(Event, event_id)
            assert event.day_reminder_at is None and event.hour_reminder_at is None
            assert event.starts_at == datetime(2027, 3, 12, 17, 0)
    new_start = datetime(2027, 3, 12, 17, 0)
    assert _run(app, new_start - timedelta(hours=23))["day"] == 3
    assert kinds_of(app, users["mia"].id) == [
        "event_reminder_day", "event_changed", "event_reminder_day"]


def test_a_reminder_hidden_once_the_reader_left_a_private_group(app):
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, "Hidden", "private",
                      members=[(users["mia"].id, MEMBER)])
    event_id = make_event(app, slug, users["olive"].id, starts=utcnow() + timedelta(hours=3))
    answer(app, event_id, users["mia"].id, "yes")
    assert _run(app, utcnow())["day"] == 1
    assert shown_to(app, users["mia"].id) == ["Tomorrow: Lyon meetup (Hidden)."]
    from community.groups.membership import GROUPS
    with app.app_context():
        GROUPS.remove(GROUPS.find(slug), users["mia"].id)
        db.session.commit()
    assert shown_to(app, users["mia"].id) == []


def test_the_remind_command(app):
    users, _event_id = _setup(app)
    with travel() as set_now:
        set_now(START - timedelta(hours=3))
        result = app.test_cli_runner().invoke(args=["events", "remind"])
        assert result.exit_code == 0, result.output
        assert "3 a day before, 0 an hour before" in result.output
        result = app.test_cli_runner().invoke(args=["events", "remind"])
        assert "0 a day before, 0 an hour before" in result.output
    assert kinds_of(app, users["mia"].id) == ["event_reminder_day"]
    result = app.test_cli_runner().invoke(args=["events", "schedule"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def test_the_reminders_run_as_a_scheduled_job_on_redis(make_app):
    import uuid

    from tests.requirements import REDIS_URL, redis_problem, require

    require(redis_problem() is None, redis_problem() or "")
    app = make_app(REDIS_URL=REDIS_URL, EVENTS_QUEUE=f"cercle-events-test-{uuid.uuid4().hex}",
                   EVENTS_REMIND_EVERY_SECONDS=3600)
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, members=[(users["mia"].id, MEMBER)])
    event_id = make_event(app, slug, users["olive"].id, starts=utcnow() + timedelta(hours=5))
    answer(app, event_id, users["mia"].id, "yes")
    runner = app.test_cli_runner()
    try:
        first = runner.invoke(args=["events", "schedule"])
        assert "Reminders job queued." in first.output, first.output
        again = runner.invoke(args=["events", "schedule"])
        assert "already pending" in again.output
        worked = runner.invoke(args=["events", "worker", "--burst"])
        assert worked.exit_code == 0, worked.output
        assert kinds_of(app, users["mia"].id) == ["event_reminder_day"]
        with app.app_context():
            from rq.registry import ScheduledJobRegistry

            from community.meetups import jobs

            assert ScheduledJobRegistry(queue=jobs.queue()).count == 1  # the next run
    finally:
        with app.app_context():
            from community.meetups import jobs

            queue = jobs.queue()
            keys = queue.connection.keys(f"*{app.config['EVENTS_QUEUE']}*")
            if keys:
                queue.connection.delete(*keys)


def test_without_redis_the_worker_says_what_to_do(app):
    result = app.test_cli_runner().invoke(args=["events", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output
