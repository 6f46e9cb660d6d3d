"""Posting limits by trust level: a pure rule module (no Flask, no database).

New accounts are where spam and sockpuppets come from, so until a member is established
(``established_after_days`` old, the same threshold the idea votes use) a post may carry at
most ``NEW_MAX_LINKS`` outside links and the member may post ``NEW_POSTS_PER_HOUR`` times an
hour. Established members get ``POSTS_PER_HOUR``; staff are not limited. Links to the
community itself (mentions, relative links) are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NEW_MAX_LINKS = 2
NEW_POSTS_PER_HOUR = 10
POSTS_PER_HOUR = 60

_OUTSIDE_LINK = re.compile(r"""<a\s[^>]*href="(?:https?:|mailto:)""", re.IGNORECASE)


@dataclass(frozen=True)
class Poster:
    staff: bool
    account_age_days: float
    posts_last_hour: int


@dataclass(frozen=True)
class Limits:
    max_links: int | None  # None: no limit
    posts_per_hour: int | None


def limits_for(poster: Poster, established_after_days: float) -> Limits:
    """Staff: none; new accounts: 2 links a post, 10 posts an hour; others: 60 posts an hour."""
    if poster.staff:
        return Limits(None, None)
    if poster.account_age_days < established_after_days:
        return Limits(NEW_MAX_LINKS, NEW_POSTS_PER_HOUR)
    return Limits(None, POSTS_PER_HOUR)


def count_outside_links(cooked_html: str) -> int:
    """Links leaving the community in a cooked post (absolute http(s) and mailto hrefs)."""
    return len(_OUTSIDE_LINK.findall(cooked_html))


def refusals(poster: Poster, cooked_html: str, established_after_days: float) -> list[str]:
    """The limits this post would break: "links" and/or "rate" (empty: it may be posted)."""
    limits = limits_for(poster, established_after_days)
    broken = []
    if limits.max_links is not None and count_outside_links(cooked_html) > limits.max_links:
        broken.append("links")
    if limits.posts_per_hour is not None and poster.posts_last_hour >= limits.posts_per_hour:
        broken.append("rate")
    return broken
