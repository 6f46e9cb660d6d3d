"""Club logos: an uploaded image checked, re-encoded and stored, or refused with nothing stored.

What is refused, each with its message:

- an empty file, or one over ``MAX_BYTES`` (checked before decoding; the request as a whole is
  kept within ``MAX_CONTENT_LENGTH`` by the app);
- anything that Pillow does not decode as PNG, JPEG, WebP or GIF: the type is the decoded
  format, never the file's name nor the Content-Type it was sent with (text named ``.png``
  is refused; a PNG named ``.jpg`` is a PNG);
- an image declaring more than ``MAX_PIXELS`` pixels (a decompression bomb: tiny on disk, huge
  once decoded), judged from its header before any pixel is decoded; Pillow's own bomb
  warning and error are refusals too;
- a truncated or damaged file (Pillow fails to decode every pixel).

What is kept: the first frame, turned upright from its EXIF orientation, converted to RGB (or
RGBA when it has transparency), shrunk to fit ``SIZE`` x ``SIZE``, and written as a new PNG
from its pixels alone: no EXIF, ICC profile or text chunk survives.

The logo's address carries ``Club.logo_version`` so it can be cached for a year; removing the
logo sets it to 0 (no logo). Each upload draws a new random version (1 to 2**31 - 1, never the
current one) rather than adding one: a count would restart after a removal and hand out an
address a browser may hold cached with the old logo; two draws meet once in two billion.
"""

from __future__ import annotations

import sqlalchemy as sa

from community import images
from community.accounts.models import User
from community.clubs.models import Club, ClubLogo, ClubRole
from community.extensions import db
from community.roadmap import clubs

MAX_BYTES = 1024 * 1024  # 1 MiB: a logo needs far less; within MAX_CONTENT_LENGTH (2 MiB)
MAX_PIXELS = 20_000_000  # 20 megapixels declared by the header, before decoding
SIZE = 256


def reencode(data: bytes) -> bytes:
    """The logo as a clean PNG of at most SIZE x SIZE, or a refusal (community/images.py)."""
    return images.reencode(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, box=(SIZE, SIZE),
                           prefix="roadmap.logo_")


def set_logo(actor: User, club: Club, data: bytes) -> None:
    """Managers and owners replace the club's logo; a refusal stores nothing."""
    clubs.require_role(actor, club, ClubRole.MANAGER)
    images.store(club, "logo_version", ClubLogo, reencode(data), club_id=club.id)


def remove_logo(actor: User, club: Club) -> None:
    clubs.require_role(actor, club, ClubRole.MANAGER)
    db.session.execute(sa.delete(ClubLogo).where(ClubLogo.club_id == club.id))
    club.logo_version = 0
    db.session.flush()


def logo_of(club: Club, version: int) -> bytes | None:
    """The logo's PNG at this version, or None (no logo, or an address from before)."""
    if club.logo_version <= 0 or version != club.logo_version:
        return None
    return db.session.scalar(sa.select(ClubLogo.data).where(ClubLogo.club_id == club.id))
