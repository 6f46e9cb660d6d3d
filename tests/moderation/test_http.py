"""The moderators' pages over HTTP: who may see them, deciding with CSRF, the audit log."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.moderation import service
from community.moderation.models import AuditEntry, Flag, FlagState
from tests.conftest import login, make_user
from tests.helpers import post_form, queries_for, text
from tests.moderation.conftest import user

PAGES = ("/moderation/flags", "/moderation/audit", "/moderation/flags/note/1")


def flag_notes(app, reporter_id: int, *note_ids: int, reason="spam") -> None:
    with app.app_context():
        for note_id in note_ids:
            service.open_flag(user(app, reporter_id), "note", note_id, reason, "cheap watches")
        db.session.commit()


@pytest.fixture
def mod_client(app, moderator):
    client = app.test_client()
    assert login(client, "mo@example.com").status_code == 302
    return client


@pytest.fixture
def admin_client(app):
    """The audit log is for administrators (tests/moderation/test_audit.py)."""
    make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    client = app.test_client()
    assert login(client, "ada@example.com").status_code == 302
    return client


@pytest.mark.parametrize("url", PAGES)
def test_visitors_are_sent_to_log_in(app, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_members_get_403(app, auth, url):
    assert auth.get(url).status_code == 403


def test_members_cannot_decide(app, auth, member, notes):
    flag_notes(app, member.id, 1)
    response = post_form(auth, "/moderation/flags/note/1/decide", {"decision": "hide"},
                         get_url="/settings")
    assert response.status_code == 403
    assert notes.hide_calls == []


def test_the_nav_links_the_queue_for_moderators_and_admins_only(app, auth, mod_client):
    assert "/moderation/flags" not in text(auth.get("/"))
    assert "/moderation/flags" in text(mod_client.get("/"))
    make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    admin = app.test_client()
    login(admin, "ada@example.com")
    assert "/moderation/flags" in text(admin.get("/"))
    assert admin.get("/moderation/flags").status_code == 200


def test_the_queue_groups_flags_by_subject(app, mod_client, member, notes):
    bob = make_user(app, "Bob Stone", "bob@example.com")
    flag_notes(app, member.id, 1, 2)
    flag_notes(app, bob.id, 1)
    page = text(mod_client.get("/moderation/flags"))
    assert page.count('action="/moderation/flags/note/1/decide"') == 1
    assert "2 open flags" in page and "Buy cheap watches here" in page
    assert page.index("Note 1") < page.index("Note 2")


def test_a_moderator_hides_flagged_content(app, mod_client, admin_client, moderator, member,
                                           notes):
    flag_notes(app, member.id, 1)
    response = post_form(mod_client, "/moderation/flags/note/1/decide",
                         {"decision": "hide", "note": "Advertising"},
                         get_url="/moderation/flags")
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/flags"
    assert "1 flag decided." in text(mod_client.get("/moderation/flags"))
    assert notes.hide_calls == [(moderator.id, 1, "Advertising")]
    with app.app_context():
        assert db.session.scalars(sa.select(Flag.state)).all() == [FlagState.ACTIONED]
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert (entry.action, entry.actor_id, entry.reason) == ("flag.hide", moderator.id,
                                                               "Advertising")
    audit = text(admin_client.get("/moderation/audit"))
    assert "flag.hide" in audit and "Advertising" in audit


def test_deciding_twice_says_it_is_already_decided(app, mod_client, member, notes):
    flag_notes(app, member.id, 1)
    for _ in range(2):
        post_form(mod_client, "/moderation/flags/note/1/decide",
                  {"decision": "dismiss", "note": "not spam"}, get_url="/moderation/flags")
    assert "another moderator may have decided it" in text(mod_client.get("/moderation/flags"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_a_bad_decision_changes_nothing(app, mod_client, member, notes):
    flag_notes(app, member.id, 1)
    for data in ({"decision": "delete"}, {}, {"decision": "dismiss", "note": "x" * 501},
                 {"decision": "dismiss", "note": "two\nlines"}):
        response = post_form(mod_client, "/moderation/flags/note/1/decide", data,
                             get_url="/moderation/flags")
        assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Flag.state)).all() == [FlagState.OPEN]


def test_decide_without_csrf_is_rejected(app, mod_client, member, notes):
    flag_notes(app, member.id, 1)
    response = mod_client.post("/moderation/flags/note/1/decide", data={"decision": "hide"})
    assert response.status_code == 400
    assert notes.hide_calls == []
    with app.app_context():
        assert db.session.scalars(sa.select(Flag.state)).all() == [FlagState.OPEN]


def test_the_detail_page_shows_every_flag_and_the_evidence(app, mod_client, member, notes):
    flag_notes(app, member.id, 2, reason="abuse")
    with app.app_context():
        service.open_detector_flag("near_duplicate", "note", 2, 0.91,
                                   {"similar": ["<b>é</b>"]})
        db.session.commit()
    page = text(mod_client.get("/moderation/flags/note/2"))
    assert "Abusive or disrespectful" in page and "near_duplicate" in page and "0.91" in page
    assert "&lt;b&gt;é&lt;/b&gt;" in page and "<b>é" not in page
    assert "Alice Martin" in page  # moderators see who reported
    assert mod_client.get("/moderation/flags/note/99").status_code == 404


def test_the_audit_log_pages_with_before_and_filters(app, admin_client, moderator):
    with app.app_context():
        mo = user(app, moderator.id)
        for n in range(55):
            service.record_action(mo, "topic.move" if n % 2 else "post.hide", "topic", n,
                                  f"reason {n}")
        db.session.commit()
    first = text(admin_client.get("/moderation/audit"))
    assert "reason 54" in first and "reason 4<" not in first
    assert 'href="/moderation/audit?before=' in first
    with app.app_context():
        cursor = db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)
                                    .offset(5).limit(1)).one()
    older = text(admin_client.get(f"/moderation/audit?before={cursor}"))
    assert "reason 4<" in older and "reason 5<" not in older
    moves = text(admin_client.get("/moderation/audit?action=topic."))
    assert "topic.move" in moves and "post.hide" not in moves.split('<ol class="idea-list">')[1]


def test_the_export_includes_flags_filed(app, auth, member, notes):
    flag_notes(app, member.id, 1)
    document = json.loads(text(auth.get("/settings/export")))
    assert document["flags_filed"][0]["reason"] == "spam"
    assert document["flags_filed"][0]["note"] == "cheap watches"


def test_the_queue_queries_do_not_grow_with_the_page(app, mod_client, member, notes):
    flag_notes(app, member.id, 1)
    mod_client.get("/ideas")  # the day's first visit (counted once, with the level) is behind
    few = queries_for(app, mod_client, "/moderation/flags")
    notes.notes.update({n: f"Note text {n}" for n in range(4, 25)})
    flag_notes(app, member.id, 2, 3, *range(4, 25))
    with app.app_context():
        service.open_detector_flag("vote_burst", "user", member.id, 0.8, {"votes": 9})
        db.session.commit()
    many = queries_for(app, mod_client, "/moderation/flags")
    assert many == few


@pytest.mark.parametrize("value", [str(2**63), str(10**30), "-9223372036854775809", "x"])
def test_out_of_range_cursors_show_the_first_page(mod_client, admin_client, value):
    assert mod_client.get(f"/moderation/flags?after={value}").status_code == 200
    assert admin_client.get(f"/moderation/audit?before={value}").status_code == 200
