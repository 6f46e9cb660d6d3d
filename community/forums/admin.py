"""Setting up the forums: categories, and the groups and clubs a category may be kept to."""

from __future__ import annotations

import re

import sqlalchemy as sa

from community.accounts.models import User
from community.clubs.models import Club, ClubMember
from community.extensions import db
from community.forums.models import ForumCategory
from community.groups.models import Group, GroupMember
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


def create_group(name: str, slug: str | None = None) -> Group:
    group = Group(name=name, slug=slug or slugify(name, 60, "group"))
    db.session.add(group)
    db.session.flush()
    return group


def create_club(name: str, slug: str | None = None) -> Club:
    club = Club(name=name, slug=slug or slugify(name, 60, "club"))
    db.session.add(club)
    db.session.flush()
    return club


def add_to_group(group: Group, user: User) -> None:
    if db.session.get(GroupMember, (group.id, user.id)) is None:
        db.session.add(GroupMember(group_id=group.id, user_id=user.id))
        db.session.flush()


def add_to_club(club: Club, user: User, organisation: str = "") -> None:
    if db.session.get(ClubMember, (club.id, user.id)) is None:
        db.session.add(ClubMember(club_id=club.id, user_id=user.id, organisation=organisation))
        db.session.flush()


def find(model, slug: str):
    return db.session.scalar(sa.select(model).where(model.slug == slug))


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
    return (list(db.session.scalars(sa.select(Group).order_by(Group.name))),
            list(db.session.scalars(sa.select(Club).order_by(Club.name))))
