"""The groups' part of a member's data (registered by ``meetups.init_app``):

- in the export: their memberships (group, role, in the directory or not, the fields shown
  there, ambassador, joined), their directory card and their pending join requests: only
  their own rows, and only groups they belong to or asked to join (they know those);
- on account deletion: all of these go. Each group the member left is recounted (its row
  locked); a group left without an owner gets one: its longest-standing manager, else its
  longest-standing member (a group nobody is left in stays without an owner, run by the
  admins).
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import User
from community.extensions import db
from community.groups import directory
from community.groups.models import (
    DIRECTORY_FIELDS,
    DirectoryProfile,
    Group,
    GroupJoinRequest,
    GroupMember,
    GroupRole,
)
from community.timeutil import iso


def memberships_of(user: User) -> list[dict]:
    rows = db.session.execute(
        sa.select(Group.name, GroupMember).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user.id).order_by(Group.name, Group.id))
    return [{"group": name, "role": member.role.value, "listed": member.listed,
             "shown_fields": directory.shown_of(member), "ambassador": member.ambassador,
             "ambassador_since": iso(member.ambassador_since),
             "joined_at": iso(member.joined_at)} for name, member in rows]


def card_of(user: User) -> dict | None:
    card = db.session.get(DirectoryProfile, user.id)
    if card is None:
        return None
    return {**{name: getattr(card, name) for name in DIRECTORY_FIELDS},
            "updated_at": iso(card.updated_at)}


def join_requests_of(user: User) -> list[dict]:
    rows = db.session.execute(
        sa.select(Group.name, GroupJoinRequest)
        .join(GroupJoinRequest, GroupJoinRequest.group_id == Group.id)
        .where(GroupJoinRequest.user_id == user.id).order_by(GroupJoinRequest.created_at))
    return [{"group": name, "message": request.message, "created_at": iso(request.created_at)}
            for name, request in rows]


def _keep_an_owner(group_id: int) -> None:
    has_owner = db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
        GroupMember.group_id == group_id, GroupMember.role == GroupRole.OWNER))
    if has_owner:
        return
    heir = db.session.scalar(
        sa.select(GroupMember).where(GroupMember.group_id == group_id)
        .order_by(sa.case((GroupMember.role == GroupRole.MANAGER, 0), else_=1),
                  GroupMember.joined_at, GroupMember.user_id).limit(1).with_for_update())
    if heir is not None:
        heir.role = GroupRole.OWNER


def erase(user: User) -> None:
    """The memberships, the card and the join requests go; their groups are recounted and
    keep an owner (rows locked, in the deletion's transaction)."""
    roles = dict(db.session.execute(sa.select(GroupMember.group_id, GroupMember.role).where(
        GroupMember.user_id == user.id)).all())
    group_ids = sorted(roles)
    if group_ids:  # lock the groups in id order (no deadlock with another deletion)
        db.session.execute(sa.select(Group.id).where(Group.id.in_(group_ids))
                           .order_by(Group.id).with_for_update())
    db.session.execute(sa.delete(GroupMember).where(GroupMember.user_id == user.id))
    db.session.execute(sa.delete(GroupJoinRequest).where(GroupJoinRequest.user_id == user.id))
    db.session.execute(sa.delete(DirectoryProfile).where(DirectoryProfile.user_id == user.id))
    for group_id in group_ids:
        if roles[group_id] is GroupRole.OWNER:
            _keep_an_owner(group_id)
        count = sa.select(sa.func.count()).select_from(GroupMember).where(
            GroupMember.group_id == group_id).scalar_subquery()
        db.session.execute(sa.update(Group).where(Group.id == group_id)
                           .values(member_count=count))
    db.session.flush()


def register() -> None:
    # "groups": every membership in full (role, directory choices, ambassador, dates).
    data.register_exporter("groups", memberships_of)
    data.register_exporter("directory_card", card_of)
    data.register_exporter("group_join_requests", join_requests_of)
    data.register_eraser("groups", erase)
