"""Helpers for driving the app over HTTP the way a browser does: read forms, post them."""

from __future__ import annotations

import email
import re
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
    """Every message written to the outbox, oldest first."""
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


def queries_for(app, client, url: str) -> int:
    """How many SQL statements one GET of ``url`` runs (it must answer 200)."""
    import sqlalchemy as sa

    from community.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)
