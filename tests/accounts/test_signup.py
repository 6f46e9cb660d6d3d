"""Sign up, verify by the e-mailed link, and what an unverified account may not do."""

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.trust.models import TrustEvent
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import links_in, mails_to, path_of, post_form, text


def signup(client, name="Bea Lune", email="bea@example.org", password=GOOD_PASSWORD, **extra):
    return post_form(client, "/signup",
                     {"display_name": name, "email": email, "password": password, **extra})


def users(app):
    with app.app_context():
        return db.session.scalars(sa.select(User).order_by(User.id)).all()


def test_signup_creates_an_unverified_member_and_mails_a_link(app, client, outbox):
    response = signup(client)
    assert response.status_code == 200
    assert "Check your inbox" in text(response)
    [user] = users(app)
    assert user.display_name == "Bea Lune" and user.handle == "bea-lune"
    assert user.email_verified_at is None
    assert user.password_hash.startswith("scrypt:")
    [mail] = mails_to(outbox, "bea@example.org")
    assert "/verify/" in links_in(mail)[0]


def test_verification_link_verifies_and_awards_founding_number(app, client, outbox):
    signup(client)
    [mail] = mails_to(outbox, "bea@example.org")
    response = client.get(path_of(links_in(mail)[0]))
    assert response.status_code == 302
    [user] = users(app)
    assert user.email_verified_at is not None
    assert user.founding_number == 1


def test_tampered_or_expired_verification_link_is_refused(make_app, outbox):
    app = make_app(VERIFY_MAX_AGE=-1)
    client = app.test_client()
    signup(client)
    link = path_of(links_in(mails_to(outbox, "bea@example.org")[0])[0])
    assert client.get(link).status_code == 302  # expired: back to login with a message
    assert client.get(link + "x").status_code == 302
    assert users(app)[0].email_verified_at is None


def test_founding_badge_stops_after_the_configured_number(make_app, outbox):
    app = make_app(FOUNDING_MEMBERS=1)
    client = app.test_client()
    for i, email in enumerate(["one@example.org", "two@example.net"]):
        signup(client, name=f"Member {'AB'[i]}", email=email)
        client.get(path_of(links_in(mails_to(outbox, email)[0])[0]))  # signs in
        post_form(client, "/logout", {}, get_url="/")
    numbers = [u.founding_number for u in users(app)]
    assert numbers == [1, None]


def test_founding_member_badge_shows_on_profile(app, client, outbox):
    signup(client)
    client.get(path_of(links_in(mails_to(outbox, "bea@example.org")[0])[0]))
    assert "Founding member" in text(client.get("/u/bea-lune"))


def test_weak_password_is_refused_with_a_reason_and_nothing_written(app, client):
    response = signup(client, password="password1234")
    assert response.status_code == 422
    assert "very common password" in text(response)
    assert users(app) == []


def test_short_password_is_refused(app, client):
    response = signup(client, password="x7#Kq!p")
    assert response.status_code == 422
    assert "at least 10 characters" in text(response)
    assert users(app) == []


def test_password_built_from_own_name_is_refused(app, client):
    response = signup(client, name="Bea Lune", email="bealune@example.org",
                      password="bealune2024")
    assert response.status_code == 422
    assert users(app) == []


def test_signup_without_csrf_token_is_rejected(app, client):
    response = client.post("/signup", data={"display_name": "Bea", "email": "b@example.org",
                                            "password": GOOD_PASSWORD})
    assert response.status_code == 400
    assert users(app) == []


def test_unverified_member_can_read_but_not_invite(app, client):
    make_user(app, "Una Verified", "una@example.org", verified=False)
    login(client, "una@example.org")
    assert client.get("/").status_code == 200
    assert client.get("/u/una-verified").status_code == 200
    response = client.get("/settings/invitations")
    assert response.status_code == 302 and "/settings" in response.headers["Location"]
    response = post_form(client, "/settings/invitations", {"note": "x"}, get_url="/settings")
    assert response.status_code == 302
    with app.app_context():
        from community.accounts.models import Invitation

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_unverified_banner_offers_a_new_link(app, client, outbox):
    make_user(app, "Una Verified", "una@example.org", verified=False)
    login(client, "una@example.org")
    page = text(client.get("/"))
    assert "until then you can read but not post" in page
    post_form(client, "/verify/resend", {}, get_url="/")
    assert len(mails_to(outbox, "una@example.org")) == 1


def test_signup_refusals_are_logged_without_clear_text_ip(app, client):
    signup(client, email="x@mailinator.com")
    with app.app_context():
        [event] = db.session.scalars(sa.select(TrustEvent)).all()
        assert event.rule == "disposable_email"
        assert event.ip_hash and "127.0.0.1" not in event.ip_hash
        assert len(event.net_hash) == 64
