"""Sections of a member's public profile that other domains add (forum posts and helpfulness,
ideas, reviews…): each registers a template and a function that gives its data for a profile
as one reader sees it, or None to show nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.name] = section


def sections_for(user: User, reader) -> list[Shown]:
    shown = []
    for section in _SECTIONS.values():
        data = section.data(user, reader)
        if data is not None:
            shown.append(Shown(section.template, data))
    return shown
