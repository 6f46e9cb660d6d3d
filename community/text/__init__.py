"""User text -> safe HTML: the only place that renders Markdown or imports bleach.

Markdown (CommonMark, via markdown-it-py, raw HTML disabled) is rendered to HTML, then cleaned
by an allow-list sanitizer (bleach): only the tags below survive, links keep only http(s) and
mailto targets and get rel="nofollow ugc noopener". The result is stored ("cooked") at write
time, so reading a page never renders Markdown again.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from html.parser import HTMLParser

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

from community.text.quotes import mark_quotes

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "del",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# html=False: raw HTML in the source is shown as text, never passed through.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


# Cleaning and linkifying in one pass: a separate linkify pass re-escaped the text of code
# blocks (``a<b`` in code showed as ``a&lt;b``).
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})])


def sanitize_html(html: str) -> str:
    """Keep only allowed tags, attributes and link protocols; mark every link nofollow/ugc."""
    return _cleaner.clean(html)


def render_markdown(source: str) -> str:
    """Markdown from a member -> HTML safe to store and show (headings start at h3)."""
    html = _markdown.render(source or "")
    for level in (2, 1):  # members' headings never compete with the page's own
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return mark_quotes(sanitize_html(html))


def slugify(text: str, max_length: int, fallback: str) -> str:
    """ASCII, lowercase, dashes: "Élise's idea!" -> "elise-s-idea" (``fallback`` if empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length] or fallback


def cooked(html: str | None) -> Markup:
    """Jinja filter ``|cooked``: HTML this module produced and the database stored, shown as is.

    Only columns written through :func:`render_markdown` may use it (``*_html`` columns).
    """
    return Markup(html or "")


_BLOCK_TAGS = frozenset({"p", "br", "li", "pre", "blockquote", "h3", "h4", "h5", "h6", "hr",
                         "ul", "ol", "div", "tr", "td", "th"})


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """The text of cooked HTML, for search and excerpts: tags dropped (blocks become spaces so
    words never run together), entities decoded, whitespace collapsed. Not HTML: escape it."""
    parser = _TextOnly()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a string starting with = + - @ (or a tab or a
    carriage return) would run as a formula, so it gets a leading quote (CSV injection). The
    one rule behind every CSV export (triage, moderation audit, insight, requests)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
