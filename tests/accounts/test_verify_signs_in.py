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
