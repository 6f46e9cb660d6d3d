"""Uploaded images checked and re-encoded, or refused with nothing kept: the one implementation
behind club logos and group covers (each domain chooses its limits, its box and its codes).

What is refused, each with the code ``<prefix><reason>`` (the caller registers the messages):

- ``empty``: an empty file; ``too_large``: one over ``max_bytes`` (checked before decoding; the
  request as a whole is kept within ``MAX_CONTENT_LENGTH`` by the app), with ``max`` in MB;
- ``type``: anything that Pillow does not decode as PNG, JPEG, WebP or GIF: the type is the
  decoded format, never the file's name nor the Content-Type it was sent with;
- ``pixels``: an image declaring more than ``max_pixels`` pixels (a decompression bomb: tiny on
  disk, huge once decoded), judged from its header before any pixel is decoded; Pillow's own
  bomb warning and error are refusals too; ``max`` in megapixels;
- ``damaged``: a truncated or damaged file (Pillow fails to decode every pixel).

What is kept: the first frame, turned upright from its EXIF orientation, converted to RGB (or
RGBA when it has transparency), shrunk to fit the box, and written as a new PNG from its pixels
alone: no EXIF, ICC profile or text chunk survives.
"""

from __future__ import annotations

import io
import secrets
import warnings

import sqlalchemy as sa
from flask_babel import format_decimal
from PIL import Image, ImageOps, UnidentifiedImageError

from community.extensions import db
from community.refusals import Refused
from community.timeutil import utcnow

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")  # the decoders Pillow may try, by the file's content
# A phone camera's JPEG holding several pictures opens (through the JPEG decoder) as "MPO".
ACCEPTED = (*FORMATS, "MPO")
VERSIONS = 2**31 - 1  # image versions live in 32-bit integer columns


def _refuse_size(data: bytes, max_bytes: int, prefix: str) -> None:
    if not data:
        raise Refused(prefix + "empty", 422)
    if len(data) > max_bytes:
        raise Refused(prefix + "too_large", 422, max=format_decimal(max_bytes / 2**20))


def _decoded(image: Image.Image, max_pixels: int, box: tuple[int, int],
             prefix: str) -> Image.Image:
    """The first frame's pixels, decoded (raises if truncated), upright, in RGB or RGBA."""
    if image.format not in ACCEPTED:
        raise Refused(prefix + "type", 422)
    width, height = image.size
    if width * height > max_pixels:
        raise Refused(prefix + "pixels", 422, max=max_pixels // 1_000_000)
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (box[0] * 2, box[1] * 2))  # decode big JPEGs at a fraction
    image.load()
    upright = ImageOps.exif_transpose(image)
    alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    if upright.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        upright = upright.convert("I").point(lambda v: v / 256).convert("L")
    return upright.convert("RGBA" if alpha else "RGB")


def reencode(data: bytes, *, max_bytes: int, max_pixels: int, box: tuple[int, int],
             prefix: str) -> bytes:
    """The image as a clean PNG fitting ``box`` (width, height), or ``Refused(prefix + reason)``
    (see the module's rules)."""
    _refuse_size(data, max_bytes, prefix)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                pixels = _decoded(image, max_pixels, box, prefix)
        except UnidentifiedImageError:
            raise Refused(prefix + "type", 422) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(prefix + "pixels", 422, max=max_pixels // 1_000_000) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError,
                MemoryError):
            raise Refused(prefix + "damaged", 422) from None
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # pixels, no metadata
    clean.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def next_version(current: int) -> int:
    """A new random version for an image's address (1 to 2**31 - 1, never ``current``): a
    count would restart after a removal and hand out an address a browser may hold cached
    with the old image; two draws meet once in two billion."""
    while (version := secrets.randbelow(VERSIONS) + 1) == current:
        pass
    return version


def store(owner, version_field: str, picture_model, png: bytes, **key) -> None:
    """Keep ``png`` as ``owner``'s picture (a club's logo, a group's cover, a member's avatar):
    lock the owner's row first (two uploads at once replace the picture one after the other),
    give it a new ``version_field`` (the picture's address changes, so it may be cached),
    then insert or replace its row of ``picture_model`` (whose key is ``key``)."""
    table = owner.__class__  # not type(): the owner may be current_user, a proxy
    db.session.execute(sa.select(table.id).where(table.id == owner.id).with_for_update())
    db.session.refresh(owner, [version_field])
    setattr(owner, version_field, next_version(getattr(owner, version_field)))
    stored = db.session.get(picture_model, owner.id)
    if stored is None:
        db.session.add(picture_model(**key, data=png, mimetype="image/png"))
    else:
        stored.data, stored.mimetype, stored.updated_at = png, "image/png", utcnow()
    db.session.flush()


def png_response(data: bytes, max_age: int, *, shared: bool, immutable: bool = True):
    """A stored picture as the HTTP answer: PNG, cached ``max_age`` seconds (its address
    carries its version), ``shared`` caches allowed only for what anyone may see."""
    from flask import Response

    response = Response(data, mimetype="image/png")
    response.cache_control.max_age = max_age
    response.cache_control.immutable = immutable
    if shared:
        response.cache_control.public = True
    else:
        response.cache_control.private = True  # never kept by a shared cache
    return response
