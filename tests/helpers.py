"""Helpers for driving the app over HTTP the way a browser does: read forms, post them."""

from __future__ import annotations

import email
import re
import socketserver
import threading
from contextlib import contextmanager
from email import policy
from html.parser import HTMLParser
from pathlib import Path


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attributes = dict(attrs)
            if attributes.get("type") == "hidden" and attributes.get("name"):
                self.values.setdefault(attributes["name"], attributes.get("value") or "")


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of the first form that has each name (CSRF token, signed start time)."""
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def post_form(client, url: str, data: dict, *, get_url: str | None = None, **kwargs):
    """GET the page (for its CSRF token and hidden fields), then POST the form to ``url``."""
    page = client.get(get_url or url)
    fields = hidden_fields(page.get_data(as_text=True))
    return client.post(url, data={**fields, **data}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


def read_outbox(outbox: Path) -> list[email.message.EmailMessage]:
    """Every message written to the outbox, oldest first (once the background sender has
    written what it was handed)."""
    from community.mail import wait_for_background_mail

    wait_for_background_mail()
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def mails_to(outbox: Path, address: str) -> list[email.message.EmailMessage]:
    return [m for m in read_outbox(outbox) if m["To"] == address]


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_content())


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


@contextmanager
def statements_run(app):
    """Collect every SQL statement the app runs inside the ``with`` block, in a list."""
    import sqlalchemy as sa

    from community.extensions import db

    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def queries_for(app, client, url: str) -> int:
    """How many SQL statements one GET of ``url`` runs (it must answer 200)."""
    with statements_run(app) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT. A message is
    accepted once the server's ``release`` event is set (at once, unless a test clears it)."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"EHLO") or command.startswith(b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
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


@contextmanager
def smtp_server(hold: bool = False):
    """A loopback SMTP server in a thread; ``.received`` holds the messages' bytes. With
    ``hold``, each message waits until the test sets ``.release``."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received, server.release = [], threading.Event()
    if not hold:
        server.release.set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
