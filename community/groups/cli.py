"""``flask groups ...``: create groups and add members (a category may be kept to a group)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.accounts.models import User
from community.extensions import db
from community.groups import membership

groups_cli = AppGroup("groups", help="Groups and their members.")


@groups_cli.command("create")
@click.argument("name")
@click.option("--slug")
def create(name, slug) -> None:
    """Create a group."""
    circle = membership.create(name, slug)
    db.session.commit()
    click.echo(f"Group {circle.slug} created.")


@groups_cli.command("add-member")
@click.argument("slug")
@click.argument("handle")
def add_member(slug, handle) -> None:
    """Add a member (by handle) to a group."""
    circle = membership.find(slug)
    if circle is None:
        raise click.ClickException(f"No group with the slug {slug!r}.")
    user_id = db.session.scalar(sa.select(User.id).where(User.handle == handle))
    if user_id is None:
        raise click.ClickException(f"No member with the handle {handle!r}.")
    membership.add_member(circle, user_id)
    db.session.commit()
    click.echo(f"{handle} added to the group {slug}.")
