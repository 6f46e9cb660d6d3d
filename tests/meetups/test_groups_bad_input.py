"""Bad input on every group form: empty, overlong, control characters, wrong types, unknown
ids and tokens, the naughty-strings and XSS corpora. Never a 500; each refusal says why and
writes nothing."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.groups.models import (
    Group,
    GroupInvitation,
    GroupJoinRequest,
    GroupMember,
    GroupPolicy,
)
from tests import helpers
from tests.conftest import login, make_user
from tests.meetups.factories import (
    MEMBER,
    OWNER,
    PRIVATE,
    SECRET,
    get_group,
    make_admin,
    make_group,
    roles,
)

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SHAPES = ["", "   ", "x" * 10_000, "é" * 6_000, "a\x00b", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --"]


def corpus(backend: str) -> list[str]:
    lines = []
    for name in ("naughty-strings.txt", "xss-payloads.txt"):
        path = CORPORA / name
        if not path.exists():
            pytest.skip(f"the corpus is missing at {path}")
        lines += [line for line in path.read_text(encoding="utf-8").splitlines()
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


def token_of(client) -> str:
    return helpers.hidden_fields(helpers.text(client.get("/groups")))["csrf_token"]


@pytest.fixture
def setup(app):
    owner = make_user(app, "Olga Owner", "olga@example.com", trust_level=1)
    member = make_user(app, trust_level=1)
    slug = make_group(app, owner.id, "Lyon Users", PRIVATE)
    return owner, member, slug


def snapshot(app, slug: str):
    group = get_group(app, slug)
    return group.name, group.description_md, group.rules_md, group.visibility


# ---- the group's form ----

@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "x"}, "Use between 2 and 80 characters."),
    ({"name": "x" * 81}, "Use between 2 and 80 characters."),
    ({"name": "Bad\x07bell"}, "Remove the invisible control characters from this text."),
    ({"description": "d" * 5001}, "Use at most 5000 characters."),
    ({"rules": "r" * 5001}, "Use at most 5000 characters."),
    ({"rules": "a\x00b"}, "Remove the invisible control characters"),
    ({"visibility": "members"}, "Not a valid choice"),
    ({"visibility": ""}, "This field is required."),
])
def test_a_bad_group_form_is_refused_with_its_reason_and_changes_nothing(app, setup, fields,
                                                                         message):
    _owner, _member, slug = setup
    olga = signed_in(app, "olga@example.com")
    good = {"csrf_token": token_of(olga), "name": "Lyon Club", "description": "Hello",
            "rules": "Be nice", "visibility": "public"}
    before = snapshot(app, slug)
    response = olga.post(f"/groups/{slug}/edit", data={**good, **fields})
    assert response.status_code == 422 and message in text(response)
    assert snapshot(app, slug) == before
    groups_before = count(app, Group)
    response = olga.post("/groups/new", data={**good, **fields})
    assert response.status_code == 422 and message in text(response)
    assert count(app, Group) == groups_before


def test_the_group_forms_survive_the_corpora(app, setup, backend):
    _owner, _member, slug = setup
    olga = signed_in(app, "olga@example.com")
    token = token_of(olga)
    failures = []
    for value in corpus(backend):
        before = snapshot(app, slug)
        response = olga.post(f"/groups/{slug}/edit", data={
            "csrf_token": token, "name": value, "description": value, "rules": value,
            "visibility": value})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        elif response.status_code == 422 and snapshot(app, slug) != before:
            failures.append((value, "written on refusal"))
        response = olga.post(f"/groups/{slug}/edit", data={
            "csrf_token": token, "name": value, "description": value, "rules": value,
            "visibility": "private"})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        response = olga.get("/groups", query_string={"q": value, "page": value})
        if response.status_code >= 500:
            failures.append((value, "list", response.status_code))
    for value in SHAPES:
        response = olga.post("/groups/new", data={"csrf_token": token, "name": value,
                                                  "description": value, "visibility": "public"})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
    assert failures == []
    with app.app_context():
        for cooked in db.session.scalars(sa.select(Group.description_html)):
            assert "<script" not in cooked
        for cooked in db.session.scalars(sa.select(Group.rules_html)):
            assert "<script" not in cooked
    assert get_group(app, slug).slug == slug
    page = helpers.text(olga.get(f"/groups/{slug}"))
    assert "<script>alert" not in page


# ---- joining, inviting, roles, the policy ----

def test_a_bad_join_request_is_refused_and_stores_nothing(app, setup):
    _owner, _member, slug = setup
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice)
    for fields, message in (
            ({"message": "m" * 501}, "Use at most 500 characters."),
            ({"message": "hi\x00there"}, "Remove the invisible control characters")):
        response = alice.post(f"/groups/{slug}/join", data={"csrf_token": token, **fields})
        assert response.status_code == 422 and message in text(response)
        assert count(app, GroupJoinRequest) == 0


def test_join_requests_survive_the_corpora(app, setup, backend):
    _owner, _member, slug = setup
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice)
    failures = []
    for value in corpus(backend):
        response = alice.post(f"/groups/{slug}/join", data={"csrf_token": token,
                                                            "message": value})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        with app.app_context():
            db.session.execute(sa.delete(GroupJoinRequest))
            db.session.commit()
    assert failures == []


def test_invitations_survive_the_corpora(app, setup, backend):
    _owner, _member, slug = setup
    olga = signed_in(app, "olga@example.com")
    token = token_of(olga)
    failures = []
    for value in corpus(backend)[:300]:
        response = olga.post(f"/groups/{slug}/invite", data={
            "csrf_token": token, "action": "email", "email": value})
        if response.status_code >= 500:
            failures.append((value, response.status_code))
        response = olga.post(f"/groups/{slug}/invite", data={"csrf_token": token,
                                                              "action": value})
        if response.status_code >= 500:
            failures.append((value, "action", response.status_code))
    assert failures == []
    assert count(app, GroupInvitation) == 0


def test_unknown_groups_tokens_and_ids_answer_404_or_a_message(app, setup):
    owner, member, slug = setup
    olga = signed_in(app, "olga@example.com")
    token = token_of(olga)
    for path in ("/groups/nope", "/groups/nope/members", "/groups/nope/edit",
                 "/groups/%3Cscript%3E", "/groups/join/nope", "/groups/join/" + "x" * 300,
                 "/groups/invitations/nope", "/groups/invitations/" + "x" * 300,
                 f"/groups/{slug}/cover/0", f"/groups/{slug}/cover/{2**63}",
                 f"/groups/{slug}/cover/-1"):
        assert olga.get(path).status_code == 404, path
    for path in ("/groups/nope/join", "/groups/nope/leave",
                 f"/groups/{slug}/requests/{2**63}/approve",
                 f"/groups/{slug}/members/abc/remove", "/groups/invitations/nope"):
        assert olga.post(path, data={"csrf_token": token}).status_code == 404, path
    for path, message in (
            (f"/groups/{slug}/requests/999/approve", "This request was already answered."),
            (f"/groups/{slug}/requests/999/decline", "This request was already answered."),
            (f"/groups/{slug}/members/999/remove", "This person is not a member of the group."),
            (f"/groups/{slug}/members/{member.id}/role", "This person is not a member")):
        response = olga.post(path, data={"csrf_token": token, "role": "manager"},
                             follow_redirects=True)
        assert message in text(response), path
    assert roles(app, slug) == {owner.id: OWNER}


def test_a_bad_role_is_refused_and_changes_nothing(app, setup):
    owner, member, slug = setup
    with app.app_context():
        db.session.add(GroupMember(group_id=get_group(app, slug).id, user_id=member.id))
        db.session.commit()
    olga = signed_in(app, "olga@example.com")
    token = token_of(olga)
    for value in ("", "admin", "OWNER", "owner; DROP TABLE groups", "1", "x" * 5000):
        response = olga.post(f"/groups/{slug}/members/{member.id}/role",
                             data={"csrf_token": token, "role": value}, follow_redirects=True)
        assert response.status_code == 200
        assert "Not a valid choice" in text(response) or "This field is required." in text(
            response), value
    assert roles(app, slug) == {owner.id: OWNER, member.id: MEMBER}


def test_a_bad_policy_is_refused_and_changes_nothing(app):
    make_admin(app)
    ada = signed_in(app, "ada@example.com")
    token = token_of(ada)
    for value in ("", "4", "-1", "x", "1.5", "9" * 40, "\x00"):
        response = ada.post("/groups/policy", data={"csrf_token": token, "min_level": value,
                                                    "staff_only": value})
        assert response.status_code in (400, 422), value
    assert count(app, GroupPolicy) == 0


def test_a_secret_group_answers_404_to_bad_input_from_outsiders(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    make_user(app)
    slug = make_group(app, owner.id, "Hush", SECRET)
    alice = signed_in(app, "alice@example.com")
    token = token_of(alice)
    for path in (f"/groups/{slug}/join", f"/groups/{slug}/leave", f"/groups/{slug}/cover",
                 f"/groups/{slug}/members/{owner.id}/role", f"/groups/{slug}/invite",
                 f"/groups/{slug}/edit", f"/groups/{slug}/cover/remove"):
        response = alice.post(path, data={"csrf_token": token, "role": "x", "message": "m"})
        assert response.status_code == 404, path
        assert "Hush" not in text(response)
    assert count(app, GroupJoinRequest) == 0
