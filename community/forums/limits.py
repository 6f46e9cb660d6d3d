"""Posting limits by trust level: a pure rule module (no Flask, no database).

New accounts are where spam and sockpuppets come from, so the member's trust level
(``trust/levels.py`` ``LIMITS``, one table for every domain) sets how many outside links a post
may carry and how many posts an hour the member may write; staff are not limited. Links to the
community itself (mentions, relative links) are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from community.trust import levels

_OUTSIDE_LINK = re.compile(r"""<a\s[^>]*href="(?:https?:|mailto:)""", re.IGNORECASE)


@dataclass(frozen=True)
class Poster:
    staff: bool
    level: int
    posts_last_hour: int


def count_outside_links(cooked_html: str) -> int:
    """Links leaving the community in a cooked post (absolute http(s) and mailto hrefs)."""
    return len(_OUTSIDE_LINK.findall(cooked_html))


def refusals(poster: Poster, cooked_html: str) -> list[str]:
    """The limits this post would break: "links" and/or "rate" (empty: it may be posted)."""
    limits = levels.limits_for(poster.level, poster.staff)
    broken = []
    if (limits.links_per_post is not None
            and count_outside_links(cooked_html) > limits.links_per_post):
        broken.append("links")
    if limits.posts_per_hour is not None and poster.posts_last_hour >= limits.posts_per_hour:
        broken.append("rate")
    return broken
