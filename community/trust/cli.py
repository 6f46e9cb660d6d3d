"""``flask trust purge``: the door's records and idle sessions, past their retention."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from community.extensions import db

trust_cli = AppGroup("trust", help="Trust and safety maintenance.")


@trust_cli.command("purge")
def trust_purge() -> None:
    """Delete signup records older than SIGNUP_RECORD_RETENTION_DAYS, and sessions unused for
    longer than REMEMBER_DAYS (the log-in already refuses them)."""
    from community.accounts.sessions import purge_idle_sessions
    from community.trust.service import purge_signup_records

    count = purge_signup_records(current_app.config["SIGNUP_RECORD_RETENTION_DAYS"])
    idle = purge_idle_sessions()
    db.session.commit()
    click.echo(f"{count} signup records purged.")
    click.echo(f"{idle} idle sessions purged.")
