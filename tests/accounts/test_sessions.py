"""Server-side sessions: logging out ends a session wherever its cookies were copied; "Log out
everywhere", a password change and account deletion end them all; idle sessions expire."""

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from community.accounts import sessions
from community.accounts.models import MemberSession, User
from community.extensions import db
from community.timeutil import utcnow
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import post_form

NEW_PASSWORD = "marble lantern quietly orbit"
SESSION, REMEMBER = "session", "remember_token"


def browser(app, address="198.51.100.7"):
    """A new browser, at this client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def with_cookie(app, name: str, value: str, address: str):
    """A new browser at ``address`` holding a copy of a cookie."""
    client = browser(app, address)
    client.set_cookie(name, value)
    return client


def cookie(client, name: str) -> str:
    return client.get_cookie(name).value


def is_logged_in(client) -> bool:
    return client.get("/settings").status_code == 200


def session_rows(app, user_id: int) -> list[MemberSession]:
    with app.app_context():
        return db.session.scalars(
            sa.select(MemberSession).where(MemberSession.user_id == user_id)).all()


def set_last_seen(app, user_id: int, when) -> None:
    with app.app_context():
        db.session.execute(sa.update(MemberSession).where(MemberSession.user_id == user_id)
                           .values(last_seen_at=when))
        db.session.commit()


def logout(client):
    return post_form(client, "/logout", {}, get_url="/settings")


def test_logging_out_ends_the_session_wherever_its_cookies_were_copied(app, member):
    alice = browser(app)
    assert login(alice, remember="y").status_code == 302
    old_session, old_remember = cookie(alice, SESSION), cookie(alice, REMEMBER)
    copied_session = with_cookie(app, SESSION, old_session, "198.51.100.7")
    thief = with_cookie(app, REMEMBER, old_remember, "203.0.113.9")
    assert is_logged_in(copied_session) and is_logged_in(thief)  # what the cookies carry
    assert logout(alice).status_code == 302
    assert not is_logged_in(alice)
    assert not is_logged_in(copied_session)
    assert not is_logged_in(thief)
    assert not is_logged_in(with_cookie(app, SESSION, old_session, "198.51.100.7"))
    assert not is_logged_in(with_cookie(app, REMEMBER, old_remember, "203.0.113.10"))
    assert session_rows(app, member.id) == []


def test_logging_out_leaves_the_members_other_browsers_logged_in(app, member):
    laptop, phone = browser(app), browser(app, "203.0.113.5")
    login(laptop)
    login(phone)
    logout(laptop)
    assert is_logged_in(phone) and len(session_rows(app, member.id)) == 1


def test_log_out_everywhere_ends_every_session_of_the_account(app, member):
    bob = make_user(app, "Bob Stone", "bob@example.com")
    laptop, phone, bobs = browser(app), browser(app, "203.0.113.5"), browser(app, "192.0.2.8")
    login(laptop, remember="y")
    login(phone)
    login(bobs, "bob@example.com")
    remembered = cookie(laptop, REMEMBER)
    response = post_form(laptop, "/settings/logout-everywhere", {}, get_url="/settings")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert not is_logged_in(with_cookie(app, REMEMBER, remembered, "203.0.113.9"))
    assert session_rows(app, member.id) == []
    assert is_logged_in(bobs) and len(session_rows(app, bob.id)) == 1


def test_log_out_everywhere_is_a_post_with_the_csrf_token(app, member):
    client = browser(app)
    login(client)
    assert client.get("/settings/logout-everywhere").status_code == 405
    assert client.post("/settings/logout-everywhere").status_code == 400
    assert is_logged_in(client)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, member):
    laptop, phone = browser(app), browser(app, "203.0.113.5")
    login(laptop, remember="y")
    login(phone)
    old_remember = with_cookie(app, REMEMBER, cookie(laptop, REMEMBER), "203.0.113.9")
    response = post_form(laptop, "/settings/password",
                         {"current_password": GOOD_PASSWORD, "password": NEW_PASSWORD},
                         get_url="/settings")
    assert response.status_code == 302
    assert is_logged_in(laptop) and not is_logged_in(phone) and not is_logged_in(old_remember)
    # This browser is still remembered, under its new session.
    assert is_logged_in(with_cookie(app, REMEMBER, cookie(laptop, REMEMBER), "203.0.113.9"))
    assert len(session_rows(app, member.id)) == 1


def test_deleting_the_account_ends_its_sessions(app, member):
    laptop, phone = browser(app), browser(app, "203.0.113.5")
    login(laptop)
    login(phone, remember="y")
    remembered = cookie(phone, REMEMBER)
    response = post_form(laptop, "/settings/delete", {"current_password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert not is_logged_in(phone)
    assert not is_logged_in(with_cookie(app, REMEMBER, remembered, "203.0.113.9"))
    assert session_rows(app, member.id) == []


def test_only_a_hash_of_the_session_token_is_stored(app, member):
    client = browser(app)
    login(client, remember="y")
    user_id, _, token = cookie(client, REMEMBER).split("|")[0].split(":")
    [row] = session_rows(app, member.id)
    assert int(user_id) == member.id and len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT * FROM member_sessions")).one()
    assert all(token not in str(value) for value in stored)


def test_last_use_is_written_at_most_once_an_hour(app, member):
    client = browser(app)
    login(client)
    recently = utcnow() - timedelta(minutes=50)
    set_last_seen(app, member.id, recently)
    assert is_logged_in(client)
    assert session_rows(app, member.id)[0].last_seen_at == recently
    set_last_seen(app, member.id, utcnow() - timedelta(hours=2))
    assert is_logged_in(client)
    assert utcnow() - session_rows(app, member.id)[0].last_seen_at < timedelta(minutes=1)


def test_noting_the_use_gives_way_to_a_concurrent_writer(app, member, monkeypatch):
    client = browser(app)
    login(client)
    set_last_seen(app, member.id, utcnow() - timedelta(hours=2))

    def lost_race():
        raise StaleDataError("the row was deleted by a concurrent log-out")

    monkeypatch.setattr(sessions, "note_use", lost_race)
    assert is_logged_in(client)  # the page is served; the next request notes the use


def test_a_session_idle_for_longer_than_remember_days_ends_and_is_purged(app, member):
    bob = make_user(app, "Bob Stone", "bob@example.com")
    alice, bobs = browser(app), browser(app, "192.0.2.8")
    login(alice, remember="y")
    login(bobs, "bob@example.com")
    days = app.config["REMEMBER_COOKIE_DURATION"] // 86400
    set_last_seen(app, member.id, utcnow() - timedelta(days=days, minutes=1))
    assert not is_logged_in(alice)
    with app.app_context():
        assert sessions.purge_idle_sessions() == 1
        db.session.commit()
    assert session_rows(app, member.id) == [] and len(session_rows(app, bob.id)) == 1
    assert is_logged_in(bobs)


def test_session_ids_of_the_old_form_or_garbled_load_nobody(app, member):
    with app.test_request_context():
        nonce = db.session.get(User, member.id).session_nonce
        for session_id in (f"{member.id}:{nonce}", f"{member.id}:{nonce}:", "x:y:z",
                           f"{member.id}:{nonce}:{'a' * 43}", "９:a:" + "b" * 43):
            assert sessions.load_member(session_id) is None, session_id
