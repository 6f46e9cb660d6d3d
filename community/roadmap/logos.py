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

import io
import secrets
import warnings

import sqlalchemy as sa
from flask_babel import format_decimal
from PIL import Image, ImageOps, UnidentifiedImageError

from community.accounts.models import User
from community.clubs.models import Club, ClubLogo, ClubRole
from community.extensions import db
from community.refusals import Refused
from community.roadmap import clubs
from community.timeutil import utcnow

MAX_BYTES = 1024 * 1024  # 1 MiB: a logo needs far less; within MAX_CONTENT_LENGTH (2 MiB)
MAX_PIXELS = 20_000_000  # 20 megapixels declared by the header, before decoding
SIZE = 256
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")  # the decoders Pillow may try, by the file's content
# A phone camera's JPEG holding several pictures opens (through the JPEG decoder) as "MPO".
ACCEPTED = (*FORMATS, "MPO")
_VERSIONS = 2**31 - 1  # the column is a 32-bit integer


def _refuse_size(data: bytes) -> None:
    if not data:
        raise Refused("roadmap.logo_empty", 422)
    if len(data) > MAX_BYTES:
        raise Refused("roadmap.logo_too_large", 422, max=format_decimal(MAX_BYTES / 2**20))


def _decoded(image: Image.Image) -> Image.Image:
    """The first frame's pixels, decoded (raises if truncated), upright, in RGB or RGBA."""
    if image.format not in ACCEPTED:
        raise Refused("roadmap.logo_type", 422)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Refused("roadmap.logo_pixels", 422, max=MAX_PIXELS // 1_000_000)
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (SIZE * 2, SIZE * 2))  # decode big JPEGs at a fraction of the size
    image.load()
    upright = ImageOps.exif_transpose(image)
    alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    if upright.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        upright = upright.convert("I").point(lambda v: v / 256).convert("L")
    return upright.convert("RGBA" if alpha else "RGB")


def reencode(data: bytes) -> bytes:
    """The logo as a clean PNG of at most SIZE x SIZE, or a refusal (see the module's rules)."""
    _refuse_size(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                pixels = _decoded(image)
        except UnidentifiedImageError:
            raise Refused("roadmap.logo_type", 422) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("roadmap.logo_pixels", 422, max=MAX_PIXELS // 1_000_000) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError,
                MemoryError):
            raise Refused("roadmap.logo_damaged", 422) from None
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # pixels, no metadata
    clean.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _next_version(club: Club) -> int:
    while (version := secrets.randbelow(_VERSIONS) + 1) == club.logo_version:
        pass
    return version


def set_logo(actor: User, club: Club, data: bytes) -> None:
    """Managers and owners replace the club's logo; a refusal stores nothing."""
    clubs.require_role(actor, club, ClubRole.MANAGER)
    png = reencode(data)
    # Lock the club's row first: two uploads at once replace the logo one after the other.
    db.session.execute(sa.select(Club.id).where(Club.id == club.id).with_for_update())
    db.session.refresh(club)
    club.logo_version = _next_version(club)
    logo = db.session.get(ClubLogo, club.id)
    if logo is None:
        db.session.add(ClubLogo(club_id=club.id, data=png, mimetype="image/png"))
    else:
        logo.data, logo.mimetype, logo.updated_at = png, "image/png", utcnow()
    db.session.flush()


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
