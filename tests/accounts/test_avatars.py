"""Avatars (issue #15): generated initials on a stable AA colour for every member, drawn inline;
an uploaded picture checked and re-encoded into a small square, served at a versioned address,
removable, exported and erased with the member's data."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.accounts import avatars, data
from community.accounts.models import MemberAvatar, User
from community.extensions import db
from tests.conftest import GOOD_PASSWORD, make_user
from tests.helpers import hidden_fields, post_form, text


def _image(fmt="PNG", size=(300, 200), colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS info
    return _image("JPEG", (400, 400), exif=exif.tobytes())


def _bomb() -> bytes:
    """A PNG declaring 20000 x 20000 pixels (400 megapixels) in a few bytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


def _contrast(hex_colour: str, other=(255, 255, 255)) -> float:
    def lum(rgb):
        def channel(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    a, b = sorted((lum(rgb), lum(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("colour", avatars.PALETTE)
def test_every_avatar_colour_passes_aa_under_white_initials(colour):
    assert _contrast(colour) >= 4.5


def test_the_stylesheet_gives_each_colour_class_its_palette_colour():
    from pathlib import Path
    css = Path("static/css/people.css").read_text(encoding="utf-8")
    for index, colour in enumerate(avatars.PALETTE):
        assert re.search(rf"\.av-{index} \{{ background: {colour}; \}}", css), colour


@pytest.mark.parametrize("name,handle,expected", [
    ("Alice Martin", "alice", "AM"), ("Jean-Luc de la Tour", "jl", "JT"),
    ("élise", "elise", "ÉL"), ("  ", "bob-2", "BO"), ("<> !!", "zed", "ZE"), (None, "x", "X"),
])
def test_initials(name, handle, expected):
    assert avatars.initials(User(display_name=name, handle=handle)) == expected


def _uploader(app, client, email="alice@example.com"):
    from tests.conftest import login
    assert login(client, email).status_code == 302
    return client


def _upload(client, content: bytes, filename="me.png"):
    """POST the picture as one multipart body built in memory (the test client would spool a
    large file to a temporary file it never closes)."""
    token = hidden_fields(text(client.get("/settings")))["csrf_token"]
    boundary, body = encode_multipart({"csrf_token": token, "picture": FileStorage(
        io.BytesIO(content), filename=filename, content_type="image/png")})
    return client.post("/settings/avatar", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _version(app, email="alice@example.com") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.avatar_version).where(User.email == email))


def test_members_show_their_initials_inline_on_their_colour(app, client, member):
    page = text(client.get("/u/alice-martin"))
    with app.app_context():
        user = db.session.get(User, member.id)
        expected = f'class="avatar avatar-large av-{user.id % len(avatars.PALETTE)}"'
    assert expected in page and 'data-initials="AM"' in page
    assert "<img" not in page.split("<main", 1)[1]  # no request for a generated avatar


def test_an_uploaded_picture_is_a_clean_square_png_at_a_versioned_address(app, client, member):
    _uploader(app, client)
    response = _upload(client, _jpeg_with_gps(), "holiday.jpg")
    assert response.status_code == 302, text(response)
    version = _version(app)
    assert version > 0
    image = client.get(f"/u/alice-martin/avatar-{version}.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "public" in image.headers["Cache-Control"] and "max-age=86400" in image.headers[
        "Cache-Control"]  # a day: a removed picture leaves shared caches soon
    picture = Image.open(io.BytesIO(image.data))
    assert picture.format == "PNG" and picture.size == (avatars.SIZE, avatars.SIZE)
    assert not picture.getexif() and "exif" not in picture.info
    assert f'src="/u/alice-martin/avatar-{version}.png"' in text(client.get("/u/alice-martin"))
    stale = client.get(f"/u/alice-martin/avatar-{version + 1}.png")
    assert stale.status_code == 302 and stale.location.endswith(f"avatar-{version}.png")


def test_a_wide_picture_is_cropped_to_its_centre_square(app, client, member):
    _uploader(app, client)
    out = io.BytesIO()
    wide = Image.new("RGB", (900, 300), (0, 0, 255))
    wide.paste((255, 0, 0), (300, 0, 600, 300))  # red in the centre third only
    wide.save(out, "PNG")
    assert _upload(client, out.getvalue()).status_code == 302
    picture = Image.open(io.BytesIO(client.get(f"/u/alice-martin/avatar-{_version(app)}.png").data))
    assert picture.size == (avatars.SIZE, avatars.SIZE)
    assert picture.convert("RGB").getpixel((2, 2))[0] > 200  # red to the edge: no blue


@pytest.mark.parametrize("content,filename,message", [
    (b"hello, I am not a picture", "me.png", "must be a PNG, JPEG, WebP or GIF"),
    (b"", "me.png", "Choose an image file."),
    (_image()[:200], "me.png", "damaged or incomplete"),
    (_bomb(), "me.png", "too many pixels"),
    (b"GIF89a" + b"\0" * (avatars.MAX_BYTES + 10), "me.gif", "too large"),
    (b"%PDF-1.4 not an image", "me.pdf", "must be a PNG, JPEG, WebP or GIF"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "me.svg",
     "must be a PNG, JPEG, WebP or GIF"),
])
def test_a_bad_file_is_refused_clearly_and_the_old_picture_stays(app, client, member, content,
                                                                  filename, message):
    _uploader(app, client)
    assert _upload(client, _image()).status_code == 302
    before = _version(app)
    response = _upload(client, content, filename)
    assert response.status_code == 422
    assert message in text(response)
    assert _version(app) == before
    assert client.get(f"/u/alice-martin/avatar-{before}.png").status_code == 200


def test_uploading_needs_a_csrf_token_and_a_login(app, client, member):
    anonymous = client.post("/settings/avatar", data={"picture": (io.BytesIO(_image()), "a.png")},
                            content_type="multipart/form-data")
    assert anonymous.status_code in (302, 400)
    _uploader(app, client)
    forged = client.post("/settings/avatar", data={"picture": (io.BytesIO(_image()), "a.png")},
                         content_type="multipart/form-data")
    assert forged.status_code == 400
    assert _version(app) == 0


def test_the_member_removes_their_picture_and_gets_their_initials_back(app, client, member):
    _uploader(app, client)
    _upload(client, _image())
    version = _version(app)
    response = post_form(client, "/settings/avatar/remove", {}, get_url="/settings")
    assert response.status_code == 302
    assert _version(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberAvatar)) == 0
    assert client.get(f"/u/alice-martin/avatar-{version}.png").status_code == 404
    assert 'data-initials="AM"' in text(client.get("/u/alice-martin"))


def test_removing_without_a_csrf_token_is_refused(app, client, member):
    _uploader(app, client)
    _upload(client, _image())
    assert client.post("/settings/avatar/remove").status_code == 400
    assert _version(app) > 0


def test_the_export_holds_the_picture_and_deletion_erases_it(app, client, member):
    _uploader(app, client)
    _upload(client, _image())
    version = _version(app)
    exported = client.get("/settings/export").get_json()
    picture = Image.open(io.BytesIO(base64.b64decode(exported["avatar"]["data_base64"])))
    assert picture.size == (avatars.SIZE, avatars.SIZE)
    response = post_form(client, "/settings/delete", {"current_password": GOOD_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberAvatar)) == 0
        assert db.session.get(User, member.id).avatar_version == 0
    assert app.test_client().get(f"/u/deleted-{member.id}/avatar-{version}.png"
                                 ).status_code == 404


def test_a_member_without_a_picture_exports_none(app, member):
    with app.app_context():
        assert data.export_member_data(db.session.get(User, member.id))["avatar"] is None


def test_uploads_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AVATARS="2 per hour")
    make_user(app)
    client = app.test_client()
    _uploader(app, client)
    assert [_upload(client, _image()).status_code for _ in range(3)] == [302, 302, 429]


def test_only_the_member_changes_their_picture(app, member):
    from community.refusals import Refused
    bob = make_user(app, "Bob Doe", "bob@example.com")
    with app.app_context():
        alice, other = db.session.get(User, member.id), db.session.get(User, bob.id)
        with pytest.raises(Refused):
            avatars.set_avatar(other, alice, _image())
        with pytest.raises(Refused):
            avatars.remove_avatar(other, alice)


def test_an_unverified_member_cannot_upload_a_picture(app, client):
    make_user(app, "Una Verified", "una@example.com", verified=False)
    _uploader(app, client, "una@example.com")
    response = _upload(client, _image())
    assert response.status_code in (302, 403)
    assert _version(app, "una@example.com") == 0


def test_a_moderator_takes_an_abusive_picture_down_with_a_reason(app, client, member):
    from community.accounts.models import Role
    from community.moderation.models import AuditEntry
    _uploader(app, client)
    _upload(client, _image())
    version = _version(app)
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    mod = _uploader(app, app.test_client(), "mo@example.com")
    account = f"/moderation/accounts/{member.id}"
    assert "Remove the picture" in text(mod.get(account))
    refused = post_form(mod, f"{account}/remove_picture", {"reason": ""}, get_url=account)
    assert refused.status_code == 302 and _version(app) == version  # a reason is required
    done = post_form(mod, f"{account}/remove_picture", {"reason": "Offensive picture"},
                     get_url=account)
    assert done.status_code == 302 and _version(app) == 0
    assert client.get(f"/u/alice-martin/avatar-{version}.png").status_code == 404
    assert 'data-initials="AM"' in text(client.get("/u/alice-martin"))
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "account.remove_picture"))
        assert entry.reason == "Offensive picture" and entry.subject_id == member.id
        assert db.session.get(MemberAvatar, member.id) is None
    assert "Remove the picture" not in text(mod.get(account))  # nothing left to remove


def test_a_suspended_members_picture_is_not_shown(app, client, member):
    from community.timeutil import utcnow
    _uploader(app, client)
    _upload(client, _image())
    version = _version(app)
    with app.app_context():
        db.session.get(User, member.id).suspended_at = utcnow()
        db.session.commit()
    reader = app.test_client()
    assert reader.get(f"/u/alice-martin/avatar-{version}.png").status_code == 404
