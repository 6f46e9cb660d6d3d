"""``flask trust purge``: the door's records, idle sessions and the activity log, past their
retention. ``flask trust scan``: the detectors over the activity log, findings turned into
flags (docs/TRUST.md); ``flask trust schedule`` and ``flask trust worker``: the same as a
scheduled RQ job when REDIS_URL is set."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from community.extensions import db

trust_cli = AppGroup("trust", help="Trust and safety maintenance.")


@trust_cli.command("purge")
def trust_purge() -> None:
    """Delete signup records older than SIGNUP_RECORD_RETENTION_DAYS, sessions unused for
    longer than REMEMBER_DAYS (the log-in already refuses them), and activity-log rows older
    than ACTIVITY_RETENTION_DAYS."""
    from community.accounts import activity
    from community.accounts.sessions import purge_idle_sessions
    from community.trust.service import purge_signup_records

    count = purge_signup_records(current_app.config["SIGNUP_RECORD_RETENTION_DAYS"])
    idle = purge_idle_sessions()
    logged = activity.purge(current_app.config["ACTIVITY_RETENTION_DAYS"])
    db.session.commit()
    click.echo(f"{count} signup records purged.")
    click.echo(f"{idle} idle sessions purged.")
    click.echo(f"{logged} activity log rows purged.")


@trust_cli.command("levels")
def trust_levels() -> None:
    """Recompute every member's trust level (docs/TRUST.md; locked levels stay), reweighing
    the votes and reviews of those whose level moved."""
    from community.trust.leveling import recompute_batch

    last, seen, moved = 0, 0, 0
    while last is not None:
        last, batch_seen, batch_moved = recompute_batch(last)
        db.session.commit()
        seen, moved = seen + batch_seen, moved + batch_moved
    click.echo(f"{seen} members seen, {moved} levels changed.")


@trust_cli.command("scan")
@click.option("--full", is_flag=True, help="Read everything, not only what changed since "
              "the last scan.")
@click.option("--partition", default="0/1", show_default=True,
              help="k/n: flag only the subjects of part k of n (several workers share a scan).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def trust_scan(full: bool, partition: str, quiet: bool) -> None:
    """Run every detector and open or refresh one flag per suspicious subject. Resolves
    nothing: moderators decide."""
    from tqdm import tqdm

    from community.trust import scan

    try:
        part = scan.Partition.parse(partition)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--partition") from None
    steps = ["reading what changed", "reading events", "review_behaviour", "burst",
             "impossible_testimonial", "co_voting_ring", "sockpuppets", "near_duplicate",
             "opening flags"]
    with tqdm(total=len(steps), disable=quiet, unit="step", leave=False) as bar:
        def progress(step: str) -> None:
            bar.set_description(step)
            bar.update(1)

        result = scan.scan(full=full, partition=part, progress=progress)
        bar.update(bar.total - bar.n)
    db.session.commit()
    run = result.run
    click.echo(f"{run.kind.value} scan of part {run.part}: {run.events} events, "
               f"{run.findings} findings, {run.flags_opened} flags opened, "
               f"{run.flags_refreshed} refreshed.")


@trust_cli.command("schedule")
@click.option("--partitions", default=1, show_default=True, type=click.IntRange(1, 64),
              help="How many partitions share the scan (one chain of jobs each).")
def trust_schedule(partitions: int) -> None:
    """Queue the scan as a recurring RQ job (needs REDIS_URL; run `flask trust worker`)."""
    from community.trust import jobs

    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: run `flask trust scan` from cron.")
    for index in range(partitions):
        queued = jobs.schedule(f"{index}/{partitions}")
        state = "queued" if queued is not None else "already pending"
        click.echo(f"scan of part {index}/{partitions}: {state}.")


@trust_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
def trust_worker(burst: bool) -> None:
    """Run the trust scans queued on Redis (an RQ worker with its scheduler)."""
    from community.trust import jobs

    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: run `flask trust scan` from cron.")
    jobs.work(burst=burst)
