"""Sections of a member's public profile that other domains add (forum posts and helpfulness,
ideas, reviews…): each registers a template and a function that gives its data for a profile
as one reader sees it, or None to show nothing.

The profile's *recent activity* is filled the same way: each domain registers a provider
(:func:`register_activity`) giving the member's latest items **that this reader may see**
(restricted categories, private groups, hidden or removed content left out, except hidden
content for its author and the moderators), newest first, in a bounded number of queries;
the profile merges them and shows the newest ``ACTIVITY_SHOWN``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from community import registry
from community.accounts.models import User


@dataclass(frozen=True)
class Section:
    name: str
    template: str  # included inside the profile's <dl class="facts">, with ``section`` set
    data: Callable[[User, object], object | None]  # (profile owner, reader) -> data or None


@dataclass(frozen=True)
class Shown:
    template: str
    data: object


def register_section(section: Section) -> None:
    registry.table("profile_sections")[section.name] = section


def sections_for(user: User, reader) -> list[Shown]:
    shown = []
    for section in registry.table("profile_sections").values():
        data = section.data(user, reader)
        if data is not None:
            shown.append(Shown(section.template, data))
    return shown


ACTIVITY_SHOWN = 10


@dataclass(frozen=True)
class Activity:
    """One thing a member did, as the profile lists it: ``what`` says it ("Started a topic"),
    ``title`` and ``url`` name and link the thing; ``hidden``: hidden by a moderator (listed
    only for its author and the moderators, and marked so)."""

    what: str
    title: str
    url: str
    at: datetime
    hidden: bool = False


# (profile owner, reader, how many at most) -> that many of the owner's latest items at most
ActivityProvider = Callable[[User, object, int], list[Activity]]


def register_activity(name: str, provider: ActivityProvider) -> None:
    """Add a domain's items to the profile's recent activity (see the module's rules)."""
    registry.table("profile_activity")[name] = provider


def recent_activity(user: User, reader, limit: int = ACTIVITY_SHOWN) -> list[Activity]:
    """The member's latest items across every registered domain, newest first."""
    items: list[Activity] = []
    for provider in registry.table("profile_activity").values():
        items.extend(provider(user, reader, limit))
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
