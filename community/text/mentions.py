"""@mentions in cooked HTML: found in text (never in code or links) and turned into links.

Pure string work on HTML that :func:`community.text.render_markdown` produced, so it only has
to walk its small, known tag set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from markupsafe import escape

MENTION = re.compile(r"(?<![\w@/.-])@([a-z0-9][a-z0-9-]{0,39})", re.IGNORECASE)
_TAG = re.compile(r"(<[^>]+>)")
_SKIP = {"code", "pre", "a"}
MAX_MENTIONS = 10


def _text_segments(html: str):
    """Yield (segment, is_plain_text) pairs; text inside code, pre or a is not plain."""
    depth = 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-z0-9]+)", part, re.IGNORECASE)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
                depth = max(depth, 0)
            yield part, False
        else:
            yield part, depth == 0


def find_mentions(html: str) -> list[str]:
    """Lower-cased handles mentioned in the text, in order, without repeats, at most 10."""
    seen: list[str] = []
    for segment, plain in _text_segments(html):
        if plain:
            for handle in MENTION.findall(segment):
                if handle.lower() not in seen:
                    seen.append(handle.lower())
    return seen[:MAX_MENTIONS]


def link_mentions(html: str, known: Iterable[str], profile_url: Callable[[str], str]) -> str:
    """Turn @handle into a link to the member's profile, for the handles in ``known`` only."""
    known = set(known)
    if not known:
        return html

    def link(match: re.Match) -> str:
        handle = match.group(1).lower()
        if handle not in known:
            return match.group(0)
        return (f'<a class="mention" href="{escape(profile_url(handle))}">'
                f"@{escape(match.group(1))}</a>")

    return "".join(MENTION.sub(link, seg) if plain else seg
                   for seg, plain in _text_segments(html))
