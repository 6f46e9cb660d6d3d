"""Sections of the home page that the domains add (what is new in the forums, trending ideas,
followed ideas' news, the reader's groups and clubs…): each registers, in its ``init_app``, a
position, a template and a function giving its data for one reader since a moment, or None to
show nothing.

The same sections serve members and visitors: ``reader`` is the signed-in member, or None for a
visitor (who sees public activity only); ``since`` is the start of what counts as new (the
member's previous visit, or a week ago). A section's function runs a small, fixed number of
queries with limited rows, however much the site holds (``tests/core/test_home_queries.py``
counts them), and shows only what the reader may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from community import registry


@dataclass(frozen=True)
class Section:
    name: str
    position: int  # lower first
    template: str  # included by the home page with ``section`` set (its ``data``) and ``since``
    data: Callable[[object | None, datetime], object | None]  # (reader or None, since)


@dataclass(frozen=True)
class Shown:
    name: str
    template: str
    data: object


def register_section(section: Section) -> None:
    registry.table("home_sections")[section.name] = section


def sections_for(reader, since: datetime) -> list[Shown]:
    """The sections with something to show this reader (None for a visitor), in order."""
    shown = []
    ordered = sorted(registry.table("home_sections").values(),
                     key=lambda s: (s.position, s.name))
    for section in ordered:
        data = section.data(reader, since)
        if data is not None:
            shown.append(Shown(section.name, section.template, data))
    return shown
