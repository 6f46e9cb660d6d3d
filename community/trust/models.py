"""What the door saw: refusals for moderators, and the recent signups its rules count."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db, enum_column
from community.timeutil import utcnow


class TrustEventKind(enum.Enum):
    SIGNUP_REFUSED = "signup_refused"
    DEMO_REFUSED = "demo_refused"


class TrustEvent(db.Model):
    """One thing the trust layer refused or noticed, with the evidence a moderator needs."""

    __tablename__ = "trust_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[TrustEventKind] = mapped_column(enum_column(TrustEventKind, "trust_event_kind"))
    rule: Mapped[str] = mapped_column(sa.String(40), index=True)
    # Keyed hashes only (HMAC with a server secret): never an address in clear.
    ip_hash: Mapped[str | None] = mapped_column(sa.String(64))
    net_hash: Mapped[str | None] = mapped_column(sa.String(64))
    device_hash: Mapped[str | None] = mapped_column(sa.String(64))
    email_domain: Mapped[str | None] = mapped_column(sa.String(254))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class SignupRecord(db.Model):
    """An accepted signup, kept (without the account's id) so velocity rules can count.

    Purged after SIGNUP_RECORD_RETENTION_DAYS by ``flask trust purge``.
    """

    __tablename__ = "signup_records"
    __table_args__ = (
        sa.Index("ix_signup_records_net_created", "net_hash", "created_at"),
        sa.Index("ix_signup_records_device_created", "device_hash", "created_at"),
        sa.Index("ix_signup_records_domain_created", "email_domain", "created_at"),
        sa.Index("ix_signup_records_name_stem_created", "name_stem", "created_at"),
        sa.Index("ix_signup_records_email_stem_created", "email_stem", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    net_hash: Mapped[str | None] = mapped_column(sa.String(64))
    device_hash: Mapped[str | None] = mapped_column(sa.String(64))
    email_domain: Mapped[str] = mapped_column(sa.String(254))
    # Set only when the name (or e-mail local part) ends in a counter: "alice07" -> "alice".
    name_stem: Mapped[str | None] = mapped_column(sa.String(60))
    email_stem: Mapped[str | None] = mapped_column(sa.String(254))
    invited: Mapped[bool] = mapped_column(default=False)
