"""What the ambassadors' part tells: an owner named you an ambassador of a group
(``group_ambassador``). The notification keeps the group's id as its subject; the group's
name is read when shown, and a reader who may no longer see the group sees nothing."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import Group
from community.notify import service as notify_service
from community.notify.models import Notification

SUBJECT = "group"
KIND = "group_ambassador"


def tell_marked(group: Group, user_id: int) -> None:
    notify_service.notify([user_id], KIND, SUBJECT, group.id)


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """One query, however many rows."""
    mine = [n for n in notifications if n.kind == KIND and n.subject_type == SUBJECT]
    ids = {n.subject_id for n in mine}
    if not ids:
        return {}
    groups = {group.id: group for group in db.session.scalars(
        sa.select(Group).where(Group.id.in_(ids), access.visible_groups(reader)))}
    words = {}
    for notification in mine:
        group = groups.get(notification.subject_id)
        if group is not None:
            words[notification.id] = notify_service.Shown(
                _("You are now an ambassador of the group %(group)s.", group=group.name),
                url_for("groups.page", slug=group.slug))
    return words


def register() -> None:
    notify_service.register_kinds((KIND,), shown)
