"""Group covers: an uploaded image checked and re-encoded by ``community/images.py`` (type
from the content, size, decompression bombs, damaged files; metadata stripped; the first
frame of a GIF) into a wide PNG fitting ``WIDTH`` x ``HEIGHT``, stored in ``GroupCover``; a
refusal stores nothing. Owners replace or remove it.

The cover's address carries ``Group.cover_version`` so it is cached for a year; each upload
draws a new random version (as club logos do), removal sets it to 0 (no cover).
"""

from __future__ import annotations

import sqlalchemy as sa

from community import images
from community.accounts.models import User
from community.extensions import db
from community.groups.models import Group, GroupCover, GroupRole
from community.meetups import groups

MAX_BYTES = 1536 * 1024  # 1.5 MiB: within MAX_CONTENT_LENGTH (2 MiB)
MAX_PIXELS = 40_000_000
WIDTH, HEIGHT = 1200, 400


def reencode(data: bytes) -> bytes:
    return images.reencode(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS,
                           box=(WIDTH, HEIGHT), prefix="groups.cover_")


def set_cover(actor: User, group: Group, data: bytes) -> None:
    groups.require_role(actor, group, GroupRole.OWNER)
    images.store(group, "cover_version", GroupCover, reencode(data), group_id=group.id)


def remove_cover(actor: User, group: Group) -> None:
    groups.require_role(actor, group, GroupRole.OWNER)
    db.session.execute(sa.delete(GroupCover).where(GroupCover.group_id == group.id))
    group.cover_version = 0
    db.session.flush()


def cover_of(group: Group, version: int) -> bytes | None:
    if group.cover_version <= 0 or version != group.cover_version:
        return None
    return db.session.scalar(sa.select(GroupCover.data).where(GroupCover.group_id == group.id))
