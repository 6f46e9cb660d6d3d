"""Who may create groups: a verified member whose trust level reaches the policy's minimum
(the ``GroupPolicy`` row admins set on /groups/policy, else the GROUP_CREATE_LEVEL setting);
when the policy says "staff only", only the staff. Admins always may."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.extensions import db
from community.groups import access
from community.groups.models import GroupPolicy
from community.refusals import Refused
from community.timeutil import utcnow


@dataclass(frozen=True)
class Policy:
    min_level: int
    staff_only: bool


def policy() -> Policy:
    row = db.session.get(GroupPolicy, 1)
    if row is None:
        level = int(current_app.config.get("GROUP_CREATE_LEVEL", 1))
        return Policy(min(max(level, 0), 3), False)
    return Policy(row.min_level, row.staff_only)


def may_create(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if access.runs_groups(user):
        return True
    if not user.is_verified:
        return False
    rule = policy()
    if rule.staff_only:
        return user.is_staff
    return user.is_staff or (user.trust_level or 0) >= rule.min_level


def set_policy(actor: User, *, min_level: int, staff_only: bool) -> None:
    """Admins choose who may create groups (the row locked: two admins save in turn)."""
    if not access.runs_groups(actor):
        raise Refused("groups.admins_only")
    if not 0 <= min_level <= 3:
        raise Refused("groups.bad_level", 422)
    row = db.session.get(GroupPolicy, 1, with_for_update=True)
    if row is None:
        row = GroupPolicy(id=1, min_level=min_level, staff_only=staff_only,
                          updated_by_id=actor.id)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return
        except IntegrityError:  # another admin created it meanwhile
            row = db.session.get(GroupPolicy, 1, with_for_update=True)
    row.min_level, row.staff_only = min_level, staff_only
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    db.session.flush()
