"""``flask forums ...``: categories, and the groups and clubs that may own one."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.accounts.models import User
from community.clubs.models import Club
from community.extensions import db
from community.forums import admin
from community.groups.models import Group

forums_cli = AppGroup("forums", help="Forum categories, groups and clubs.")


def _found(model, slug: str | None):
    if not slug:
        return None
    found = admin.find(model, slug)
    if found is None:
        raise click.ClickException(f"No {model.__tablename__[:-1]} with the slug {slug!r}.")
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
            group=_found(Group, group_slug), club=_found(Club, club_slug), staff_only=staff_only)
    except ValueError as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Category {category.slug} added.")


@forums_cli.command("add-group")
@click.argument("name")
@click.option("--slug")
def add_group(name, slug) -> None:
    """Add a group (a category may be kept to its members)."""
    group = admin.create_group(name, slug)
    db.session.commit()
    click.echo(f"Group {group.slug} added.")


@forums_cli.command("add-club")
@click.argument("name")
@click.option("--slug")
def add_club(name, slug) -> None:
    """Add a user club (a category may be kept to its members)."""
    club = admin.create_club(name, slug)
    db.session.commit()
    click.echo(f"Club {club.slug} added.")


@forums_cli.command("add-member")
@click.argument("kind", type=click.Choice(["group", "club"]))
@click.argument("slug")
@click.argument("handle")
@click.option("--organisation", default="", help="For clubs: the member's organisation.")
def add_member(kind, slug, handle, organisation) -> None:
    """Add a member (by handle) to a group or a club."""
    user = db.session.scalar(sa.select(User).where(User.handle == handle))
    if user is None:
        raise click.ClickException(f"No member with the handle {handle!r}.")
    if kind == "group":
        admin.add_to_group(_found(Group, slug), user)
    else:
        admin.add_to_club(_found(Club, slug), user, organisation)
    db.session.commit()
    click.echo(f"{handle} added to the {kind} {slug}.")
