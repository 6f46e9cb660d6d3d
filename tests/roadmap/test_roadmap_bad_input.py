"""Bad input on every roadmap form (item, link, ship): empty, too long, wrong types, unknown
ids, and the shared corpora. Each is answered with a clear message, never a 500, and a refused
form stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.roadmap.models import ChangelogEntry, ItemStatus, RoadmapItem, RoadmapLink
from tests.helpers import hidden_fields, text
from tests.roadmap.test_roadmap import ITEM_FORM, make_idea, make_item, staff_client

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SHAPES = ["", "   ", "x" * 10_000, "é" * 300, "a\x00b", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --", "-1", "1e9",
          "99999999999999999999999"]


def corpus(backend: str) -> list[str]:
    """The shared corpora (every 16th line on SQLite, every 40th on PostgreSQL), or skip."""
    files = [CORPORA / n for n in ("naughty-strings.txt", "sqli-payloads.txt",
                                   "xss-payloads.txt")]
    if not all(f.exists() for f in files):
        pytest.skip(f"the corpora are missing under {CORPORA}")
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return SHAPES + lines[::16 if backend == "sqlite" else 40]


def snapshot(app):
    with app.app_context():
        return (
            db.session.execute(sa.select(RoadmapItem.id, RoadmapItem.title, RoadmapItem.status,
                                         RoadmapItem.horizon, RoadmapItem.quarter)
                               .order_by(RoadmapItem.id)).all(),
            db.session.execute(sa.select(RoadmapLink.idea_id, RoadmapLink.item_id)).all(),
            db.session.scalar(sa.select(sa.func.count()).select_from(ChangelogEntry)))


@pytest.mark.parametrize("data, message", [
    ({"title": ""}, "This field is required."),
    ({"title": "x" * 141}, "Use at most 140 characters."),
    ({"title": "Tab\there"}, "Remove the invisible control characters"),
    ({"body": "y" * 10_001}, "Use at most 10000 characters."),
    ({"horizon": "someday"}, "Not a valid choice"),
    ({"horizon": "quarter", "quarter": ""}, "Give the quarter as YEAR-Qn"),
    ({"horizon": "quarter", "quarter": "2027-Q5"}, "Give the quarter as YEAR-Qn"),
    ({"horizon": "quarter", "quarter": "Q1-2027"}, "Give the quarter as YEAR-Qn"),
    ({"status": "shipped"}, "Not a valid choice"),
    ({"position": "first"}, "Not a valid integer value."),
    ({"position": "-3"}, "Give a whole number from 0 to 9999."),
    ({"position": "99999999999999999999999"}, "Give a whole number from 0 to 9999."),
])
def test_item_form_refuses_bad_fields_with_a_message(app, data, message):
    pat = staff_client(app)
    item_id = make_item(app, "Kept title")
    before = snapshot(app)
    for url in ("/roadmap/new", f"/roadmap/{item_id}/edit"):
        token = hidden_fields(text(pat.get(url)))
        response = pat.post(url, data={**token, **ITEM_FORM, **data})
        assert response.status_code == 422, url
        assert message in text(response), url
    assert snapshot(app) == before


def test_item_forms_survive_the_corpora(app, backend):
    pat = staff_client(app)
    item_id = make_item(app, "Kept title")
    token = hidden_fields(text(pat.get("/roadmap/new")))
    failures = []
    for value in corpus(backend):
        for url in ("/roadmap/new", f"/roadmap/{item_id}/edit"):
            data = {**token, "title": value, "body": value, "horizon": value, "quarter": value,
                    "status": value, "position": value, "members_only": value}
            response = pat.post(url, data=data)
            if response.status_code != 422:
                failures.append((url, value[:40], response.status_code))
    assert failures == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoadmapItem)) == 1
        assert db.session.get(RoadmapItem, item_id).title == "Kept title"


def test_link_and_ship_forms_survive_the_corpora(app, member, backend):
    pat = staff_client(app)
    item_id = make_item(app)
    make_idea(app)
    token = hidden_fields(text(pat.get(f"/roadmap/{item_id}")))
    before = snapshot(app)
    failures = []
    for value in corpus(backend):
        if value.strip().lstrip("#").isdecimal():
            continue  # a real idea number would link it: not bad input
        response = pat.post(f"/roadmap/{item_id}/link", data={**token, "idea": value})
        if response.status_code >= 500:
            failures.append(("link", value[:40], response.status_code))
        response = pat.post(f"/roadmap/{item_id}/ship", data={**token, "title": value,
                                                              "body": value[:0]})
        if response.status_code != 422:
            failures.append(("ship", value[:40], response.status_code))
    assert failures == []
    assert snapshot(app) == before


@pytest.mark.parametrize("value, message", [
    ("", "This field is required."),
    ("12345678", "There is no idea with this number or address."),
    ("https://example.com/ideas/99999-nope", "There is no idea with this number or address."),
    ("https://example.com/forums/1", "There is no idea with this number or address."),
    ("99999999999999999999999999", "There is no idea with this number or address."),
    ("x" * 501, "Use at most 500 characters."),
])
def test_link_refuses_unknown_ideas_with_a_message(app, member, value, message):
    pat = staff_client(app)
    item_id = make_item(app)
    token = hidden_fields(text(pat.get(f"/roadmap/{item_id}")))
    response = pat.post(f"/roadmap/{item_id}/link", data={**token, "idea": value},
                        follow_redirects=True)
    assert message in text(response)
    assert snapshot(app)[1] == []


def test_linking_the_same_idea_twice_says_so(app, member):
    pat = staff_client(app)
    item_id = make_item(app)
    idea_id = make_idea(app)
    token = hidden_fields(text(pat.get(f"/roadmap/{item_id}")))
    pat.post(f"/roadmap/{item_id}/link", data={**token, "idea": str(idea_id)})
    again = pat.post(f"/roadmap/{item_id}/link", data={**token, "idea": str(idea_id)},
                     follow_redirects=True)
    assert "This idea is already on this item." in text(again)


def test_ship_refuses_empty_and_overlong_texts(app):
    pat = staff_client(app)
    item_id = make_item(app)
    token = hidden_fields(text(pat.get(f"/roadmap/{item_id}/ship")))
    for data, message in (({"body": ""}, "This field is required."),
                          ({"body": "   "}, "This field is required."),
                          ({"body": "z" * 20_001}, "Use at most 20000 characters."),
                          ({"body": "ok", "title": "t" * 141}, "Use at most 140 characters."),
                          ({"body": "bad \x07 bell"}, "Remove the invisible control")):
        response = pat.post(f"/roadmap/{item_id}/ship", data={**token, **data})
        assert response.status_code == 422 and message in text(response)
    with app.app_context():
        assert db.session.get(RoadmapItem, item_id).status is ItemStatus.PLANNED
    assert snapshot(app)[2] == 0


def test_unknown_ids_and_garbage_queries_are_not_a_500(app, client, member):
    pat = staff_client(app)
    item_id = make_item(app)
    token = hidden_fields(text(pat.get(f"/roadmap/{item_id}")))
    for url in ("/roadmap/999999", "/roadmap/0", "/roadmap/99999999999999999999999",
                "/roadmap/999999/edit", "/roadmap/999999/ship", "/changelog/999999",
                "/changelog/abc"):
        assert pat.get(url).status_code == 404, url
    assert pat.post("/roadmap/999999/link", data={**token, "idea": "1"}).status_code == 404
    response = pat.post(f"/roadmap/{item_id}/unlink/999999", data=token, follow_redirects=True)
    assert "This idea is not on this item." in text(response)
    for query in ("by=%ff", "by=status&by=x", "by=" + "s" * 5000):
        assert client.get(f"/roadmap?{query}").status_code == 200
    for query in ("page=-3", "page=0", "page=abc", "page=99999999999999999999"):
        assert client.get(f"/changelog?{query}").status_code == 200
