"""Asking for a password reset does the same work whether or not the address has an account,
and the mail leaves from the background, so neither the answer nor its time tells."""

import re
import socketserver
import threading

import sqlalchemy as sa

from community import mail
from community.accounts import tokens
from community.extensions import db
from tests.conftest import make_user
from tests.helpers import hidden_fields, post_form, text


class _SlowSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib; it accepts a message only once the test releases it."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    body += chunk
                self.server.release.wait(5)
                self.server.received.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def reset_work(app, client, email: str, monkeypatch) -> tuple[list[str], list[str], list[str]]:
    """What POST /reset does for ``email``: its SQL statements, the tokens it signs and the
    messages it builds (only the work on the request's path)."""
    fields = hidden_fields(text(client.get("/reset")))
    statements, signed, built = [], [], []
    make_token, build_message = tokens.make_token, mail.build_message

    def signing(purpose, payload):
        signed.append(purpose)
        return make_token(purpose, payload)

    def building(to, subject, body):
        built.append(subject)
        return build_message(to, subject, body)

    monkeypatch.setattr(tokens, "make_token", signing)
    monkeypatch.setattr(mail, "build_message", building)

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post("/reset", data={**fields, "email": email})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
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
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowSMTPHandler)
    server.received, server.release = [], threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1],
                       MAIL_USE_TLS=False)
        make_user(app)
        response = post_form(app.test_client(), "/reset", {"email": "alice@example.com"})
        assert response.status_code == 302
        assert server.received == []  # answered while the mail server still held the message
        server.release.set()
        mail.wait_for_background_mail()
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
    [message] = server.received
    assert b"/reset/" in message
