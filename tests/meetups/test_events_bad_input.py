"""Bad input on every events form, on SQLite and PostgreSQL: the naughty strings
(``../shared/corpora/naughty-strings.txt``, read in place) and a sample of XSS payloads
(``xss-payloads.txt``) in every field of the event form, the recap, the answer and the calendar
settings. Never a 500; what is saved shows escaped (no element gains an ``on…`` attribute, a
``javascript:`` link or a script); what is refused changes nothing."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.meetups.models import Event
from community.timeutil import utcnow
from tests.helpers import hidden_fields
from tests.meetups.test_events_support import (
    MANAGER,
    answers,
    as_user,
    make_event,
    make_group,
    people,
    text,
)

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
BASIC = ["", "   ", "\x00", "nul\x00inside", "\u202eevil", "line\nbreak", "y" * 161,
         "y" * 10_241, "é" * 5_000, str(2**31), str(2**63), str(-(2**63) - 1), str(10**30),
         "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
         "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
         "https://example.com/\"><script>alert(1)</script>", "http://[::1", "http://\uff03"]


def _lines(name: str, step: int = 1) -> list[str]:
    path = CORPORA / name
    if not path.is_file():
        pytest.skip(f"the corpus is missing: expected {path} (see ../shared/corpora/SOURCES.md)")
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return [line for line in lines if line and not line.startswith("#")][::step]


class _Dangerous(HTMLParser):
    """Collects what would run: on… attributes, javascript: links, scripts with content."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
        if tag in ("script", "iframe", "object", "embed", "svg", "math"):
            self._script = tag == "script"
            if tag != "script":
                self.found.append(tag)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append("inline script")


def _dangers(html: str, baseline: set[str]) -> set[str]:
    parser = _Dangerous()
    parser.feed(html)
    return set(parser.found) - baseline


def _form(start, **overrides) -> dict:
    data = {"title": "Apéro", "description": "", "kind": "in_person", "place": "Lyon",
            "online_url": "", "starts": start.strftime("%Y-%m-%dT%H:%M"),
            "ends": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "Europe/Paris", "capacity": ""}
    data.update(overrides)
    return data


@pytest.fixture
def setting(app):
    users = people(app, "olive", "manon")
    slug = make_group(app, users["olive"].id, members=[(users["manon"].id, MANAGER)])
    manon = as_user(app, "manon@example.com")
    token = hidden_fields(text(manon.get(f"/groups/{slug}/events/new")))["csrf_token"]
    return users, slug, manon, token


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


def test_naughty_strings_in_the_text_fields(app, backend, setting):
    users, slug, manon, token = setting
    start = (utcnow() + timedelta(days=20)).replace(hour=18, minute=0, second=0, microsecond=0)
    url = f"/groups/{slug}/events/new"
    step = 2 if backend == "sqlite" else 4
    baseline = set()
    created = 0
    # Each string in the three text fields at once, then in the title alone (a title that is
    # refused would otherwise hide the others).
    for index, value in enumerate(BASIC + _lines("naughty-strings.txt", step)):
        fields = ({"title": value, "place": value[:300], "description": value} if index % 2
                  else {"title": value})
        response = manon.post(url, data={"csrf_token": token, **_form(start, **fields)})
        assert response.status_code in (302, 422), (value, response.status_code)
        if response.status_code == 302:
            created += 1
            page = manon.get(response.headers["Location"])
            assert page.status_code == 200, value
            assert not _dangers(page.get_data(as_text=True), baseline), value
    assert created > 50
    assert _count(app) == created


def test_naughty_values_in_the_other_fields_are_refused_or_harmless(app, backend, setting):
    users, slug, manon, token = setting
    start = (utcnow() + timedelta(days=20)).replace(hour=18, minute=0, second=0, microsecond=0)
    url = f"/groups/{slug}/events/new"
    values = BASIC + _lines("naughty-strings.txt", 12 if backend == "sqlite" else 30)
    for value in values:
        for field in ("kind", "starts", "ends", "timezone", "capacity", "online_url"):
            extra = {"kind": "online", "place": ""} if field == "online_url" else {}
            response = manon.post(url, data={"csrf_token": token,
                                             **_form(start, **extra, **{field: value})})
            assert response.status_code in (302, 422), (field, value, response.status_code)
            if response.status_code == 302:
                assert field in ("capacity", "online_url", "description"), (field, value)
    with app.app_context():
        for event in db.session.scalars(sa.select(Event)):
            assert event.capacity is None or 0 < event.capacity <= 100_000
            if event.online_url:
                assert event.online_url.startswith(("http://", "https://"))
                assert not any(ch.isspace() for ch in event.online_url)


def test_xss_payloads_show_escaped_on_the_event_and_the_group_page(app, backend, setting):
    users, slug, manon, token = setting
    start = (utcnow() + timedelta(days=20)).replace(hour=18, minute=0, second=0, microsecond=0)
    url = f"/groups/{slug}/events/new"
    payloads = _lines("xss-payloads.txt", 40 if backend == "sqlite" else 100)
    saved = 0
    for payload in payloads:
        response = manon.post(url, data={"csrf_token": token, **_form(
            start, title=payload[:160], place=payload[:300], description=payload)})
        assert response.status_code in (302, 422), payload
        assert not _dangers(response.get_data(as_text=True), set()), payload
        if response.status_code == 302:
            saved += 1
            html = manon.get(response.headers["Location"]).get_data(as_text=True)
            assert not _dangers(html, set()), payload
    assert saved > 10
    for page in (f"/groups/{slug}/events", "/settings/calendar"):
        assert not _dangers(manon.get(page).get_data(as_text=True), set())


def test_bad_recaps_and_answers(app, backend, setting):
    users, slug, manon, token = setting
    event_id = make_event(app, slug, users["olive"].id, starts=utcnow() - timedelta(days=2))
    future_id = make_event(app, slug, users["olive"].id)
    values = BASIC + _lines("xss-payloads.txt", 100 if backend == "sqlite" else 250)
    for value in values:
        response = manon.post(f"/events/{event_id}/recap",
                              data={"csrf_token": token, "recap": value})
        assert response.status_code in (302, 422), value
        html = manon.get(f"/events/{event_id}").get_data(as_text=True)
        assert not _dangers(html, set()), value
        response = manon.post(f"/events/{future_id}/rsvp",
                              data={"csrf_token": token, "answer": value})
        assert response.status_code == 302
        response = manon.post("/settings/calendar", data={"csrf_token": token, "action": value})
        assert response.status_code == 400
    assert answers(app, future_id) == {}
    for path in (f"/events/{2**31}", f"/events/{2**63}", "/events/-1", "/events/abc",
                 f"/events/{2**31}/event.ics", f"/groups/{'x' * 500}/events"):
        assert manon.get(path).status_code == 404, path
