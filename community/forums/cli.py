"""``flask forums ...``: categories (``flask groups`` and ``flask clubs`` make the groups and
clubs a category may be kept to)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import admin
from community.groups.membership import GROUPS as groups

forums_cli = AppGroup("forums", help="Forum categories.")


def _found(circles, kind: str, slug: str | None):
    if not slug:
        return None
    found = circles.find(slug)
    if found is None:
        raise click.ClickException(f"No {kind} with the slug {slug!r}.")
    return found


@forums_cli.command("add-category")
@click.argument("name")
@click.option("--slug")
@click.option("--description", default="")
@click.option("--colour", default="#3b6ea5")
@click.option("--position", default=0, type=int)
@click.option("--group", "group_slug", help="Only this group's members see it.")
@click.option("--club", "club_slug", help="Only this club's members see it.")
@click.option("--staff-only", is_flag=True, help="Only the staff see it.")
def add_category(name, slug, description, colour, position, group_slug, club_slug,
                 staff_only) -> None:
    """Add a forum category (open to all unless restricted)."""
    try:
        category = admin.create_category(
            name, slug=slug, description=description, colour=colour, position=position,
            group=_found(groups, "group", group_slug),
            club=_found(clubs, "club", club_slug), staff_only=staff_only)
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Category {category.slug} added.")
