"""Setting up the forums: categories, each open to all or kept to a group, a club or the staff
(the groups and clubs themselves belong to their domains)."""

from __future__ import annotations

import re

from community.clubs.membership import CLUBS as clubs
from community.clubs.models import Club
from community.extensions import db
from community.forums.models import ForumCategory
from community.groups.membership import GROUPS as groups
from community.groups.models import Group
from community.text import slugify

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def create_category(name: str, *, slug: str | None = None, description: str = "",
                    colour: str = "#3b6ea5", position: int = 0, group: Group | None = None,
                    club: Club | None = None, staff_only: bool = False) -> ForumCategory:
    """Add a category; restricted to at most one of a group, a club or the staff."""
    if not _COLOUR.match(colour):
        raise ValueError("colour must look like #3b6ea5")
    if sum(bool(x) for x in (group, club, staff_only)) > 1:
        raise ValueError("restrict a category to one group, one club or the staff, not more")
    category = ForumCategory(
        name=name, slug=slug or slugify(name, 60, "category"), description=description,
        colour=colour.lower(), position=position, group_id=group.id if group else None,
        club_id=club.id if club else None, staff_only=staff_only)
    db.session.add(category)
    db.session.flush()
    return category


def audience_of(category: ForumCategory) -> str:
    """The category's restriction as the form's choice: all, staff, group:<id> or club:<id>."""
    if category.staff_only:
        return "staff"
    if category.group_id:
        return f"group:{category.group_id}"
    if category.club_id:
        return f"club:{category.club_id}"
    return "all"


def save_category(category: ForumCategory | None, *, name: str, slug: str | None,
                  description: str, colour: str, position: int,
                  audience: str) -> ForumCategory:
    """Create or update a category from the admin form (slug unique: the database says so)."""
    kind, _, ref = audience.partition(":")
    group = db.session.get(Group, int(ref)) if kind == "group" else None
    club = db.session.get(Club, int(ref)) if kind == "club" else None
    if category is None:
        return create_category(name, slug=slug or None, description=description,
                               colour=colour, position=position, group=group, club=club,
                               staff_only=kind == "staff")
    category.name, category.description = name, description
    category.slug = slug or category.slug
    category.colour, category.position = colour.lower(), position
    category.group_id = group.id if group else None
    category.club_id = club.id if club else None
    category.staff_only = kind == "staff"
    db.session.flush()
    return category


def groups_and_clubs() -> tuple[list[Group], list[Club]]:
    return groups.all(), clubs.all()
