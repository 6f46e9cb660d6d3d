"""Members' avatars: generated initials on a stable colour by default, or an uploaded picture.

**Initials** need no request and no storage: the ``member_avatar`` template global writes a
span whose class picks one of ``PALETTE``'s colours from the member's id (stable, and
neighbours differ) and whose ``data-initials`` the stylesheet shows (``static/css/people.css``:
the initials are drawn by CSS, so they add no words to the page's text, and the colours are
classes because the CSP forbids inline styles). Every colour passes WCAG AA (4.5:1) under
white initials.

**An uploaded picture** is checked and re-encoded by ``community/images.py`` (type from the
content, size, pixel count, damaged files; metadata stripped), cropped to its centre square and
shrunk to ``SIZE`` px, and kept in ``MemberAvatar``; a refusal stores nothing. Its address
carries ``User.avatar_version`` (a random draw per upload, 0 for none) so it is cached for a
year. The member removes it, their export includes it and account deletion erases it.
"""

from __future__ import annotations

import base64
import io

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from PIL import Image

from community import images
from community.accounts import data
from community.accounts.models import MemberAvatar, Role, User
from community.extensions import db
from community.refusals import Refused, register_messages
from community.timeutil import iso

MAX_BYTES = 1024 * 1024  # 1 MiB: within MAX_CONTENT_LENGTH (2 MiB)
MAX_PIXELS = 12_000_000  # decoding peaks near 50 MB, not 0.5 GB
SIZE = 160  # px: shown at 24 to 80 CSS px, sharp on a 2x screen
RATE_LIMIT = "10 per hour;30 per day"  # uploads of one member (RATELIMIT_AVATARS)

# White initials on each: contrast ratios 6.2 to 7.8 (tests/accounts/test_avatars.py checks).
PALETTE = ("#1f5f8b", "#8a3b12", "#2e6b30", "#6b3fa0", "#a3294a", "#00676b",
           "#5c5c00", "#9c2f9c", "#3d5a80", "#7a4a00", "#0b6e4f", "#b0303a")


MESSAGES = {
    "accounts.avatar_empty": _l("Choose an image file."),
    "accounts.avatar_too_large": _l("The picture is too large: send a file of at most "
                                    "%(max)s MB."),
    "accounts.avatar_type": _l("The picture must be a PNG, JPEG, WebP or GIF image."),
    "accounts.avatar_pixels": _l("The image has too many pixels: at most %(max)d megapixels."),
    "accounts.avatar_damaged": _l("The image is damaged or incomplete: it could not be read."),
    "accounts.avatar_not_yours": _l("Only the member can change their picture."),
}


def initials(user: User) -> str:
    """Up to two letters: the first of the display name's first and last words (its first
    two letters for a single word), else of the handle; "?" when there is nothing."""
    words = [w for w in (user.display_name or "").split() if any(c.isalnum() for c in w)]
    firsts = [next(c for c in w if c.isalnum()) for w in words]
    if len(firsts) >= 2:
        return (firsts[0] + firsts[-1]).upper()
    if words:
        letters = [c for c in words[0] if c.isalnum()]
        return "".join(letters[:2]).upper()
    letters = [c for c in user.handle or "" if c.isalnum()]
    return "".join(letters[:2]).upper() or "?"


def colour_index(user: User) -> int:
    return (user.id or 0) % len(PALETTE)


def avatar(user: User | None, size: str = "small") -> Markup:
    """The member's avatar as inline HTML: their picture, or their initials on their colour.
    Decoration beside their name (hidden from screen readers); ``size``: small or large."""
    if user is None or user.is_deleted:
        return Markup('<span class="avatar avatar-%s avatar-none" aria-hidden="true"></span>'
                      ) % size
    if user.avatar_version > 0 and user.suspended_at is None:  # suspended: initials only
        src = url_for("accounts.avatar", handle=user.handle, version=user.avatar_version)
        return Markup('<img class="avatar avatar-%s" src="%s" alt="" loading="lazy">') % (
            size, src)
    return Markup('<span class="avatar avatar-%s av-%d" data-initials="%s" '
                  'aria-hidden="true"></span>') % (size, colour_index(user), initials(user))


def reencode(content: bytes) -> bytes:
    """The picture as a clean square PNG of at most SIZE px, or a refusal (images.py)."""
    png = images.reencode(content, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS,
                          box=(SIZE * 8, SIZE * 8), prefix="accounts.avatar_")
    with Image.open(io.BytesIO(png), formats=("PNG",)) as clean:  # our own PNG
        side = min(clean.size)
        left, top = (clean.width - side) // 2, (clean.height - side) // 2
        square = clean.crop((left, top, left + side, top + side))
        square.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        square.save(out, "PNG", optimize=True)
    return out.getvalue()


def set_avatar(actor: User, user: User, content: bytes) -> None:
    """The member replaces their own picture; a refusal stores nothing."""
    if actor.id != user.id:
        raise Refused("accounts.avatar_not_yours")
    images.store(user, "avatar_version", MemberAvatar, reencode(content), user_id=user.id)


def remove_avatar(actor: User, user: User) -> None:
    """The member goes back to their initials; moderators may do it for them (an abusive
    picture: moderation/actions.remove_picture records it in the audit log)."""
    if actor.id != user.id and not actor.has_role(Role.MODERATOR):
        raise Refused("accounts.avatar_not_yours")
    db.session.execute(sa.delete(MemberAvatar).where(MemberAvatar.user_id == user.id))
    user.avatar_version = 0
    db.session.flush()


def avatar_of(user: User, version: int) -> bytes | None:
    """The picture's PNG at this version, or None (no picture, or an address from before)."""
    if (user.avatar_version <= 0 or version != user.avatar_version or user.is_deleted
            or user.suspended_at is not None):
        return None
    return db.session.scalar(sa.select(MemberAvatar.data)
                             .where(MemberAvatar.user_id == user.id))


def _export(user: User) -> dict | None:
    stored = db.session.get(MemberAvatar, user.id)
    if stored is None:
        return None
    return {"mimetype": stored.mimetype, "updated_at": iso(stored.updated_at),
            "data_base64": base64.b64encode(stored.data).decode("ascii")}


def _erase(user: User) -> None:
    db.session.execute(sa.delete(MemberAvatar).where(MemberAvatar.user_id == user.id))
    user.avatar_version = 0


def init_app(app: Flask) -> None:
    """The picture in the member's export and erased with the account; the template global."""
    data.register_exporter("avatar", _export)
    data.register_eraser("avatar", _erase)
    register_messages(MESSAGES)
    app.jinja_env.globals["member_avatar"] = avatar
