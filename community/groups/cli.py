"""``flask groups create NAME [--slug S] [--owner HANDLE] [--visibility public|private|secret]``
and ``flask groups add-member SLUG HANDLE [--role member|manager|owner]``.

A proper group has its discussion category, an owner and its member count: that is the meetups
domain's work (a layer above), which registers its ``create`` and ``add`` in the
``group_commands`` registry (``community/meetups/groups.py``: ``register_commands``). Without
it (an app without meetups), the bare circle is created and joined.

Limits: the slug is the name's (or ``--slug``, refused if taken); a group without ``--owner``
has no owner until one is named with ``add-member --role owner``; no trust level nor policy
is asked (the command line is the operator's).
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community import registry
from community.accounts.models import User
from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import GroupRole, GroupVisibility

groups_cli = AppGroup("groups", help="Groups and their members.")


def _user_id(handle: str) -> int | None:
    return db.session.scalar(sa.select(User.id).where(User.handle == handle))


def _found(handle: str) -> int:
    user_id = _user_id(handle)
    if user_id is None:
        raise click.ClickException(f"No member with the handle {handle!r}.")
    return user_id


@groups_cli.command("create", help="Create a group (with its category and owner).")
@click.argument("name")
@click.option("--slug")
@click.option("--owner", help="The handle of its first owner.")
@click.option("--visibility", type=click.Choice([v.value for v in GroupVisibility]),
              default=GroupVisibility.PUBLIC.value, show_default=True)
def create(name: str, slug: str | None, owner: str | None, visibility: str) -> None:
    owner_id = _found(owner) if owner else None
    make = registry.table("group_commands").get("create")
    if make is None:
        group = GROUPS.create(name, slug)
        if owner_id is not None:
            GROUPS.add(group, owner_id, role=GroupRole.OWNER)
    else:
        try:
            group = make(name, slug=slug, owner_id=owner_id,
                         visibility=GroupVisibility(visibility))
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Group {group.slug} created.")


@groups_cli.command("add-member", help="Add a member (by handle) to a group.")
@click.argument("slug")
@click.argument("handle")
@click.option("--role", type=click.Choice([r.value for r in GroupRole]),
              default=GroupRole.MEMBER.value, show_default=True)
def add_member(slug: str, handle: str, role: str) -> None:
    group = GROUPS.find(slug)
    if group is None:
        raise click.ClickException(f"No group with the slug {slug!r}.")
    user_id = _found(handle)
    add = registry.table("group_commands").get("add")
    if add is None:
        GROUPS.add(group, user_id, role=GroupRole(role))
    else:
        add(group, user_id, role=GroupRole(role))
    db.session.commit()
    click.echo(f"{handle} added to the group {slug}.")
