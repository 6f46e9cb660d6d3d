"""What the groups tell their members: someone asks to join (``group_request``, to the
group's managers and owners), a request was approved (``group_joined``, to the requester) and
an e-mail invitation went to a member's address (``group_invited``, to that member).

A notification keeps the group's id as its subject (``"group"``) and, for a request or an
invitation, the other member's id in its data; names are read when it is shown, so a renamed
group shows its name now. A reader who may no longer see the group (a secret group they left)
no longer sees what was said about it; a request notice shows only to a reader who still
manages the group; an invitation to a secret group shows while the invitation is open.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import Group, GroupInvitation, GroupMember, GroupRole
from community.notify import service as notify_service
from community.notify.models import Notification
from community.timeutil import utcnow

SUBJECT = "group"
KINDS = ("group_request", "group_joined", "group_invited")


def tell_managers(group: Group, manager_ids: list[int], requester_id: int) -> None:
    notify_service.notify(manager_ids, "group_request", SUBJECT, group.id,
                          {"user_id": requester_id})


def tell_joined(group: Group, user_id: int) -> None:
    notify_service.notify([user_id], "group_joined", SUBJECT, group.id)


def tell_invited(group: Group, user_id: int, inviter_id: int, invitation_id: int) -> None:
    notify_service.notify([user_id], "group_invited", SUBJECT, group.id,
                          {"user_id": inviter_id, "invitation_id": invitation_id})


def _managed(reader: User, group_ids: set[int]) -> set[int]:
    if access.runs_groups(reader):
        return set(group_ids)
    return set(db.session.scalars(sa.select(GroupMember.group_id).where(
        GroupMember.user_id == reader.id, GroupMember.group_id.in_(group_ids),
        GroupMember.role.in_([GroupRole.MANAGER, GroupRole.OWNER]))))


def _ref(notification: Notification, key: str):
    value = (notification.data or {}).get(key)
    return value if isinstance(value, int) else None


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The groups' notifications worded now: five queries at most, however many rows."""
    mine = [n for n in notifications if n.subject_type == SUBJECT]
    group_ids = {n.subject_id for n in mine}
    if not group_ids:
        return {}
    invitation_ids = {_ref(n, "invitation_id") for n in mine if n.kind == "group_invited"}
    open_invitations = set(db.session.scalars(sa.select(GroupInvitation.id).where(
        GroupInvitation.id.in_({i for i in invitation_ids if i is not None}),
        GroupInvitation.expires_at > utcnow()))) if invitation_ids else set()
    visible = set(db.session.scalars(sa.select(Group.id).where(
        Group.id.in_(group_ids), access.visible_groups(reader))))
    groups = {group.id: group for group in db.session.scalars(
        sa.select(Group).where(Group.id.in_(group_ids)))}
    managed = _managed(reader, visible)
    people = {_ref(n, "user_id") for n in mine} - {None}
    names = {row.id: row.display_name or row.handle for row in db.session.execute(
        sa.select(User.id, User.display_name, User.handle).where(
            User.id.in_(people), User.deleted_at.is_(None)))} if people else {}
    words = {}
    for notification in mine:
        group = groups.get(notification.subject_id)
        if group is None:
            continue
        seen = group.id in visible
        if notification.kind == "group_request":
            name = names.get(_ref(notification, "user_id"))
            if group.id not in managed or name is None:
                continue
            words[notification.id] = notify_service.Shown(
                _("%(name)s asks to join the group %(group)s.", name=name, group=group.name),
                url_for("groups.requests", slug=group.slug))
        elif notification.kind == "group_invited":
            invited = _ref(notification, "invitation_id") in open_invitations
            name = names.get(_ref(notification, "user_id"))
            if not (seen or invited) or name is None:
                continue
            words[notification.id] = notify_service.Shown(
                _("%(name)s invited you to the group %(group)s: the link is in the e-mail we "
                  "sent you.", name=name, group=group.name),
                url_for("groups.page", slug=group.slug) if seen else None)
        elif seen:
            words[notification.id] = notify_service.Shown(
                _("You are now a member of the group %(group)s.", group=group.name),
                url_for("groups.page", slug=group.slug))
    return words


def register() -> None:
    notify_service.register_kinds(KINDS, shown)
