"""``flask reviews ...``: counters."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.extensions import db

reviews_cli = AppGroup("reviews", help="Product reviews maintenance.")


@reviews_cli.command("recount")
def reviews_recount() -> None:
    """Set every review's helpful count from its marks (they must already agree)."""
    from community.reviews.service import recount_helpful

    changed = recount_helpful()
    db.session.commit()
    click.echo(f"{changed} reviews corrected.")
