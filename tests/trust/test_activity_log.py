"""The activity log (issue #11): one row per sign-up, log-in, vote, priority change and post,
written in the action's transaction with keyed hashes of where it came from, never an address
in clear; a refused or rolled-back action writes none. Over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from community.accounts import activity
from community.accounts.activity import DEVICE_COOKIE, Activity, ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.forums import admin, notices
from community.ideas import priorities, service
from community.ideas.models import Idea, Status
from community.timeutil import utcnow
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.forums.conftest import new_reply, new_topic, people
from tests.helpers import hidden_fields, links_in, mails_to, path_of, post_form, text
from tests.ideas.factories import make_idea

IP = "203.0.113.77"  # TEST-NET-3: its text, or its network's, must appear in no row
HASH = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
def forum(app):
    """One open forum category (its id as ``forum.general``, as in tests/forums)."""
    with app.app_context():
        general = admin.create_category("General", slug="general", position=1)
        db.session.commit()
        return SimpleNamespace(general=general.id)


def browser(app):
    """A test client coming from IP."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    return client


def rows(app, user_id: int | None = None) -> list[tuple]:
    """(kind, subject type, subject id, value) of each row, oldest first."""
    with app.app_context():
        query = sa.select(Activity).order_by(Activity.id)
        if user_id is not None:
            query = query.where(Activity.user_id == user_id)
        return [(r.kind, r.subject_type, r.subject_id, r.value)
                for r in db.session.scalars(query)]


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Activity))


def assert_hashed(app, user_id: int, device: str) -> None:
    """Each of the member's rows carries its three hashes, and no address nor device id."""
    with app.app_context():
        found = db.session.execute(sa.select(Activity.__table__).where(
            Activity.user_id == user_id)).all()
    assert found
    for row in found:
        row = row._mapping
        assert all(HASH.fullmatch(row[k] or "") for k in ("ip_hash", "net_hash", "device_hash"))
        cells = " ".join(str(v) for v in row.values())
        assert "203.0.113" not in cells and device not in cells, cells


def user_id_of(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def submit(client, url: str, data: dict, page: str):
    """POST ``data`` to ``url`` with the hidden fields (CSRF) of ``page``, redirects followed."""
    fields = hidden_fields(text(client.get(page, follow_redirects=True)))
    return client.post(url, data={**fields, **data})


def vote(client, idea_id: int, importance: int, why: str = ""):
    return submit(client, f"/ideas/{idea_id}/vote", {"importance": str(importance), "why": why},
                  f"/ideas/{idea_id}")


def unvote(client, idea_id: int):
    return submit(client, f"/ideas/{idea_id}/unvote", {}, f"/ideas/{idea_id}")


def ballot(client, **data):
    return submit(client, "/priorities", {k: str(v) for k, v in data.items()}, "/priorities")


# --- What each action writes ------------------------------------------------------------

def test_a_members_journey_writes_exactly_its_rows_hashed(app, outbox, forum):
    (author,) = people(app, "olga")
    first, second = make_idea(app, author.id, "Dark mode"), make_idea(app, author.id, "Offline")
    topic_id = new_topic(app, author.id, forum.general)
    client = browser(app)
    response = post_form(client, "/signup", {"display_name": "Bea Lune",
                                             "email": "bea@example.org",
                                             "password": GOOD_PASSWORD})
    assert "Check your inbox" in text(response)
    bea = user_id_of(app, "bea@example.org")
    client.get(path_of(links_in(mails_to(outbox, "bea@example.org")[0])[0]))  # signs in
    post_form(client, "/logout", {}, get_url="/")
    assert login(client, "bea@example.org").status_code == 302
    vote(client, first, 3, "night shifts")
    vote(client, first, 1)
    vote(client, first, 1)  # unchanged: no row
    vote(client, second, 2)
    ballot(client, action="add", idea=first)
    ballot(client, action="add", idea=second)
    ballot(client, action="up", idea=second)
    ballot(client, action="order", order=f"{second},{first}")  # unchanged: no row
    unvote(client, first)
    response = post_form(client, "/forums/new", {"title": "Where is the export?", "submit": "1",
                                                 "category": str(forum.general),
                                                 "body": "I looked everywhere."})
    assert response.status_code == 302
    assert post_form(client, f"/t/{topic_id}/reply", {"body": "Settings, then Export.",
                                                      "submit": "1"}).status_code == 302
    with app.app_context():
        posts = db.session.scalars(sa.text(
            "SELECT id FROM posts WHERE author_id = :u ORDER BY id"), {"u": bea}).all()
    K = ActivityKind
    assert rows(app, bea) == [
        (K.SIGNUP, "account", bea, None),
        (K.LOGIN, None, None, None),  # the verification link signed her in
        (K.LOGIN, None, None, None),  # the password
        (K.VOTE_CAST, "idea", first, 3),
        (K.VOTE_CHANGED, "idea", first, 1),
        (K.VOTE_CAST, "idea", second, 2),
        (K.PRIORITY_CHANGED, "idea", first, 1),
        (K.PRIORITY_CHANGED, "idea", second, 2),
        (K.PRIORITY_CHANGED, "idea", second, 1),  # moved up: the other only slid down
        (K.VOTE_WITHDRAWN, "idea", first, None),
        (K.PRIORITY_CHANGED, "idea", first, None),  # the withdrawn vote left the ballot
        (K.POST_WRITTEN, "post", posts[0], None),
        (K.POST_WRITTEN, "post", posts[1], None),
    ]
    assert_hashed(app, bea, client.get_cookie(DEVICE_COOKIE).value)
    with app.app_context():  # one device, one address: the same hashes on every row
        assert db.session.execute(sa.select(sa.func.count(sa.distinct(Activity.device_hash)),
                                            sa.func.count(sa.distinct(Activity.ip_hash)))
                                  .where(Activity.user_id == bea)).one() == (1, 1)


def test_an_idea_and_a_comment_are_posts_written(app, auth, member):
    response = post_form(auth, "/ideas/new", {"title": "Export to CSV please", "submit": "1",
                                              "body": "Monthly reports"})
    assert response.status_code == 302
    with app.app_context():
        idea_id = db.session.scalar(sa.select(Idea.id))
    submit(auth, f"/ideas/{idea_id}/comments", {"body": "And PDF?"}, f"/ideas/{idea_id}")
    with app.app_context():
        comment_id = db.session.scalar(sa.text("SELECT id FROM idea_comments"))
    written = [row for row in rows(app, member.id) if row[0] is ActivityKind.POST_WRITTEN]
    assert written[-2:] == [(ActivityKind.POST_WRITTEN, "idea", idea_id, None),
                            (ActivityKind.POST_WRITTEN, "comment", comment_id, None)]
    # the author's own vote, cast on submitting, is logged as any vote
    assert (ActivityKind.VOTE_CAST, "idea", idea_id) in [row[:3] for row in rows(app, member.id)]


def test_log_in_gives_a_browser_without_one_a_device_cookie_and_logs_its_hash(app, member):
    client = browser(app)
    assert client.get("/login").status_code == 200
    given = client.get_cookie(DEVICE_COOKIE)
    assert given is not None and len(given.value) >= 16
    client.delete_cookie(DEVICE_COOKIE)  # a browser that refused it: the log-in sets one
    response = login(client)
    assert response.status_code == 302
    device = client.get_cookie(DEVICE_COOKIE).value
    with app.app_context():
        logged = db.session.scalar(sa.select(Activity).where(Activity.user_id == member.id))
        assert logged.kind is ActivityKind.LOGIN
        assert logged.device_hash == activity.origin_of(None, device).device_hash
    kept = browser(app)
    kept.set_cookie(DEVICE_COOKIE, "an-existing-device-id")
    login(kept)
    assert kept.get_cookie(DEVICE_COOKIE).value == "an-existing-device-id"


# --- What writes nothing ------------------------------------------------------------------

def test_refused_log_in_and_sign_up_write_no_row(app, member):
    client = browser(app)
    assert login(client, password="not the password").status_code == 422
    response = post_form(client, "/signup", {"display_name": "Bot Bot", "email": "b@example.org",
                                             "password": GOOD_PASSWORD, "website": "spam"})
    assert response.status_code == 422  # the door's honeypot
    assert user_id_of(app, "b@example.org") is None
    assert count(app) == 0


def test_refused_votes_and_ballots_write_no_row(app, client, member):
    idea_id, shipped = make_idea(app, member.id, "Open one"), make_idea(app, member.id, "Done")
    with app.app_context():
        db.session.get(Idea, shipped).status = Status.SHIPPED
        db.session.commit()
    before = count(app)
    make_user(app, "Una V", "una@example.com", verified=False)
    login(client, "una@example.com")
    vote(client, idea_id, 2)
    ballot(client, action="add", idea=idea_id)
    post_form(client, "/logout", {}, get_url="/")
    login(client)
    logged_in = count(app)
    assert logged_in == before + 2  # the two log-ins, nothing else
    vote(client, shipped, 2)  # closed: refused by the service, rolled back
    vote(client, idea_id, 7)  # no such importance
    unvote(client, idea_id)  # there is no vote to withdraw
    ballot(client, action="order", order=f"{idea_id},999999")  # no such idea
    assert count(app) == logged_in


def test_refused_posts_write_no_row(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    with app.app_context():  # a new account: ten posts an hour
        bob_row = db.session.get(User, bob.id)
        bob_row.created_at, bob_row.trust_level = utcnow(), 0
        db.session.commit()
    for n in range(10):
        new_reply(app, bob.id, topic_id, f"Reply number {n}")
    before = count(app)
    login(client, "bob@example.com")
    over = post_form(client, f"/t/{topic_id}/reply", {"body": "One more", "submit": "1"})
    assert "posting very fast" in text(over)  # refused by the service, rolled back, re-shown
    empty = post_form(client, f"/t/{topic_id}/reply", {"body": "", "submit": "1"})
    assert empty.status_code == 422
    assert count(app) == before + 1  # the log-in
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM posts")) == 11


def test_a_reply_failing_after_its_row_leaves_no_row(app, client, forum, monkeypatch):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    login(client, "bob@example.com")
    before = count(app)

    def fail(*args, **kwargs):
        raise RuntimeError("the mail queue is down")

    monkeypatch.setattr(notices, "new_reply", fail)  # after the post and its row are flushed
    with pytest.raises(RuntimeError):
        post_form(client, f"/t/{topic_id}/reply", {"body": "Lost reply", "submit": "1"})
    assert count(app) == before
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM posts")) == 1


def test_votes_and_ballots_rolled_back_leave_no_row(app, member):
    idea_id = make_idea(app, member.id)
    before = count(app)
    with app.app_context():
        user, idea = db.session.get(User, member.id), db.session.get(Idea, idea_id)
        service.cast_vote(user, idea, 3, None)
        priorities.add(user, idea_id)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == before + 2
        db.session.rollback()
    assert count(app) == before


# --- The member's data, retention -------------------------------------------------------

def test_export_holds_the_members_rows_and_deletion_erases_them(app, auth, member):
    other = make_user(app, "Olga Doe", "olga@example.com")
    idea_id = make_idea(app, other.id)
    vote(auth, idea_id, 2)
    document = json.loads(auth.get("/settings/export").get_data(as_text=True))
    assert [(r["kind"], r["subject_type"], r["subject_id"], r["value"])
            for r in document["activity"]] == [("login", None, None, None),
                                               ("vote_cast", "idea", idea_id, 2)]
    assert "hash" not in json.dumps(document["activity"])
    post_form(auth, "/settings/delete", {"current_password": GOOD_PASSWORD})
    assert rows(app, member.id) == []
    assert rows(app, other.id) == [(ActivityKind.POST_WRITTEN, "idea", idea_id, None)]


def test_trust_purge_prunes_old_activity_and_keeps_recent(make_app):
    app = make_app(ACTIVITY_RETENTION_DAYS=30)
    member = make_user(app)
    with app.app_context():
        for days in (45, 31, 29, 0):
            activity.record(member.id, ActivityKind.LOGIN, value=days,
                            at=utcnow() - timedelta(days=days))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["trust", "purge"])
    assert result.exit_code == 0 and "2 activity log rows purged" in result.output
    assert [value for *_, value in rows(app)] == [29, 0]
