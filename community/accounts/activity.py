"""The activity log: one compact row per thing a member does that the trust detectors read
(sign-up, log-in, votes, priorities, reviews, posts), written in the same transaction as the
action, so a refused or rolled-back action leaves no row.

It lives in the accounts layer because accounts write to it (sign-up, log-in) and every domain
above may: content domains call :func:`record` from their services; trust (``flask trust scan``)
reads it and ``flask trust purge`` prunes it after ACTIVITY_RETENTION_DAYS. Where the action came
from is kept only as keyed hashes (``community/security.py``) of the address, its network and
the browser's device cookie, truncated to 16 hex digits: enough to group, never an address.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db, enum_column
from community.security import hash_ip, keyed_hash
from community.timeutil import utcnow

DEVICE_COOKIE = "cercle_device"
HASH_LENGTH = 16  # hex digits kept of each keyed hash: 64 bits, enough to group by


class ActivityKind(enum.Enum):
    SIGNUP = "signup"
    LOGIN = "login"
    VOTE_CAST = "vote_cast"
    VOTE_CHANGED = "vote_changed"
    VOTE_WITHDRAWN = "vote_withdrawn"
    PRIORITY_CHANGED = "priority_changed"
    REVIEW_WRITTEN = "review_written"
    REVIEW_EDITED = "review_edited"
    POST_WRITTEN = "post_written"


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        sa.Index("ix_activity_user_at", "user_id", "at"),
        sa.Index("ix_activity_subject_at", "subject_type", "subject_id", "at"),
        sa.Index("ix_activity_at", "at"),
        sa.Index("ix_activity_net", "net_hash"),
        sa.Index("ix_activity_device", "device_hash"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind, "activity_kind"))
    subject_type: Mapped[str | None] = mapped_column(sa.String(20))
    subject_id: Mapped[int | None]
    value: Mapped[int | None]  # a vote's importance, a review's rating, a priority's rank
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))
    net_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))
    device_hash: Mapped[str | None] = mapped_column(sa.String(HASH_LENGTH))


@dataclass(frozen=True)
class Origin:
    """Where an action came from, already hashed."""

    ip_hash: str | None = None
    net_hash: str | None = None
    device_hash: str | None = None


def origin_of(ip: str | None, device: str | None) -> Origin:
    ip_hash, net_hash = hash_ip(ip)
    device_hash = keyed_hash(device, "device") if device else None
    return Origin(*(h[:HASH_LENGTH] if h else None for h in (ip_hash, net_hash, device_hash)))


def current_origin() -> Origin:
    """The origin the request edge noted (``accounts/context.py``: its address behind the proxy
    fix and the device cookie), hashed on first use; empty outside a request (a CLI command,
    a job)."""
    if not has_app_context() or "origin_seen" not in g:
        return Origin()
    if "origin" not in g:
        g.origin = origin_of(*g.origin_seen)
    return g.origin


def count_since(user_id: int, kinds: tuple[ActivityKind, ...], since: datetime) -> int:
    """How many rows of these kinds the member wrote since ``since`` (trust-level limits:
    votes an hour, reviews a day); one indexed count."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.user_id == user_id, Activity.kind.in_(kinds), Activity.at >= since)) or 0


def record(user_id: int, kind: ActivityKind, subject: tuple[str, int] | None = None,
           value: int | None = None, *, origin: Origin | None = None,
           at: datetime | None = None) -> Activity:
    """Add one row to the session (flushed with the caller's transaction, never committed
    here). ``subject`` is ``(type, id)``, e.g. ``("idea", 12)``."""
    origin = origin or current_origin()
    row = Activity(
        user_id=user_id, kind=kind, value=value, at=at or utcnow(),
        subject_type=subject[0] if subject else None, subject_id=subject[1] if subject else None,
        ip_hash=origin.ip_hash, net_hash=origin.net_hash, device_hash=origin.device_hash)
    db.session.add(row)
    return row


def purge(days: int) -> int:
    """Delete activity older than ``days``; return how many rows went."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(sa.delete(Activity).where(Activity.at < cutoff))
    return result.rowcount or 0


def export(user) -> list[dict]:
    """A member's own activity, for their export (hashes left out: they identify nothing to
    the member and are only meaningful to the detectors)."""
    rows = db.session.scalars(sa.select(Activity).where(Activity.user_id == user.id)
                              .order_by(Activity.at, Activity.id))
    return [{"kind": r.kind.value, "subject_type": r.subject_type, "subject_id": r.subject_id,
             "value": r.value, "at": r.at.isoformat()} for r in rows]


def erase(user) -> None:
    db.session.execute(sa.delete(Activity).where(Activity.user_id == user.id))
