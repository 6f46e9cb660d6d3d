"""Club logos over HTTP: what is refused (oversized, wrong type, a file lying about its type, a
decompression bomb, a truncated file), each with a clear message and nothing stored; what is
kept (a PNG of at most 256 px without metadata), and who may see it."""

from __future__ import annotations

import html
import io
import os
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.clubs.models import ClubLogo
from community.extensions import db
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form
from tests.roadmap.clubs_factories import MANAGER, MEMBER, get_club, make_club, make_staff


def text(response) -> str:
    return html.unescape(helpers.text(response))


def image_bytes(fmt: str, size=(64, 48), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode != "1" else 1).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (800, 600), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "Secret editor"  # Software
    exif[0x0112] = 6  # Orientation: rotated, so the kept logo is upright (600 x 800)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny-on-disk 1-bit PNG whose header declares width x height pixels (all black)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compressobj(9)
    data = b"".join(pixels.compress(row) for _ in range(height)) + pixels.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


@pytest.fixture
def club(app):
    staff = make_staff(app)
    manager = make_user(app, "Max Manager", "max@example.com")
    member = make_user(app)
    return make_club(app, staff.id, members=[(manager.id, MANAGER), (member.id, MEMBER)])


def multipart(client, slug: str, fields: dict) -> tuple[bytes, str]:
    """The edit page's CSRF token and ``fields`` as one multipart body, in memory (the test
    client would spool a large file to a temporary file it never closes)."""
    token = helpers.hidden_fields(helpers.text(client.get(f"/clubs/{slug}/edit")))["csrf_token"]
    boundary, body = encode_multipart({"csrf_token": token, **fields})
    return body, f"multipart/form-data; boundary={boundary}"


def upload(app, slug: str, data: bytes, filename="logo.png", mimetype="image/png",
           email="max@example.com"):
    client = app.test_client()
    login(client, email)
    body, content_type = multipart(client, slug, {"logo": FileStorage(
        io.BytesIO(data), filename=filename, content_type=mimetype)})
    return client, client.post(f"/clubs/{slug}/logo", data=body, content_type=content_type)


def stored(app, slug: str) -> tuple[int, int]:
    """(logo rows, the club's logo version)."""
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(ClubLogo))
    return rows, get_club(app, slug).logo_version


def assert_refused(app, slug: str, response, message: str) -> None:
    assert response.status_code == 422
    assert message in text(response)
    assert stored(app, slug) == (0, 0)


def test_a_jpeg_with_exif_is_kept_as_a_small_png_without_metadata(app, club):
    client, response = upload(app, club, jpeg_with_exif(), "photo.jpg", "image/jpeg")
    assert response.status_code == 302
    rows, version = stored(app, club)
    assert rows == 1 and version > 0
    served = client.get(f"/clubs/{club}/logo-{version}.png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    assert "public" in served.headers["Cache-Control"]
    body = served.get_data()
    assert b"SpyCam" not in body and b"Secret editor" not in body and b"eXIf" not in body
    logo = Image.open(io.BytesIO(body))
    assert logo.format == "PNG" and max(logo.size) <= 256
    assert logo.size == (192, 256)  # turned upright from the EXIF orientation
    assert not logo.getexif() and not any(k in logo.info for k in ("exif", "icc_profile"))
    assert not getattr(logo, "text", {})
    assert f"logo-{version}.png" in text(client.get(f"/clubs/{club}"))


def test_a_png_named_jpg_is_fine(app, club):
    _client, response = upload(app, club, image_bytes("PNG", mode="RGBA"), "logo.jpg",
                               "image/jpeg")
    assert response.status_code == 302 and stored(app, club)[0] == 1


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_gif_and_webp_are_accepted(app, club, fmt):
    _client, response = upload(app, club, image_bytes(fmt), f"logo.{fmt.lower()}",
                               f"image/{fmt.lower()}")
    assert response.status_code == 302 and stored(app, club)[0] == 1


def test_a_phone_cameras_multi_picture_jpeg_is_accepted(app, club):
    """Many phone photos are MPO files (a JPEG with more pictures after it): Pillow names them
    "MPO"; they are JPEGs to the member, and the first picture becomes the logo."""
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(
        out, "MPO", save_all=True, append_images=[Image.new("RGB", (300, 200), "blue")])
    _client, response = upload(app, club, out.getvalue(), "photo.jpg", "image/jpeg")
    assert response.status_code == 302 and stored(app, club)[0] == 1


def test_an_oversized_file_is_refused(app, club):
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert 1024 * 1024 < len(out.getvalue()) < 2 * 1024 * 1024
    _client, response = upload(app, club, out.getvalue())
    assert_refused(app, club, response, "The logo is too large: send a file of at most 1 MB.")


def test_a_body_over_the_request_limit_is_refused(app, club):
    client = app.test_client()
    login(client, "max@example.com")
    body, content_type = multipart(client, club, {"logo": FileStorage(
        io.BytesIO(b"\x89PNG" + b"\x00" * (3 * 1024 * 1024)), filename="logo.png",
        content_type="image/png")})
    response = client.post(f"/clubs/{club}/logo", data=body, content_type=content_type)
    assert response.status_code == 413 and "too large" in text(response)
    assert stored(app, club) == (0, 0)


def test_another_image_type_is_refused(app, club):
    for fmt, name in (("BMP", "logo.bmp"), ("TIFF", "logo.png")):
        _client, response = upload(app, club, image_bytes(fmt), name, "image/png")
        assert_refused(app, club, response, "The logo must be a PNG, JPEG, WebP or GIF image.")


def test_a_file_lying_about_its_type_is_refused(app, club):
    lies = [b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            b"just some text, named like an image",
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"]
    for data in lies:
        _client, response = upload(app, club, data, "logo.png", "image/png")
        assert_refused(app, club, response, "The logo must be a PNG, JPEG, WebP or GIF image.")


@pytest.mark.parametrize("size", [(20000, 20000), (5000, 5000)])
def test_a_decompression_bomb_is_refused(app, club, size):
    bomb = png_declaring(*size)
    assert len(bomb) < 200 * 1024  # tiny on disk, hundreds of megapixels decoded
    _client, response = upload(app, club, bomb)
    assert_refused(app, club, response, "The image has too many pixels: at most 20 megapixels.")


def test_a_truncated_file_is_refused(app, club):
    good = jpeg_with_exif()
    for data in (good[: len(good) // 2], image_bytes("PNG", size=(300, 300))[:200]):
        _client, response = upload(app, club, data, "logo.jpg", "image/jpeg")
        assert_refused(app, club, response,
                       "The image is damaged or incomplete: it could not be read.")


def test_an_empty_or_missing_file_is_refused(app, club):
    _client, response = upload(app, club, b"")
    assert_refused(app, club, response, "Choose an image file.")
    client = app.test_client()
    login(client, "max@example.com")
    response = post_form(client, f"/clubs/{club}/logo", {}, get_url=f"/clubs/{club}/edit")
    assert_refused(app, club, response, "Choose an image file.")


def test_members_cannot_upload(app, club):
    _client, response = upload(app, club, image_bytes("PNG"), email="alice@example.com")
    assert response.status_code == 403 and stored(app, club) == (0, 0)


def test_a_new_logo_gets_a_new_address_and_removing_it_leaves_none(app, club):
    client, _response = upload(app, club, image_bytes("PNG"))
    first = stored(app, club)[1]
    upload(app, club, image_bytes("GIF"))
    second = stored(app, club)[1]
    assert second != first
    assert client.get(f"/clubs/{club}/logo-{first}.png").headers["Location"] \
        == f"/clubs/{club}/logo-{second}.png"
    post_form(client, f"/clubs/{club}/logo/remove", {}, get_url=f"/clubs/{club}/edit")
    assert stored(app, club) == (0, 0)
    assert client.get(f"/clubs/{club}/logo-{second}.png").status_code == 404
    upload(app, club, image_bytes("PNG"))
    assert stored(app, club)[1] not in (0, first, second)  # never an address held in a cache


def test_a_members_only_club_logo_is_hidden_from_outsiders(app):
    staff = make_staff(app)
    make_user(app, "Bob Outsider", "bob@example.com")
    slug = make_club(app, staff.id, "Secret", private=True)
    client, response = upload(app, slug, image_bytes("PNG"), email="pat@example.com")
    version = stored(app, slug)[1]
    served = client.get(f"/clubs/{slug}/logo-{version}.png")
    assert served.status_code == 200 and "private" in served.headers["Cache-Control"]
    assert app.test_client().get(f"/clubs/{slug}/logo-{version}.png").status_code == 404
    outsider = app.test_client()
    login(outsider, "bob@example.com")
    assert outsider.get(f"/clubs/{slug}/logo-{version}.png").status_code == 404
