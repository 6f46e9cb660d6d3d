"""The scan as a scheduled job on Redis (RQ), when REDIS_URL is set.

``flask trust worker`` runs an RQ worker on the TRUST_QUEUE queue inside the app (a
``SimpleWorker``: jobs run in the worker's process, with the app's context and database pool,
no fork), with RQ's scheduler on. ``flask trust schedule [--partitions n]`` puts one chain of
scans per partition on the queue; each scan, once done, schedules the next one
TRUST_SCAN_EVERY_SECONDS later, and a pending marker in Redis keeps a chain from doubling.
Workers on several hosts share the queue; a partition's scans never overlap (the next is
scheduled only when the previous one is done). Without Redis, run ``flask trust scan`` from cron.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from community.extensions import db


def queue():
    from redis import Redis
    from rq import Queue

    url = current_app.config["REDIS_URL"]
    if not url:
        raise RuntimeError("REDIS_URL is not set: run `flask trust scan` from cron instead")
    return Queue(current_app.config["TRUST_QUEUE"], connection=Redis.from_url(url))


def _pending_key(partition: str) -> str:
    return f"cercle:{current_app.config['TRUST_QUEUE']}:pending:{partition}"


def schedule(partition: str = "0/1", delay: timedelta | None = None):
    """Queue the next scan of ``partition`` (now, or after ``delay``) unless one is already
    pending: a Redis key set only if absent marks the pending scan, and the scan clears it
    when it starts, so each partition has one chain however often this is called."""
    q = queue()
    expiry = int((delay or timedelta(0)).total_seconds()) + 3600
    if not q.connection.set(_pending_key(partition), "1", nx=True, ex=expiry):
        return None
    if delay:
        return q.enqueue_in(delay, run_scan, partition)
    return q.enqueue(run_scan, partition)


def run_scan(partition: str = "0/1", full: bool = False) -> dict:
    """The job: one scan, committed, then the next one scheduled. Runs in the worker's app
    context (``flask trust worker``)."""
    from community.trust import scan

    every = current_app.config["TRUST_SCAN_EVERY_SECONDS"]
    q = queue()
    q.connection.delete(_pending_key(partition))
    try:
        result = scan.scan(full=full, partition=scan.Partition.parse(partition))
        summary = {"kind": result.run.kind.value, "findings": result.run.findings,
                   "opened": result.run.flags_opened, "refreshed": result.run.flags_refreshed}
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        if every > 0:
            schedule(partition, timedelta(seconds=every))
    return summary


def work(burst: bool = False) -> bool:
    """Run a worker on the trust queue in this process (``flask trust worker``)."""
    from rq import SimpleWorker

    q = queue()
    worker = SimpleWorker([q], connection=q.connection)
    return worker.work(burst=burst, with_scheduler=True)
