"""The header's main menu, filled by the domains: each registers its links in ``init_app``
(where it leads, its label, its place, and who sees it), so a new domain adds its entry without
editing the layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from community import registry


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: object  # a lazy string: translated when the page renders
    position: int
    shown_to: Callable[[object], bool] | None = None  # None: everyone (the reader is passed)


@dataclass(frozen=True)
class Shown:
    url: str
    label: str


def register_link(link: Link) -> None:
    registry.table("main_menu")[link.endpoint] = link


def main_menu(reader) -> list[Shown]:
    """The links this reader sees, in order."""
    links = sorted(registry.table("main_menu").values(), key=lambda x: (x.position, x.endpoint))
    return [Shown(url_for(link.endpoint), str(link.label)) for link in links
            if link.shown_to is None or link.shown_to(reader)]


def members(reader) -> bool:
    return bool(getattr(reader, "is_authenticated", False))


def with_role(role) -> Callable[[object], bool]:
    """Shown to members who hold ``role`` (or a role above it)."""
    return lambda reader: members(reader) and reader.has_role(role)
