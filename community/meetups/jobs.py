"""The reminders as a scheduled job on Redis (RQ), when REDIS_URL is set.

``flask events worker`` runs an RQ worker on the EVENTS_QUEUE queue inside the app (a
``SimpleWorker``: jobs run in the worker's process, with the app's context, no fork), with RQ's
scheduler on. ``flask events schedule`` puts the chain on the queue; each run, once done,
schedules the next one EVENTS_REMIND_EVERY_SECONDS later, and a pending marker in Redis keeps
the chain from doubling. Two runs at once would still send each reminder once (they are claimed
row by row, see ``reminders.py``). Without Redis, run ``flask events remind`` from cron every
few minutes.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from community.extensions import db
from community.timeutil import utcnow


def queue():
    from redis import Redis
    from rq import Queue

    url = current_app.config["REDIS_URL"]
    if not url:
        raise RuntimeError("REDIS_URL is not set: run `flask events remind` from cron instead")
    return Queue(current_app.config["EVENTS_QUEUE"], connection=Redis.from_url(url))


def _pending_key() -> str:
    return f"cercle:{current_app.config['EVENTS_QUEUE']}:pending:remind"


def schedule(delay: timedelta | None = None):
    """Queue the next run (now, or after ``delay``) unless one is already pending."""
    q = queue()
    expiry = int((delay or timedelta(0)).total_seconds()) + 3600
    if not q.connection.set(_pending_key(), "1", nx=True, ex=expiry):
        return None
    if delay:
        return q.enqueue_in(delay, run_remind)
    return q.enqueue(run_remind)


def run_remind() -> dict:
    """The job: the reminders due now, committed, then the next run scheduled."""
    from community.meetups import reminders

    every = current_app.config["EVENTS_REMIND_EVERY_SECONDS"]
    q = queue()
    q.connection.delete(_pending_key())
    try:
        sent = reminders.send_due(utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        if every > 0:
            schedule(timedelta(seconds=every))
    return sent


def work(burst: bool = False) -> bool:
    """Run a worker on the events queue in this process (``flask events worker``)."""
    from rq import SimpleWorker

    q = queue()
    worker = SimpleWorker([q], connection=q.connection)
    return worker.work(burst=burst, with_scheduler=True)
