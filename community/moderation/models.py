"""The flag queue and the moderators' audit log."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db, enum_column
from community.timeutil import utcnow


class FlagKind(enum.Enum):
    MEMBER_REPORT = "member_report"
    DETECTOR = "detector"


class FlagReason(enum.Enum):
    SPAM = "spam"
    ABUSE = "abuse"
    FAKE = "fake"  # a fake account, review or vote (migration e5a1c0000005)
    OFF_TOPIC = "off_topic"  # kept for existing reports; no longer offered in the report form
    OTHER = "other"
    DETECTOR = "detector"


class FlagState(enum.Enum):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"


class Flag(db.Model):
    """Something a member reported or a detector found, waiting for (or given) a decision."""

    __tablename__ = "flags"
    __table_args__ = (
        sa.CheckConstraint("state = 'open' OR decided_by_id IS NOT NULL",
                           name="decided_has_moderator"),
        # A member reports a subject once; detector flags (no reporter) never collide.
        sa.UniqueConstraint("reporter_id", "subject_type", "subject_id"),
        sa.Index("ix_flags_state_created", "state", "created_at"),
        sa.Index("ix_flags_subject", "subject_type", "subject_id"),
        # One open flag per detector and subject: scans running again (or side by side, in
        # partitions) refresh it, never duplicate it.
        sa.Index("ix_flags_open_detector", "detector", "subject_type", "subject_id",
                 unique=True,
                 sqlite_where=sa.text("kind = 'detector' AND state = 'open'"),
                 postgresql_where=sa.text("kind = 'detector' AND state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind, "flag_kind"))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int]
    reporter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[FlagReason] = mapped_column(enum_column(FlagReason, "flag_reason"))
    # The member's own words, plain text.
    note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    detector: Mapped[str | None] = mapped_column(sa.String(40))
    score: Mapped[float | None]
    # What a moderator needs to decide: the timeline, the cluster, the similar texts.
    evidence: Mapped[dict | None] = mapped_column(sa.JSON)
    state: Mapped[FlagState] = mapped_column(enum_column(FlagState, "flag_state"),
                                             default=FlagState.OPEN)
    # Accounts are anonymised, never removed, so SET NULL does not fight the CHECK above.
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Flag {self.id} {self.subject_type}#{self.subject_id} {self.state.value}>"


class AuditEntry(db.Model):
    """One moderator action: who, what, on what, why, when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_created", sa.desc("created_at"), sa.desc("id")),
        sa.Index("ix_audit_log_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.subject_type}#{self.subject_id}>"
