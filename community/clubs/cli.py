"""``flask clubs ...``: create clubs and add members (a forum category may be kept to a club)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.accounts.models import User
from community.clubs import membership
from community.extensions import db

clubs_cli = AppGroup("clubs", help="Clubs and their members.")


@clubs_cli.command("create")
@click.argument("name")
@click.option("--slug")
def create(name, slug) -> None:
    """Create a club."""
    circle = membership.create(name, slug)
    db.session.commit()
    click.echo(f"Club {circle.slug} created.")


@clubs_cli.command("add-member")
@click.argument("slug")
@click.argument("handle")
@click.option("--organisation", default="", help="The member's organisation.")
def add_member(slug, handle, organisation) -> None:
    """Add a member (by handle) to a club."""
    circle = membership.find(slug)
    if circle is None:
        raise click.ClickException(f"No club with the slug {slug!r}.")
    user_id = db.session.scalar(sa.select(User.id).where(User.handle == handle))
    if user_id is None:
        raise click.ClickException(f"No member with the handle {handle!r}.")
    membership.add_member(circle, user_id, organisation=organisation)
    db.session.commit()
    click.echo(f"{handle} added to the club {slug}.")
