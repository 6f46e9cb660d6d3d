"""Invitations: the path for legitimate growth past the door's velocity rules.

A verified member creates a link (INVITES_BY_LEVEL open-or-used at a time, by trust
level); whoever signs up with it is not counted against network, device, domain or counter
rules (the other rules still apply), and the invitation records who used it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import Invitation, User
from community.extensions import db
from community.timeutil import utcnow


class InvitationLimitReached(Exception):
    """The member already has as many open or used invitations as allowed."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitations_of(member: User) -> list[Invitation]:
    query = (
        sa.select(Invitation)
        .where(Invitation.inviter_id == member.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(db.session.scalars(query))


def allowance(member: User) -> int:
    """How many open-or-used invitations the member's trust level allows."""
    by_level = current_app.config["INVITES_BY_LEVEL"]
    return by_level[min(max(member.trust_level or 0, 0), len(by_level) - 1)]


def remaining(member: User) -> int:
    """How many more invitations the member may create now."""
    counted = [i for i in invitations_of(member) if i.state in ("open", "used")]
    return max(0, allowance(member) - len(counted))


def create_invitation(member: User, note: str | None = None) -> tuple[Invitation, str]:
    """Create an invitation; return it and the raw token (shown once, stored only hashed)."""
    if remaining(member) <= 0:
        raise InvitationLimitReached
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        inviter_id=member.id,
        token_hash=_digest(token),
        note=note or None,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITE_MAX_AGE_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find_open(token: str) -> Invitation | None:
    """The open invitation a token belongs to (from a member still active), else None."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _digest(token))
    )
    if invitation is None or invitation.state != "open" or not invitation.inviter.is_verified:
        return None
    return invitation


def mark_used(invitation: Invitation, user: User) -> None:
    invitation.used_by_id = user.id
    invitation.used_at = utcnow()
    db.session.flush()


def revoke_invitation(member: User, invitation_id: int) -> bool:
    """Revoke one of the member's own open invitations; False if there is no such thing."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.inviter_id != member.id or invitation.state != "open":
        return False
    invitation.revoked_at = utcnow()
    db.session.flush()
    return True
