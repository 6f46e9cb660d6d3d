"""Bad input on every club form: empty, overlong, control characters, wrong types, unknown ids
and the naughty-strings corpus. Never a 500; each refusal says why and writes nothing."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import sqlalchemy as sa

from community.clubs.models import Club, ClubDomain, ClubMember, JoinRequest, Visibility
from community.extensions import db
from tests import helpers
from tests.conftest import login, make_user
from tests.roadmap.clubs_factories import MEMBER, OWNER, get_club, make_club, make_staff, roles

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "naughty-strings.txt"
SHAPES = ["", "   ", "x" * 10_000, "é" * 6_000, "a\x00b", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --"]


def naughty(backend: str) -> list[str]:
    if not CORPUS.exists():
        pytest.skip(f"the naughty-strings corpus is missing at {CORPUS}")
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    # Every string on SQLite; every 7th on PostgreSQL (the same code paths, the other engine).
    return SHAPES + (lines if backend == "sqlite" else lines[::7])


def text(response) -> str:
    return html.unescape(helpers.text(response))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def token_of(client, url: str) -> str:
    return helpers.hidden_fields(helpers.text(client.get(url)))["csrf_token"]


@pytest.fixture
def setup(app):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id, domains=["acme.com"])
    return staff, member, slug


def snapshot(app, slug: str):
    """What a refused edit must leave as it was."""
    club = get_club(app, slug)
    with app.app_context():
        domains = sorted(db.session.scalars(sa.select(ClubDomain.domain)))
    return club.name, club.description_md, club.visibility, domains


# ---- the club's form ----

@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "x"}, "Use between 2 and 80 characters."),
    ({"name": "x" * 81}, "Use between 2 and 80 characters."),
    ({"name": "Bad\x07bell"}, "Remove the invisible control characters from this text."),
    ({"description": "d" * 5001}, "Use at most 5000 characters."),
    ({"visibility": "secret"}, "Not a valid choice"),
    ({"visibility": ""}, "This field is required."),
    ({"domains": "not a domain"}, "“not” is not an e-mail domain such as example.com."),
    ({"domains": "acme"}, "“acme” is not an e-mail domain such as example.com."),
    ({"domains": "-acme.com"}, "“-acme.com” is not an e-mail domain"),
    ({"domains": "acme..com"}, "“acme..com” is not an e-mail domain"),
    ({"domains": "acme.com/evil"}, "“acme.com/evil” is not an e-mail domain"),
    ({"domains": "bücher.de"}, "“bücher.de” is not an e-mail domain"),
    ({"domains": "a" * 64 + ".com"}, "is not an e-mail domain"),
    ({"domains": "acme.c0m"}, "“acme.c0m” is not an e-mail domain"),
    ({"domains": ", ".join(f"d{n}.com" for n in range(21))}, "Give at most 20 e-mail domains."),
])
def test_a_bad_club_form_is_refused_with_its_reason_and_changes_nothing(app, setup, fields,
                                                                        message):
    _staff, _member, slug = setup
    pat = signed_in(app, "pat@example.com")
    good = {"name": "Acme Club", "description": "Hello", "visibility": "members",
            "domains": "acme.com"}
    before = snapshot(app, slug)
    response = pat.post(f"/clubs/{slug}/edit", data={
        "csrf_token": token_of(pat, f"/clubs/{slug}/edit"), **good, **fields})
    assert response.status_code == 422 and message in text(response)
    assert snapshot(app, slug) == before
    clubs_before = count(app, Club)
    response = pat.post("/clubs/new", data={
        "csrf_token": token_of(pat, "/clubs/new"), **good, **fields})
    assert response.status_code == 422 and message in text(response)
    assert count(app, Club) == clubs_before


def test_domains_are_normalised(app, setup):
    _staff, _member, slug = setup
    pat = signed_in(app, "pat@example.com")
    response = pat.post(f"/clubs/{slug}/edit", data={
        "csrf_token": token_of(pat, f"/clubs/{slug}/edit"), "name": "Acme",
        "visibility": "public",
        "domains": " @ACME.com.,\r\n\tacme.co.uk ; xn--bcher-kva.de acme.com"})
    assert response.status_code == 302
    assert snapshot(app, slug)[3] == ["acme.co.uk", "acme.com", "xn--bcher-kva.de"]


def test_the_club_forms_survive_the_corpus(app, setup, backend):
    _staff, _member, slug = setup
    pat = signed_in(app, "pat@example.com")
    token = token_of(pat, f"/clubs/{slug}/edit")
    failures = []
    for value in naughty(backend):
        before = snapshot(app, slug)
        response = pat.post(f"/clubs/{slug}/edit", data={
            "csrf_token": token, "name": value, "description": value, "visibility": value,
            "domains": value})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        elif response.status_code == 422 and snapshot(app, slug) != before:
            failures.append((value, "written on refusal"))
        response = pat.post(f"/clubs/{slug}/edit", data={
            "csrf_token": token, "name": value, "description": value, "visibility": "public",
            "domains": ""})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
    for value in SHAPES:
        response = pat.post("/clubs/new", data={"csrf_token": token, "name": value,
                                                "description": value, "visibility": "public"})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
    assert failures == []
    with app.app_context():
        for cooked in db.session.scalars(sa.select(Club.description_html)):
            assert "<script" not in cooked
    assert get_club(app, slug).slug == slug  # editing never moves the club's address


# ---- asking to join, the invitation ----

def test_a_bad_join_request_is_refused_and_stores_nothing(app, setup):
    _staff, _member, slug = setup
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice, f"/clubs/{slug}")
    for fields, message in (
            ({"organisation": "o" * 121}, "Use at most 120 characters."),
            ({"message": "m" * 501}, "Use at most 500 characters."),
            ({"organisation": "Acme\x1b[31m"}, "Remove the invisible control characters"),
            ({"message": "hi\x00there"}, "Remove the invisible control characters")):
        response = alice.post(f"/clubs/{slug}/join", data={"csrf_token": token, **fields},
                              follow_redirects=True)
        assert message in text(response)
        assert count(app, JoinRequest) == 0


def test_join_requests_survive_the_corpus(app, setup, backend):
    _staff, member, slug = setup
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice, f"/clubs/{slug}")
    failures = []
    for value in naughty(backend):
        response = alice.post(f"/clubs/{slug}/join", data={
            "csrf_token": token, "organisation": value, "message": value})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        with app.app_context():
            db.session.execute(sa.delete(JoinRequest))
            db.session.commit()
    assert failures == []


def test_unknown_clubs_tokens_and_ids_answer_404_or_a_message(app, setup):
    staff, member, slug = setup
    pat = signed_in(app, "pat@example.com")
    token = token_of(pat, f"/clubs/{slug}/members")
    for path in ("/clubs/nope", "/clubs/nope/members", "/clubs/nope/edit",
                 "/clubs/%3Cscript%3E", "/clubs/join/nope", "/clubs/join/" + "x" * 300,
                 f"/clubs/{slug}/logo-0.png", f"/clubs/{slug}/logo-{2**63}.png"):
        assert pat.get(path).status_code == 404, path
    for path in ("/clubs/nope/join", "/clubs/nope/leave",
                 f"/clubs/{slug}/join-requests/{2**63}/approve",
                 f"/clubs/{slug}/members/abc/remove"):
        assert pat.post(path, data={"csrf_token": token}).status_code == 404, path
    for path, message in (
            (f"/clubs/{slug}/join-requests/999/approve", "This request was already answered."),
            (f"/clubs/{slug}/join-requests/999/decline", "This request was already answered."),
            (f"/clubs/{slug}/members/999/remove", "This person is not a member of the club."),
            (f"/clubs/{slug}/members/{member.id}/role", "This person is not a member")):
        response = pat.post(path, data={"csrf_token": token, "role": "manager"},
                            follow_redirects=True)
        assert message in text(response), path
    assert roles(app, slug) == {staff.id: OWNER}
    assert count(app, ClubMember) == 1


def test_a_bad_role_is_refused_and_changes_nothing(app, setup):
    staff, member, slug = setup
    with app.app_context():
        db.session.add(ClubMember(club_id=get_club(app, slug).id, user_id=member.id))
        db.session.commit()
    pat = signed_in(app, "pat@example.com")
    token = token_of(pat, f"/clubs/{slug}/members")
    for value in ("", "admin", "OWNER", "owner; DROP TABLE clubs", "1", "x" * 5000):
        response = pat.post(f"/clubs/{slug}/members/{member.id}/role",
                            data={"csrf_token": token, "role": value}, follow_redirects=True)
        assert response.status_code == 200
        assert "Not a valid choice" in text(response) or "This field is required." in text(
            response), value
    assert roles(app, slug) == {staff.id: OWNER, member.id: MEMBER}


def test_a_members_only_club_answers_404_to_bad_input_from_outsiders(app):
    staff = make_staff(app)
    make_user(app)
    slug = make_club(app, staff.id, private=True)
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice, "/")
    for path in (f"/clubs/{slug}/join", f"/clubs/{slug}/leave", f"/clubs/{slug}/logo",
                 f"/clubs/{slug}/members/{staff.id}/role", f"/clubs/{slug}/invitation"):
        response = alice.post(path, data={"csrf_token": token, "role": "x", "message": "m"})
        assert response.status_code == 404, path
        assert "Acme Users" not in text(response)
    assert get_club(app, slug).visibility is Visibility.MEMBERS
    assert count(app, JoinRequest) == 0
