"""Sections of a member's public profile that other domains add (forum posts and helpfulness,
ideas, reviews…): each registers a template and a function that gives its data for a profile
as one reader sees it, or None to show nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
