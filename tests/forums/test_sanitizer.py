"""Every XSS payload of ../shared/corpora/xss-payloads.txt, posted through the real posting
path (HTTP, CSRF, the reply form), must come out of the topic page harmless: no script, no
event-handler attribute, no javascript:/data:/vbscript: URL, no style, no tag outside the
allow-list inside a post's body. Payloads are also tried as topic titles (plain text)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.forums.models import Post
from community.text import ALLOWED_TAGS
from tests.conftest import make_user
from tests.forums.conftest import OLD, as_member, new_topic
from tests.helpers import hidden_fields, text

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "xss-payloads.txt"
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
BODY_ATTRIBUTES = {"a": {"href", "title", "rel", "class"}}


def payloads() -> list[str]:
    if not CORPUS.is_file():
        pytest.skip(f"the XSS corpus is missing: expected {CORPUS} (see ../shared/README.md)")
    lines = CORPUS.read_text(encoding="utf-8", errors="replace").split("\n")
    return [line for line in lines if line.strip()]


class BodyAudit(HTMLParser):
    """Collects what survived inside <div class="body"> of each post on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0: inside a post body
        self.problems: list[str] = []
        self.page_problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _ in attrs}
        values = dict(attrs)
        own_script = tag == "script" and (values.get("src") or "").startswith("/static/")
        if tag in ("script", "style", "iframe", "object", "embed", "base") and not own_script:
            self.page_problems.append(f"<{tag}> {attrs}")
        if any(name.startswith("on") for name in names):
            self.page_problems.append(f"event handler on <{tag}>: {attrs}")
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            url = (values.get(name) or "").strip().lower().replace("\t", "").replace("\n", "")
            if url.startswith(BAD_SCHEMES):
                self.page_problems.append(f"{name}={url[:60]} on <{tag}>")
        if self.depth:
            self.depth += 1
            if tag not in ALLOWED_TAGS:
                self.problems.append(f"<{tag}> in a post body")
            extra = names - BODY_ATTRIBUTES.get(tag, set())
            if extra:
                self.problems.append(f"<{tag} {sorted(extra)}> in a post body")
            if tag == "a":
                href = values.get("href") or ""
                scheme = href.split("/", 1)[0]
                if ":" in scheme and not href.startswith(("http://", "https://", "mailto:")):
                    self.problems.append(f"link to {href[:60]!r}")  # relative links are fine
                elif href.startswith("http") and values.get("rel") != "nofollow ugc noopener":
                    self.problems.append(f"link without rel=nofollow ugc noopener: {attrs}")
        elif tag == "div" and values.get("class") == "body":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.depth:
            self.depth -= 1


def audit(html: str) -> list[str]:
    parser = BodyAudit()
    parser.feed(html)
    return parser.problems + parser.page_problems


def test_the_audit_catches_what_it_looks_for():
    """The checker itself must fail on the things it is meant to catch."""
    assert audit('<div class="body"><img src=x onerror=alert(1)></div>')
    assert audit('<div class="body"><a href="javascript:alert(1)">x</a></div>')
    assert audit('<div class="body"><a href="jav&#x09;ascript:alert(1)">x</a></div>')
    assert audit('<div class="body"><p style="x">y</p></div>')
    assert audit("<script>alert(1)</script>")
    assert audit('<script src="//evil.example/x.js"></script>')
    assert audit('<div class="body"><p>fine <a href="https://a.example" '
                 'rel="nofollow ugc noopener">ok</a></p></div>') == []


def test_xss_payloads_posted_as_replies_render_harmless(app, client, forum, backend):
    chosen = payloads() if backend == "sqlite" else payloads()[::4]
    poster = make_user(app, "Sid Staff", "sid@example.com", role=Role.MODERATOR, **OLD)
    topic_id = new_topic(app, poster.id, forum.general, title="Payload thread")
    as_member(client, "sid@example.com")
    token = hidden_fields(text(client.get(f"/t/{topic_id}/reply")))["csrf_token"]
    refused = 0
    for payload in chosen:
        response = client.post(f"/t/{topic_id}/reply",
                               data={"csrf_token": token, "body": payload, "submit": "1"})
        assert response.status_code in (302, 422), (payload, response.status_code)
        refused += response.status_code == 422  # e.g. control characters: a field error
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(
            Post.topic_id == topic_id))
    assert stored == 1 + len(chosen) - refused
    assert refused < len(chosen) // 20  # nearly all are accepted: the sanitizer does the work
    visitor = app.test_client()
    problems: dict[int, list[str]] = {}
    page = 1
    while True:
        response = visitor.get(f"/t/{topic_id}-payload-thread?page={page}")
        assert response.status_code == 200
        found = audit(text(response))
        if found:
            problems[page] = found[:5]
        if 'rel="next"' not in text(response):
            break
        page += 1
    assert page > len(chosen) // 25
    assert problems == {}


def test_xss_payloads_as_titles_are_shown_as_text(app, client, forum, backend):
    chosen = [p for p in payloads() if 8 <= len(p) <= 160][:: 20 if backend == "sqlite" else 60]
    poster = make_user(app, "Sid Staff", "sid@example.com", role=Role.MODERATOR, **OLD)
    for payload in chosen:
        new_topic(app, poster.id, forum.general, title=payload)
    html = ""
    after = ""
    while True:
        response = client.get(f"/c/general{after}")
        html += text(response)
        marker = 'rel="next" href="'
        if marker not in text(response):
            break
        after = "?" + text(response).split(marker)[1].split('"')[0].split("?")[1].replace(
            "&amp;", "&")
    parser = BodyAudit()
    parser.feed(html)
    assert parser.page_problems == []
