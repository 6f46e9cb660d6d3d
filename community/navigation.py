"""The header's main menu, filled by the domains: each registers its links in ``init_app``
(where it leads, its label, its place, who sees it, and optionally a count beside it), so a new
domain adds its entry without editing the layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import has_request_context, request, url_for

from community import registry


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: object  # a lazy string: translated when the page renders
    position: int
    shown_to: Callable[[object], bool] | None = None  # None: everyone (the reader is passed)
    # A number beside the label (open flags for moderators): called with the reader, and only
    # for readers the link is shown to, so keep it to one cheap query; None or 0 shows nothing.
    badge: Callable[[object], int | None] | None = None
    # The link's accessible name with that number ("Moderation, 3 flagged items waiting"),
    # given the number; without it, the label and the number.
    badge_label: Callable[[int], str] | None = None


@dataclass(frozen=True)
class Shown:
    url: str
    label: str
    badge: int | None = None
    badge_label: str = ""  # the accessible name when there is a badge


def register_link(link: Link) -> None:
    registry.table("main_menu")[link.endpoint] = link


def main_menu(reader) -> list[Shown]:
    """The links this reader sees, in order, with their badges."""
    links, urls = _ordered()
    return [_shown(link, urls, reader) for link in links
            if link.shown_to is None or link.shown_to(reader)]


def _ordered() -> tuple[list[Link], dict[str, str]]:
    """The links in order and their addresses, worked out once per app and script root (the
    links take no arguments, so their addresses never change)."""
    table = registry.table("main_menu")
    kept = registry.table("main_menu_order")
    key = (request.script_root if has_request_context() else "", len(table))
    if key not in kept:
        links = sorted(table.values(), key=lambda x: (x.position, x.endpoint))
        kept[key] = (links, {link.endpoint: url_for(link.endpoint) for link in links})
    return kept[key]


def _shown(link: Link, urls: dict[str, str], reader) -> Shown:
    label = str(link.label)
    count = link.badge(reader) if link.badge is not None else None
    if not count:
        return Shown(urls[link.endpoint], label)
    name = link.badge_label(count) if link.badge_label is not None else f"{label} ({count})"
    return Shown(urls[link.endpoint], label, count, str(name))


def members(reader) -> bool:
    return bool(getattr(reader, "is_authenticated", False))


def with_role(role) -> Callable[[object], bool]:
    """Shown to members who hold ``role`` (or a role above it)."""
    return lambda reader: members(reader) and reader.has_role(role)
