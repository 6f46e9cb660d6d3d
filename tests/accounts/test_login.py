"""Log in and out, remember me, sessions, password reset and change: no account enumeration."""

import re

import sqlalchemy as sa

from community import mail
from community.accounts.models import User
from community.extensions import db
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import links_in, mails_to, path_of, post_form, text

NEW_PASSWORD = "marble lantern quietly orbit"


def strip_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_login_and_logout(app, client, member):
    response = login(client)
    assert response.status_code == 302
    assert "Alice Martin" in text(client.get("/"))
    response = post_form(client, "/logout", {}, get_url="/")
    assert response.status_code == 302
    assert "Alice Martin" not in text(client.get("/"))


def test_logout_by_get_is_not_allowed(auth):
    assert auth.get("/logout").status_code == 405
    assert "Alice Martin" in text(auth.get("/"))


def test_login_answers_identically_for_unknown_email_and_wrong_password(app, member):
    unknown = login(app.test_client(), "nobody@example.com", GOOD_PASSWORD)
    wrong = login(app.test_client(), "alice@example.com", "not the password at all")
    assert unknown.status_code == wrong.status_code == 422
    assert strip_tokens(text(unknown)).replace("nobody@example.com", "X") == strip_tokens(
        text(wrong)).replace("alice@example.com", "X")
    assert "Wrong e-mail or password." in text(wrong)


def test_login_accepts_the_normalized_address(app, client):
    make_user(app, "Gil Dot", "gil.dot@gmail.com")
    assert login(client, "Gil.Dot+x@googlemail.com").status_code == 302


def test_remember_me_sets_a_secure_httponly_cookie(make_app):
    app = make_app(REMEMBER_COOKIE_SECURE=True, SESSION_COOKIE_SECURE=True)
    make_user(app)
    client = app.test_client()
    response = login(client, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Secure" in remember[0]
    session = [c for c in cookies if c.startswith("session=")]
    assert session and "HttpOnly" in session[0] and "SameSite=Lax" in session[0]


def test_without_remember_me_no_remember_cookie(app, client, member):
    response = login(client)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_redirects_only_to_local_next(app, client, member):
    response = post_form(client, "/login?next=//evil.example/x",
                         {"email": "alice@example.com", "password": GOOD_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = post_form(client, "/login?next=/settings",
                         {"email": "alice@example.com", "password": GOOD_PASSWORD})
    assert response.headers["Location"] == "/settings"


def test_login_rate_limit_answers_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    make_user(app)
    client = app.test_client()
    statuses = [login(client, password="wrong password here").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_settings_require_login(client):
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_reset_flow_changes_password_and_ends_sessions(app, member, outbox):
    other_session = app.test_client()
    login(other_session)
    client = app.test_client()
    response = post_form(client, "/reset", {"email": "alice@example.com"})
    assert response.status_code == 302
    mail.wait_for_background_mail()  # the mail leaves off the request's path
    [message] = mails_to(outbox, "alice@example.com")
    link = path_of(links_in(message)[0])
    response = post_form(client, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), password=GOOD_PASSWORD).status_code == 422
    # The other session ended with the password change.
    assert other_session.get("/settings").status_code == 302
    # The link works once.
    assert client.get(link).status_code == 302


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(app, member, outbox):
    known = post_form(app.test_client(), "/reset", {"email": "alice@example.com"},
                      follow_redirects=True)
    unknown = post_form(app.test_client(), "/reset", {"email": "nobody@example.com"},
                        follow_redirects=True)
    assert strip_tokens(text(known)) == strip_tokens(text(unknown))
    mail.wait_for_background_mail()
    assert len(mails_to(outbox, "alice@example.com")) == 1
    assert mails_to(outbox, "nobody@example.com") == []


def test_reset_refuses_weak_new_password(app, member, outbox):
    client = app.test_client()
    post_form(client, "/reset", {"email": "alice@example.com"})
    mail.wait_for_background_mail()
    link = path_of(links_in(mails_to(outbox, "alice@example.com")[0])[0])
    response = post_form(client, link, {"password": "password1234"})
    assert response.status_code == 422
    assert login(app.test_client()).status_code == 302


def test_change_password_needs_current_password(app, auth):
    response = post_form(auth, "/settings/password",
                         {"current_password": "wrong one here", "password": NEW_PASSWORD},
                         get_url="/settings")
    assert response.status_code == 422
    assert "not your current password" in text(response)
    response = post_form(auth, "/settings/password",
                         {"current_password": GOOD_PASSWORD, "password": NEW_PASSWORD},
                         get_url="/settings")
    assert response.status_code == 302
    assert auth.get("/settings").status_code == 200  # this session carries on
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_change_email_is_reverified_before_it_applies(app, auth, outbox):
    response = post_form(auth, "/settings/email",
                         {"email": "alice@new.example.com", "current_password": GOOD_PASSWORD},
                         get_url="/settings")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.email)) == "alice@example.com"
    [message] = mails_to(outbox, "alice@new.example.com")
    auth.get(path_of(links_in(message)[0]))
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.email == "alice@new.example.com" and user.email_verified_at is not None
    assert mails_to(outbox, "alice@example.com")  # the old address is told


def test_change_email_to_a_taken_address_does_not_apply(app, auth, outbox):
    post_form(auth, "/settings/email",
              {"email": "bob@example.com", "current_password": GOOD_PASSWORD}, get_url="/settings")
    make_user(app, "Bob Stone", "bob@example.com")
    auth.get(path_of(links_in(mails_to(outbox, "bob@example.com")[0])[0]))
    with app.app_context():
        emails = set(db.session.scalars(sa.select(User.email)))
    assert emails == {"alice@example.com", "bob@example.com"}


def test_session_ends_when_the_browser_identity_changes(app, member):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "Browser A"
    login(client)
    assert client.get("/settings").status_code == 200
    client.environ_base["HTTP_USER_AGENT"] = "Stolen cookie in Browser B"
    assert client.get("/settings").status_code == 302


def test_members_language_choice_wins_over_the_browser(app, client):
    make_user(app, "Fanny Roux", "fanny@example.com", locale="fr")
    login(client, "fanny@example.com")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert '<html lang="fr">' in text(client.get("/"))
