"""``flask demo seed``: demo members, only in CERCLE_ENV=demo."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.extensions import db

demo = AppGroup("demo", help="Demo data (only in CERCLE_ENV=demo).")


@demo.command("seed")
def demo_seed() -> None:
    """Fill a demo site with demo members; refused (and logged) outside CERCLE_ENV=demo."""
    from community.demo.seed import DemoRefused, seed_demo

    try:
        created = seed_demo()
    except DemoRefused as refusal:
        db.session.commit()  # keep the TrustEvent that records the refusal
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    click.echo(f"{len(created)} demo members created.")
