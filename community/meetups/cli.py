"""``flask events``: the reminders of events, a day and an hour before.

- ``flask events remind``: send the reminders due now (run it from cron every few minutes;
  each reminder is sent once however often it runs).
- ``flask events schedule`` / ``flask events worker``: the same as a chain of RQ jobs, when
  REDIS_URL is set (``jobs.py``).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.extensions import db
from community.timeutil import utcnow

events_cli = AppGroup("events", help="Events: reminders.")


@events_cli.command("remind")
def remind() -> None:
    """Send the reminders due now (a day and an hour before each event)."""
    from community.meetups import reminders

    sent = reminders.send_due(utcnow())
    db.session.commit()
    click.echo(f"Reminders sent: {sent['day']} a day before, {sent['hour']} an hour before.")


@events_cli.command("schedule")
def schedule() -> None:
    """Put the reminders' chain of jobs on the Redis queue (needs REDIS_URL)."""
    from community.meetups import jobs

    try:
        job = jobs.schedule()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo("Reminders job queued." if job is not None else
               "A reminders job is already pending.")


@events_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the reminders (needs REDIS_URL)."""
    from community.meetups import jobs

    try:
        jobs.work(burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
