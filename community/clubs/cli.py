"""``flask clubs create NAME`` and ``flask clubs add-member SLUG HANDLE`` [--organisation ORG]."""

from __future__ import annotations

import click
import sqlalchemy as sa

from community.accounts.models import User
from community.circles import command_group
from community.clubs.membership import CLUBS
from community.extensions import db


def _user_id(handle: str) -> int | None:
    return db.session.scalar(sa.select(User.id).where(User.handle == handle))


clubs_cli = command_group(CLUBS, "Clubs and their members.", _user_id, [
    click.option("--organisation", default="", help="The member's organisation.")])
