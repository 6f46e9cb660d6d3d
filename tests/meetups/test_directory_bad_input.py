"""Bad input on every directory form and query: the card, the choices, the search and its
filters, the ambassador's mark: empty, over-long, control characters, unknown values, no CSRF
token and the naughty-strings corpus. Never a 500; a refusal writes nothing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from community.accounts.models import User
from community.extensions import db
from community.groups import directory
from community.groups.membership import GROUPS
from community.groups.models import DirectoryProfile, GroupMember
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form
from tests.meetups.factories import MEMBER, PRIVATE, make_group

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "naughty-strings.txt"
SHAPES = ["", "   ", "x" * 10_000, "é" * 6_000, "a\x00b", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\"]


def naughty(backend: str) -> list[str]:
    if not CORPUS.exists():
        pytest.skip(f"the naughty-strings corpus is missing at {CORPUS}")
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return SHAPES + (lines if backend == "sqlite" else lines[::7])


@pytest.fixture
def world(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    bea = make_user(app, "Bea Builder", "bea@example.com")
    slug = make_group(app, owner.id, "Lyon Users", PRIVATE, members=[(bea.id, MEMBER)])
    with app.app_context():
        user = db.session.get(User, bea.id)
        directory.save_profile(user, company="Acme", location="Lyon")
        directory.set_choices(user, GROUPS.find(slug), listed=True, shown=["company"])
        db.session.commit()
    client = app.test_client()
    assert login(client, "bea@example.com").status_code == 302
    return {"bea": bea, "slug": slug, "client": client}


def card(app, user_id):
    with app.app_context():
        row = db.session.get(DirectoryProfile, user_id)
        return {name: getattr(row, name) for name in ("company", "location", "skills")}


def test_the_card_form_never_fails_on_naughty_strings(app, world, backend):
    client = world["client"]
    token = helpers.hidden_fields(helpers.text(client.get("/settings/directory")))
    for value in naughty(backend):
        response = client.post("/settings/directory",
                               data={**token, "company": value, "skills": value})
        assert response.status_code in (302, 422), repr(value)
    # A refused write leaves the card as it was.
    post_form(client, "/settings/directory", {"company": "Acme", "skills": ""})
    before = card(app, world["bea"].id)
    for value in ("x" * 101, "a\x00b", "\x1b[31m", "\u202egnp"):
        assert post_form(client, "/settings/directory", {"company": value}).status_code == 422
        assert card(app, world["bea"].id) == before


def test_search_and_filters_never_fail(app, world, backend):
    client = world["client"]
    base = f"/groups/{world['slug']}/directory"
    for value in naughty(backend)[: 200 if backend == "sqlite" else 60]:
        encoded = quote(value, safe="")
        for key in ("q", "location", "cohort", "company", "skill", "page"):
            response = client.get(f"{base}?{key}={encoded}")
            # 400: the app refuses a NUL in any address before the page runs.
            assert response.status_code == (400 if "\x00" in value else 200), \
                (key, repr(value))
            assert "bea@example.com" not in helpers.text(response)


def test_the_choices_form_refuses_unknown_fields_and_garbage(app, world, backend):
    client = world["client"]
    url = f"/groups/{world['slug']}/directory/me"
    for value in naughty(backend)[:40] + ["email", "password_hash", "company,skills"]:
        response = post_form(client, url, {"shown": [value]})
        assert response.status_code == 422, repr(value)
    for value in ("y", "true", "1", "x" * 5000, "\x00"):
        assert post_form(client, url, {"hidden": value, "shown": ["company"]}).status_code \
            == 302
    assert client.post(url, data={"shown": ["location"]}).status_code in (400, 422)
    with app.app_context():
        member = db.session.get(GroupMember, (GROUPS.find(world["slug"]).id, world["bea"].id))
        assert member.shown_fields == "company" and not member.listed


def test_unknown_ids_and_slugs_are_404(app, world):
    client = world["client"]
    assert client.get("/groups/%00/directory").status_code == 400  # the app's NUL guard
    ambassadors = f"/groups/{world['slug']}/ambassadors"
    for url in ("/groups/../directory", "/groups/" + "x" * 500 + "/directory",
                f"{ambassadors}/0", f"{ambassadors}/-1", f"{ambassadors}/2147483648"):
        assert client.get(url).status_code in (404, 405), url
