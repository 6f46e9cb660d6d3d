"""Members, their roles, their logged-in browsers and invitations."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db, enum_column
from community.timeutil import utcnow


class Role(enum.Enum):
    MEMBER = "member"
    MODERATOR = "moderator"
    PRODUCT = "product"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.MODERATOR, Role.PRODUCT, Role.ADMIN})


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email_digest IN ('instant', 'daily', 'off')",
                           name="email_digest_values"),
        sa.CheckConstraint("trust_level BETWEEN 0 AND 3", name="trust_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str | None] = mapped_column(sa.String(60))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    # The address with case, dots and +tags folded as the provider folds them: one per person.
    email_normalized: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    email_verified_at: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Rotated on password change and deletion: it is part of the session id, so every other
    # session (and "remember me" cookie) of the account ends at once, as deleting its
    # MemberSession rows does.
    session_nonce: Mapped[str] = mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(8)
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), default=Role.MEMBER)
    bio: Mapped[str | None] = mapped_column(sa.String(2000))
    company: Mapped[str | None] = mapped_column(sa.String(100))
    location: Mapped[str | None] = mapped_column(sa.String(100))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    founding_number: Mapped[int | None] = mapped_column(unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    # A moderator's decision: this member's votes no longer count in the crowd's rankings.
    votes_discounted_at: Mapped[datetime | None]
    # Standing (docs/TRUST.md): the trust level (0 new, 1 basic, 2 member, 3 regular), which
    # ``flask trust levels`` and activity recompute unless a moderator locked it; the days the
    # member came (counted once a day); a suspension (no login, content hidden); and whether an
    # open flag above TRUST_REDUCE_AT names the account (its votes and reviews weigh less).
    trust_level: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    trust_level_locked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    days_visited: Mapped[int] = mapped_column(default=0, server_default="0")
    last_visit_on: Mapped[date | None]
    # Visits, as Discourse counts them (core/visits.py): the last request, noted at most once
    # an hour; a new visit starts after an hour or more without one, and the home shows what is
    # new since the previous visit's last noted moment (None: the first visit, the last 7 days).
    last_seen_at: Mapped[datetime | None]
    previous_visit_at: Mapped[datetime | None]
    suspended_at: Mapped[datetime | None]
    weight_reduced: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # E-mail copies of notifications: "instant", "daily" (digest) or "off".
    email_digest: Mapped[str] = mapped_column(sa.String(10), default="daily",
                                              server_default="daily")
    # The uploaded avatar's version (accounts/avatars.py): 0 means none (generated initials);
    # each upload draws a new random one, which the picture's cached address carries.
    avatar_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    invited_by: Mapped[User | None] = relationship(remote_side=[id])

    # Not a column: the token of the browser session this request runs in, set by
    # accounts.sessions when it opens or loads one; only its SHA-256 is stored.
    session_token = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and "remember me" cookies: account, password
        generation and browser session (see accounts/sessions.py)."""
        return f"{self.id}:{self.session_nonce}:{self.session_token or ''}"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None and self.suspended_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None and self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def email_domain(self) -> str:
        return (self.email or "").rpartition("@")[2].lower()

    @property
    def is_staff(self) -> bool:
        """Staff: a staff role, or a verified e-mail at one of COMPANY_DOMAINS."""
        if self.deleted_at is not None:
            return False
        if self.role in STAFF_ROLES:
            return True
        domains = current_app.config.get("COMPANY_DOMAINS", ())
        return self.is_verified and self.email_domain in domains

    def has_role(self, *roles: Role) -> bool:
        return self.deleted_at is None and (self.role in roles or self.role is Role.ADMIN)

    @property
    def public_name(self) -> str:
        return self.display_name or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.handle}>"


class MemberSession(db.Model):
    """One logged-in browser: logging out deletes the row, and with it every copy of the
    browser's session and "remember me" cookies."""

    __tablename__ = "member_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    # Only a SHA-256 of the token is stored: a copy of this table opens no session.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Coarse (updated at most once an hour): what idle expiry and the daily purge read.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(db.Model):
    """A link a member sends so that someone they know can join past the velocity rules."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    inviter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Only a SHA-256 of the token is stored: the link itself is shown once, to the inviter.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    note: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    inviter: Mapped[User] = relationship(foreign_keys=[inviter_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"


class MemberAvatar(db.Model):
    """A member's uploaded picture, re-encoded (a small square PNG, metadata stripped) and kept
    in the database so every worker serves the same bytes without shared storage."""

    __tablename__ = "member_avatars"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mimetype: Mapped[str] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
