"""Tiny factories for the groups' and meetups' tests: a group made through the service (with
its discussion category and its creator as owner), its members, and readers of what the
database holds. Helpers B, C and D import these."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import (
    Group,
    GroupJoinRequest,
    GroupMember,
    GroupRole,
    GroupVisibility,
)
from community.meetups import groups
from tests.conftest import make_user

MEMBER = GroupRole.MEMBER
MANAGER = GroupRole.MANAGER
OWNER = GroupRole.OWNER
PUBLIC = GroupVisibility.PUBLIC
PRIVATE = GroupVisibility.PRIVATE
SECRET = GroupVisibility.SECRET


def make_admin(app, name="Ada Admin", email="ada@example.com", **fields) -> User:
    return make_user(app, name, email, role=Role.ADMIN, **fields)


def make_moderator(app, name="Mo Moderator", email="mo@example.com", **fields) -> User:
    return make_user(app, name, email, role=Role.MODERATOR, **fields)


def make_group(app, creator_id: int, name="Lyon Users", visibility=PUBLIC, *,
               description="For **Lyon** customers.", rules="Be kind.",
               members=()) -> str:
    """A group created by ``creator_id`` (its owner, whatever their trust level), with its
    category, and (user id, role) ``members``; returns its slug. ``visibility`` may be a
    GroupVisibility or its value ("public", "private", "secret")."""
    if isinstance(visibility, str):
        visibility = GroupVisibility(visibility)
    with app.app_context():
        group = groups.new_group(creator_id, name=name, description=description,
                                 rules=rules, visibility=visibility)
        for user_id, role in members:
            groups.add_member(group, user_id, role=role)
        db.session.commit()
        return group.slug


def get_group(app, slug: str) -> Group:
    with app.app_context():
        group = GROUPS.find(slug)
        db.session.expunge(group)
        return group


def group_id(app, slug: str) -> int:
    with app.app_context():
        return GROUPS.find(slug).id


def roles(app, slug: str) -> dict[int, GroupRole]:
    with app.app_context():
        group = GROUPS.find(slug)
        return dict(db.session.execute(sa.select(GroupMember.user_id, GroupMember.role).where(
            GroupMember.group_id == group.id)).all())


def requests_of(app, slug: str) -> list[tuple[int, int, str]]:
    """(request id, user id, message) of the group's pending join requests."""
    with app.app_context():
        group = GROUPS.find(slug)
        return [tuple(row) for row in db.session.execute(sa.select(
            GroupJoinRequest.id, GroupJoinRequest.user_id, GroupJoinRequest.message).where(
            GroupJoinRequest.group_id == group.id).order_by(GroupJoinRequest.id))]


def member_count(app, slug: str) -> int:
    """The stored (denormalized) member count."""
    with app.app_context():
        return GROUPS.find(slug).member_count


def group_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Group))
