"""``flask notify digest``: the daily e-mail digests."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from community.extensions import db

notify_cli = AppGroup("notify", help="Notifications.")


@notify_cli.command("digest")
def notify_digest() -> None:
    """Send the daily e-mail digests (run once a day from cron or a job queue)."""
    from community.notify.service import send_daily_digests

    # Links in e-mails need the site's address, which a command has no request to learn from.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = send_daily_digests()
    db.session.commit()
    click.echo(f"{sent} digests sent.")
