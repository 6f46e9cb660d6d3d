"""Bad input on every ideas form: naughty strings, overlong, empty, control characters, and
votes on missing, merged or closed ideas. Never a 500; refusals write nothing."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.ideas.models import Category, Comment, Idea, PriorityEntry, StatusChange, Vote
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.ideas.factories import get_idea, make_idea

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "naughty-strings.txt"
SHAPES = ["", "   ", "x" * 10_000, "é" * 6_000, "a\x00b", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --"]


def naughty(backend: str) -> list[str]:
    if not CORPUS.exists():
        pytest.skip(f"the naughty-strings corpus is missing at {CORPUS}")
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    # Every string on SQLite; every 5th on PostgreSQL (the same code paths, the other engine).
    return SHAPES + (lines if backend == "sqlite" else lines[::5])


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_idea_form_survives_bad_input(app, auth, member, backend):
    token = hidden_fields(text(auth.get("/ideas/new")))["csrf_token"]
    failures = []
    for value in naughty(backend):
        for data in ({"title": value, "body": value, "tags": value, "submit": "1"},
                     {"title": value, "check": "1"}):
            before = count(app, Idea)
            response = auth.post("/ideas/new", data={"csrf_token": token, **data})
            if response.status_code >= 500:
                failures.append((data, response.status_code))
            elif response.status_code == 422 and count(app, Idea) != before:
                failures.append((data, "written on refusal"))
    assert failures == []
    with app.app_context():
        for html in db.session.scalars(sa.select(Idea.body_html)):
            assert "<script" not in html


def test_vote_comment_and_team_forms_survive_bad_input(app, member, backend):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    idea_id = make_idea(app, member.id)
    target_id = make_idea(app, member.id, "Another idea entirely")
    pat = app.test_client()
    login(pat, "pat@example.com")
    token = hidden_fields(text(pat.get(f"/ideas/{idea_id}-dark-mode")))["csrf_token"]
    failures = []
    for value in naughty(backend)[::2]:
        for url, data in (
            (f"/ideas/{idea_id}/vote", {"importance": value, "why": value}),
            (f"/ideas/{idea_id}/vote", {"importance": "2", "why": value}),
            (f"/ideas/{idea_id}/comments", {"body": value, "official": value}),
            (f"/ideas/{idea_id}/status", {"status": value, "note": value}),
            (f"/ideas/{idea_id}/merge", {"target": value}),
            ("/priorities", {"action": value, "idea": value, "order": value}),
            ("/triage/bulk", {"ideas": value, "status": value, "note": value}),
        ):
            response = pat.post(url, data={"csrf_token": token, **data})
            if response.status_code >= 500:
                failures.append((url, value[:40], response.status_code))
    assert failures == []
    assert get_idea(app, target_id).status.value == "open"


def test_garbage_query_strings_on_lists_are_not_a_500(client, member, app):
    make_idea(app, member.id)
    for query in ("sort=%ff", "status=nope", "page=-3", "page=99999999999999999999",
                  "category=abc", "mine=1", "sort=top&status=declined&tag=x"):
        assert client.get(f"/ideas?{query}").status_code == 200, query
    assert client.get("/ideas/similar?title=%ff%fe").status_code == 200
    assert client.get("/ideas/999999").status_code == 404
    # NUL never belongs in text: refused up front with a clean 400 page.
    for url in ("/ideas?tag=%00", "/ideas/1-%00", "/ideas/similar?title=a%00b"):
        response = client.get(url)
        assert response.status_code == 400 and "could not be understood" in text(response)


def test_votes_on_missing_merged_or_closed_ideas_write_nothing(app, member):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    open_id = make_idea(app, member.id)
    merged_id = make_idea(app, member.id, "Duplicate of dark mode")
    pat = app.test_client()
    login(pat, "pat@example.com")
    token = hidden_fields(text(pat.get(f"/ideas/{open_id}-dark-mode")))["csrf_token"]
    pat.post(f"/ideas/{merged_id}/merge", data={"csrf_token": token, "target": str(open_id)})
    pat.post(f"/ideas/{open_id}/status",
             data={"csrf_token": token, "status": "declined", "note": "Not for now: cost."})
    before = (count(app, Vote), count(app, StatusChange), count(app, Comment))
    alice = app.test_client()
    login(alice)
    token = hidden_fields(text(alice.get("/ideas")))["csrf_token"]
    for idea_id in (open_id, merged_id, 424242):
        response = alice.post(f"/ideas/{idea_id}/vote",
                              data={"csrf_token": token, "importance": "2"},
                              follow_redirects=True)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "can no longer be voted for" in text(response)
    assert (count(app, Vote), count(app, StatusChange), count(app, Comment)) == before
    assert count(app, PriorityEntry) == 0


BIG_INTEGERS = [str(2**63), str(2**64), str(-(2**63) - 1), str(10**30)]


def test_out_of_range_integers_are_refused_in_every_ideas_form_and_query(app, member):
    """Past 2**63 - 1 SQLite's driver raises OverflowError: each is a refusal, never a 500."""
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    idea_id = make_idea(app, member.id)
    with app.app_context():  # with a category, the idea form shows its category field
        db.session.add(Category(slug="mobile", name="Mobile"))
        db.session.commit()
    pat = app.test_client()
    login(pat, "pat@example.com")
    token = hidden_fields(text(pat.get(f"/ideas/{idea_id}-dark-mode")))["csrf_token"]
    before = [count(app, model) for model in (Idea, PriorityEntry, StatusChange)]
    for value in BIG_INTEGERS:
        for url, data, refusal in (
            (f"/ideas/{idea_id}/merge", {"target": value}, "Choose another idea to merge"),
            ("/triage/bulk", {"ideas": value, "status": "planned"}, ""),
            ("/priorities", {"action": "add", "idea": value}, "This number is out of range."),
            ("/priorities", {"action": "order", "order": f"{idea_id},{value}"},
             "This number is out of range."),
            ("/ideas/new", {"title": "An idea with a big category", "category": value,
                            "submit": "1"}, "This number is out of range."),
        ):
            response = pat.post(url, data={"csrf_token": token, **data}, follow_redirects=True)
            assert response.status_code in (200, 422), (url, value, response.status_code)
            assert refusal in text(response), (url, value)
        for url in (f"/ideas?page={value}", f"/ideas?category={value}"):
            assert pat.get(url).status_code == 200, url
        assert pat.get(f"/ideas/{value}").status_code == 404
    assert [count(app, model) for model in (Idea, PriorityEntry, StatusChange)] == before
