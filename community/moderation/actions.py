"""What moderators do to an account, and how flags weigh before anyone decides.

- **discount**: the member's votes and reviews weigh 0 from now on (earlier ones too): every
  domain rewrites its stored weights and counters in the same transaction
  (``accounts.standing.reweigh``), so ``flask ideas recount`` agrees at once.
- **suspend**: the member can no longer log in (every session ends), their votes and reviews
  weigh 0, and their visible content is hidden; the audit row keeps exactly what was hidden.
- **restore**: undoes the discount and the suspension: weights are rewritten from the member's
  standing, and the content the suspension hid (and only that) is shown again.
- **reduced weight**: while an open flag scoring at least TRUST_REDUCE_AT names an account
  (subject "account"), its votes and reviews count at most TRUST_REDUCED_WEIGHT
  (``reduced.refresh_reduced``, called when such flags open, change or are decided).

Each action is one audit row (who, what, why, when, the flag it came from) and decides the
account's open flags (actioned) when it came from the queue. Services flush, never commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community.accounts import avatars, sessions, standing
from community.accounts.models import Role, User
from community.extensions import db
from community.moderation import reduced
from community.moderation.models import AuditEntry, Flag, FlagState
from community.moderation.reduced import ACCOUNT
from community.moderation.service import record_action
from community.refusals import Refused, register_messages
from community.timeutil import utcnow

MESSAGES = {
    "moderation.protected": _l("Moderators and administrators cannot be discounted or "
                               "suspended here: ask an administrator to change their role."),
    "moderation.reason_required": _l("Say why: the reason is kept in the audit log."),
    "moderation.nothing_to_restore": _l("This account is neither discounted nor suspended."),
    "moderation.already": _l("This is already done."),
    "moderation.nothing_to_undo": _l("There is no decision to undo here."),
    "moderation.still_open": _l("Members' reports are waiting here: decide them first."),
}


def register() -> None:
    register_messages(MESSAGES)


def require_target(actor: User, target: User | None, reason: str) -> str:
    """The checks every action on an account makes (a moderator, not on themselves nor on
    staff, with a reason), after locking and re-reading the member's row: two moderators (or
    a double submit, or the scan) acting at once are serialised and each sees the other's
    decision. Returns the reason, trimmed."""
    if not actor.has_role(Role.MODERATOR):
        raise Refused("moderation.forbidden")
    if target is not None:
        db.session.refresh(target, with_for_update=True)
    if target is None or target.is_deleted:
        raise Refused("moderation.nothing_open", 404)
    if target.id == actor.id or target.has_role(Role.MODERATOR):
        raise Refused("moderation.protected")
    reason = (reason or "").strip()[:500]
    if not reason:
        raise Refused("moderation.reason_required", 422)
    return reason



def _close_account_flags(actor: User, user_id: int, reason: str) -> list[int]:
    """Decide the account's open flags (actioned); returns their ids."""
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.subject_type == ACCOUNT, Flag.subject_id == user_id,
        Flag.state == FlagState.OPEN).order_by(Flag.id).with_for_update()))
    now = utcnow()
    for flag in flags:
        flag.state, flag.decided_by_id, flag.decided_at = FlagState.ACTIONED, actor.id, now
        flag.decision_note = reason
    return [f.id for f in flags]


def _data(flag_id: int | None, closed: list[int], **more) -> dict:
    flags = sorted({*closed, *([flag_id] if flag_id else [])})
    return {"flags": flags, **more}


def discount(actor: User, target: User | None, reason: str,
             flag_id: int | None = None) -> AuditEntry:
    """The member's votes and reviews weigh 0, from now on and retroactively."""
    reason = require_target(actor, target, reason)
    if target.votes_discounted_at is not None:
        raise Refused("moderation.already", 409)
    target.votes_discounted_at = utcnow()
    closed = _close_account_flags(actor, target.id, reason)
    _settle_weight(target.id)
    return record_action(actor, "account.discount", ACCOUNT, target.id, reason,
                         _data(flag_id, closed))


def suspend(actor: User, target: User | None, reason: str,
            flag_id: int | None = None) -> AuditEntry:
    """No more logging in, weight 0, content hidden (what was hidden is kept for restore)."""
    reason = require_target(actor, target, reason)
    if target.suspended_at is not None:
        raise Refused("moderation.already", 409)
    target.suspended_at = utcnow()
    sessions.end_all_sessions(target)
    hidden = {kind: ids for kind, content in sorted(standing.content_kinds().items())
              if (ids := content.hide_all(actor, target.id, reason))}
    closed = _close_account_flags(actor, target.id, reason)
    _settle_weight(target.id)
    return record_action(actor, "account.suspend", ACCOUNT, target.id, reason,
                         _data(flag_id, closed, hidden=hidden))


def remove_picture(actor: User, target: User | None, reason: str,
                   flag_id: int | None = None) -> AuditEntry:
    """Take down the member's uploaded picture (they get their initials back and may upload
    another): for an abusive or impersonating picture."""
    reason = require_target(actor, target, reason)
    if target.avatar_version <= 0:
        raise Refused("moderation.already", 409)
    avatars.remove_avatar(actor, target)
    return record_action(actor, "account.remove_picture", ACCOUNT, target.id, reason,
                         _data(flag_id, []))


def restore(actor: User, target: User | None, reason: str,
            flag_id: int | None = None) -> AuditEntry:
    """Undo the discount and the suspension exactly: weights from the standing now, and the
    content the last suspension hid shown again (content hidden otherwise stays hidden)."""
    reason = require_target(actor, target, reason)
    if target.votes_discounted_at is None and target.suspended_at is None:
        raise Refused("moderation.nothing_to_restore", 409)
    undone: dict = {"discount": target.votes_discounted_at is not None,
                    "suspension": target.suspended_at is not None}
    if target.suspended_at is not None:
        last = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.subject_type == ACCOUNT, AuditEntry.subject_id == target.id,
            AuditEntry.action == "account.suspend").order_by(AuditEntry.id.desc()).limit(1))
        hidden = ((last.data or {}).get("hidden") or {}) if last is not None else {}
        kinds = standing.content_kinds()
        for kind, ids in sorted(hidden.items()):
            if kind in kinds and ids:
                kinds[kind].show(actor, [int(i) for i in ids], reason)
        undone["shown"] = hidden
    # The flags the discount or the suspension decided were decided wrongly: dismissed now,
    # so they neither reduce the weight nor count as upheld against the member's level.
    dismissed = _dismiss_flags_of(actor, target.id, reason)
    target.votes_discounted_at = None
    target.suspended_at = None
    _settle_weight(target.id)
    return record_action(actor, "account.restore", ACCOUNT, target.id, reason,
                         _data(flag_id, dismissed, **undone))


def _dismiss_flags_of(actor: User, user_id: int, reason: str) -> list[int]:
    """Dismiss the account flags the last discount and suspension actioned."""
    ids: set[int] = set()
    for action in ("account.discount", "account.suspend"):
        last = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.subject_type == ACCOUNT, AuditEntry.subject_id == user_id,
            AuditEntry.action == action).order_by(AuditEntry.id.desc()).limit(1))
        if last is not None:
            ids.update(int(i) for i in (last.data or {}).get("flags") or [])
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.id.in_(sorted(ids)), Flag.subject_type == ACCOUNT, Flag.subject_id == user_id,
        Flag.state == FlagState.ACTIONED).order_by(Flag.id).with_for_update()))
    now = utcnow()
    for flag in flags:
        flag.state, flag.decided_by_id, flag.decided_at = FlagState.DISMISSED, actor.id, now
        flag.decision_note = reason
    return [f.id for f in flags]


def _settle_weight(user_id: int) -> None:
    """After a decision: the reduced weight follows the account's open flags (none left, once
    decided), then every domain reweighs the member's say from their standing now."""
    db.session.flush()
    reduced.refresh_reduced([user_id])
    standing.reweigh([user_id])


