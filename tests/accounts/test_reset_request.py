"""Asking for a password reset does the same work whether or not the address has an account,
and the mail leaves from the background, so neither the answer nor its time tells."""

import re

from community import mail
from community.accounts import tokens
from tests.conftest import make_user
from tests.helpers import hidden_fields, post_form, smtp_server, statements_run, text


def reset_work(app, client, email: str, monkeypatch) -> tuple[list[str], list[str], list[str]]:
    """What POST /reset does for ``email``: its SQL statements, the tokens it signs and the
    messages it builds (only the work on the request's path)."""
    fields = hidden_fields(text(client.get("/reset")))
    signed, built = [], []
    make_token, build_message = tokens.make_token, mail.build_message

    def signing(purpose, payload):
        signed.append(purpose)
        return make_token(purpose, payload)

    def building(to, subject, body):
        built.append(subject)
        return build_message(to, subject, body)

    monkeypatch.setattr(tokens, "make_token", signing)
    monkeypatch.setattr(mail, "build_message", building)

    try:
        with statements_run(app) as statements:
            response = client.post("/reset", data={**fields, "email": email})
    finally:
        monkeypatch.undo()
    assert response.status_code == 302
    return statements, signed, built


def cookies_set(response) -> list[str]:
    """The Set-Cookie headers, the session's value left out (it signs a different CSRF token)."""
    return [re.sub(r"^session=[^;]*", "session=", cookie)
            for cookie in response.headers.getlist("Set-Cookie")]


def test_known_and_unknown_addresses_get_the_same_answer(app, member):
    known = post_form(app.test_client(), "/reset", {"email": "alice@example.com"})
    unknown = post_form(app.test_client(), "/reset", {"email": "nobody@example.com"})
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code, unknown.headers["Location"]) == (302, "/login")
    assert cookies_set(known) == cookies_set(unknown)
    mail.wait_for_background_mail()


def test_known_and_unknown_addresses_do_the_same_work(app, member, monkeypatch):
    known = reset_work(app, app.test_client(), "alice@example.com", monkeypatch)
    unknown = reset_work(app, app.test_client(), "nobody@example.com", monkeypatch)
    assert known == unknown
    assert known[1] == [tokens.RESET] and known[2] == ["Reset your password"]
    mail.wait_for_background_mail()


def test_the_reset_mail_is_sent_off_the_request_path(make_app):
    with smtp_server(hold=True) as server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1],
                       MAIL_USE_TLS=False)
        make_user(app)
        response = post_form(app.test_client(), "/reset", {"email": "alice@example.com"})
        assert response.status_code == 302
        assert server.received == []  # answered while the mail server still held the message
        server.release.set()
        mail.wait_for_background_mail()
    [message] = server.received
    assert b"/reset/" in message
