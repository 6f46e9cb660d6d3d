"""The verification link signs the member in on the browser that signed up, and only there."""

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from tests.conftest import GOOD_PASSWORD
from tests.helpers import links_in, mails_to, path_of, post_form, text

LOG_IN = '<a href="/login">Log in</a>'


def signup(client, name="Bea Lune", email="bea@example.org"):
    return post_form(client, "/signup",
                     {"display_name": name, "email": email, "password": GOOD_PASSWORD})


def link_for(outbox, email="bea@example.org") -> str:
    return path_of(links_in(mails_to(outbox, email)[0])[0])


def verified(app, email="bea@example.org") -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.email_verified_at).where(
            User.email == email)) is not None


def test_the_browser_that_signed_up_is_signed_in_by_the_link(app, client, outbox):
    signup(client)
    page = client.get(link_for(outbox), follow_redirects=True)
    assert "Thank you, your e-mail address is confirmed." in text(page)
    assert LOG_IN not in text(page)
    assert client.get("/settings").status_code == 200
    assert verified(app)


def test_another_browser_is_told_to_log_in(app, client, outbox):
    signup(client)
    other = app.test_client()
    page = other.get(link_for(outbox), follow_redirects=True)
    assert "Thank you, your e-mail address is confirmed." in text(page)
    assert LOG_IN in text(page)
    assert other.get("/settings").status_code == 302
    assert verified(app)


def test_a_browser_that_signed_up_someone_else_is_not_signed_in(app, client, outbox):
    signup(client)
    signup(app.test_client(), "Cy Dune", "cy@example.org")
    page = client.get(link_for(outbox, "cy@example.org"), follow_redirects=True)
    assert LOG_IN in text(page)
    assert verified(app, "cy@example.org")


def test_the_link_signs_in_once(app, client, outbox):
    signup(client)
    link = link_for(outbox)
    client.get(link)
    post_form(client, "/logout", {}, get_url="/settings")
    assert client.get("/settings").status_code == 302
    assert LOG_IN in text(client.get(link, follow_redirects=True))


def session_of(app, client) -> dict:
    """The browser's Flask session, as anyone holding the cookie can decode it."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_the_session_does_not_tell_a_new_account_from_a_duplicate(app, outbox):
    first, second = app.test_client(), app.test_client()
    signup(first)
    signup(second, "Bea Again", "bea@example.org")  # the address has an account already
    new, duplicate = session_of(app, first), session_of(app, second)
    assert set(new) == set(duplicate)
    marker = new["signed-up"]
    assert isinstance(marker, str) and "bea" not in marker.lower()
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "bea@example.org"))
    assert str(user_id) not in [str(v) for v in new.values() if not isinstance(v, str)]


def test_a_password_log_in_ends_what_the_link_could_do(app, client, outbox):
    """Log in with the password, open the link, log out: the link, opened again from the
    history of a shared computer, signs nobody in."""
    signup(client)
    link = link_for(outbox)
    post_form(client, "/login", {"email": "bea@example.org", "password": GOOD_PASSWORD})
    client.get(link)
    post_form(client, "/logout", {}, get_url="/settings")
    assert LOG_IN in text(client.get(link, follow_redirects=True))
    assert client.get("/settings").status_code == 302


def test_a_link_opened_after_the_address_was_verified_signs_nobody_in(app, client, outbox):
    signup(client)
    link = link_for(outbox)
    app.test_client().get(link)  # verified from another browser (the phone's mail app)
    assert LOG_IN in text(client.get(link, follow_redirects=True))
    assert client.get("/settings").status_code == 302
