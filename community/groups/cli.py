"""``flask groups create NAME`` and ``flask groups add-member SLUG HANDLE``."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.circles import command_group
from community.extensions import db
from community.groups.membership import GROUPS


def _user_id(handle: str) -> int | None:
    return db.session.scalar(sa.select(User.id).where(User.handle == handle))


groups_cli = command_group(GROUPS, "Groups and their members.", _user_id, ())
