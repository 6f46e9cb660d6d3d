"""Group covers over HTTP: what is refused (oversized, wrong type, a file lying about its type,
a decompression bomb, a truncated file), each with a clear message and nothing stored; what is
kept (a wide PNG fitting 1200 x 400 without metadata, a GIF's first frame), and who sees it."""

from __future__ import annotations

import html
import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.extensions import db
from community.groups.models import GroupCover
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form
from tests.meetups.factories import MANAGER, MEMBER, SECRET, get_group, make_group
from tests.roadmap.test_club_logos import image_bytes, jpeg_with_exif, png_declaring


def text(response) -> str:
    return html.unescape(helpers.text(response))


@pytest.fixture
def group(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    manager = make_user(app, "Max Manager", "max@example.com")
    member = make_user(app)
    return make_group(app, owner.id, members=[(manager.id, MANAGER), (member.id, MEMBER)])


def multipart(client, slug: str, fields: dict) -> tuple[bytes, str]:
    token = helpers.hidden_fields(helpers.text(client.get("/groups")))["csrf_token"]
    boundary, body = encode_multipart({"csrf_token": token, **fields})
    return body, f"multipart/form-data; boundary={boundary}"


def upload(app, slug: str, data: bytes, filename="cover.png", mimetype="image/png",
           email="olga@example.com"):
    client = app.test_client()
    login(client, email)
    body, content_type = multipart(client, slug, {"cover": FileStorage(
        io.BytesIO(data), filename=filename, content_type=mimetype)})
    return client, client.post(f"/groups/{slug}/cover", data=body, content_type=content_type)


def stored(app, slug: str) -> tuple[int, int]:
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(GroupCover))
    return rows, get_group(app, slug).cover_version


def assert_refused(app, slug: str, response, message: str) -> None:
    assert response.status_code == 422
    assert message in text(response)
    assert stored(app, slug) == (0, 0)


def test_a_jpeg_with_exif_is_kept_as_a_wide_png_without_metadata(app, group):
    client, response = upload(app, group, jpeg_with_exif(), "photo.jpg", "image/jpeg")
    assert response.status_code == 302
    rows, version = stored(app, group)
    assert rows == 1 and version > 0
    served = client.get(f"/groups/{group}/cover/{version}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    assert "public" in served.headers["Cache-Control"]
    body = served.get_data()
    assert b"SpyCam" not in body and b"Secret editor" not in body and b"eXIf" not in body
    cover = Image.open(io.BytesIO(body))
    assert cover.format == "PNG" and cover.size == (300, 400)  # upright, fitting 1200 x 400
    assert not cover.getexif() and not any(k in cover.info for k in ("exif", "icc_profile"))
    assert f"/groups/{group}/cover/{version}" in text(client.get(f"/groups/{group}"))


def test_a_wide_image_fits_the_box(app, group):
    upload(app, group, image_bytes("PNG", size=(3000, 600)))
    client = app.test_client()
    cover = Image.open(io.BytesIO(client.get(
        f"/groups/{group}/cover/{stored(app, group)[1]}").get_data()))
    assert cover.size == (1200, 240)


def test_a_gif_keeps_its_first_frame(app, group):
    out = io.BytesIO()
    frames = [Image.new("RGB", (90, 30), colour) for colour in ("red", "blue")]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    client, response = upload(app, group, out.getvalue(), "cover.gif", "image/gif")
    assert response.status_code == 302
    cover = Image.open(io.BytesIO(client.get(
        f"/groups/{group}/cover/{stored(app, group)[1]}").get_data()))
    assert cover.format == "PNG" and getattr(cover, "n_frames", 1) == 1
    red, green, blue = cover.convert("RGB").getpixel((10, 10))
    assert red > 200 and blue < 50


def test_a_png_named_jpg_and_webp_are_fine(app, group):
    _client, response = upload(app, group, image_bytes("PNG", mode="RGBA"), "c.jpg", "image/jpeg")
    assert response.status_code == 302
    _client, response = upload(app, group, image_bytes("WEBP"), "c.webp", "image/webp")
    assert response.status_code == 302 and stored(app, group)[0] == 1


def test_an_oversized_file_is_refused(app, group):
    noise = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert 1.5 * 1024 * 1024 < len(out.getvalue()) < 2 * 1024 * 1024
    _client, response = upload(app, group, out.getvalue())
    assert_refused(app, group, response, "The cover is too large: send a file of at most 1.5 MB.")


def test_another_type_or_a_lie_is_refused(app, group):
    for data, name in ((image_bytes("BMP"), "c.bmp"), (image_bytes("TIFF"), "c.png"),
                       (b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>",
                        "c.png"), (b"just text", "c.png")):
        _client, response = upload(app, group, data, name)
        assert_refused(app, group, response, "The cover must be a PNG, JPEG, WebP or GIF image.")


def test_a_decompression_bomb_is_refused(app, group):
    bomb = png_declaring(20000, 20000)
    assert len(bomb) < 200 * 1024
    _client, response = upload(app, group, bomb)
    assert_refused(app, group, response, "The image has too many pixels: at most 40 megapixels.")


def test_a_damaged_or_empty_file_is_refused(app, group):
    good = jpeg_with_exif()
    _client, response = upload(app, group, good[: len(good) // 2], "c.jpg", "image/jpeg")
    assert_refused(app, group, response,
                   "The image is damaged or incomplete: it could not be read.")
    _client, response = upload(app, group, b"")
    assert_refused(app, group, response, "Choose an image file.")
    client = app.test_client()
    login(client, "olga@example.com")
    response = post_form(client, f"/groups/{group}/cover", {}, get_url="/groups")
    assert_refused(app, group, response, "Choose an image file.")


def test_only_owners_upload_or_remove(app, group):
    for email in ("max@example.com", "alice@example.com"):
        _client, response = upload(app, group, image_bytes("PNG"), email=email)
        assert response.status_code == 403 and stored(app, group) == (0, 0)
    upload(app, group, image_bytes("PNG"))
    client = app.test_client()
    login(client, "max@example.com")
    assert post_form(client, f"/groups/{group}/cover/remove", {}, get_url="/groups"
                     ).status_code == 403
    assert stored(app, group)[0] == 1


def test_a_new_cover_gets_a_new_address_and_removing_it_leaves_none(app, group):
    client, _response = upload(app, group, image_bytes("PNG"))
    first = stored(app, group)[1]
    upload(app, group, image_bytes("GIF"))
    second = stored(app, group)[1]
    assert second != first
    assert client.get(f"/groups/{group}/cover/{first}").headers["Location"] \
        == f"/groups/{group}/cover/{second}"
    post_form(client, f"/groups/{group}/cover/remove", {}, get_url="/groups")
    assert stored(app, group) == (0, 0)
    assert client.get(f"/groups/{group}/cover/{second}").status_code == 404
    assert client.get(f"/groups/{group}/cover/99999999999").status_code == 404


def test_a_secret_groups_cover_is_hidden_from_outsiders(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    make_user(app, "Bob Outsider", "bob@example.com")
    slug = make_group(app, owner.id, "Hidden", SECRET)
    client, _response = upload(app, slug, image_bytes("PNG"))
    version = stored(app, slug)[1]
    served = client.get(f"/groups/{slug}/cover/{version}")
    assert served.status_code == 200 and "private" in served.headers["Cache-Control"]
    assert app.test_client().get(f"/groups/{slug}/cover/{version}").status_code == 404
    outsider = app.test_client()
    login(outsider, "bob@example.com")
    assert outsider.get(f"/groups/{slug}/cover/{version}").status_code == 404
