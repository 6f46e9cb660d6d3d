"""Clubs of customer organisations: the club, its members with their role, the e-mail domains
that suggest it, its logo, join requests and the invitation link.

The club's discussion category, ballots and everything touching ideas live in the content
layer (``community/roadmap/``); these tables know no content domain.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db, enum_column
from community.timeutil import utcnow


class Visibility(enum.Enum):
    PUBLIC = "public"  # anyone sees the club, its members and its ballot
    MEMBERS = "members"  # only its members (and staff) know it exists


class ClubRole(enum.Enum):
    MEMBER = "member"
    MANAGER = "manager"  # approves requests, publishes the ballot, manages members
    OWNER = "owner"  # a manager who may also name managers and edit the club


ROLE_RANK = {ClubRole.MEMBER: 0, ClubRole.MANAGER: 1, ClubRole.OWNER: 2}


class Club(db.Model):
    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "club_visibility"), default=Visibility.PUBLIC)
    # The invitation link's secret: whoever holds /clubs/join/<token> may join. Managers
    # renew it (the old link stops working) or clear it (no link).
    invite_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    logo_version: Mapped[int] = mapped_column(default=0)  # 0: no logo; bumps bust caches
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_public(self) -> bool:
        return self.visibility is Visibility.PUBLIC


class ClubMember(db.Model):
    __tablename__ = "club_members"

    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[ClubRole] = mapped_column(enum_column(ClubRole, "club_role"),
                                           default=ClubRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClubDomain(db.Model):
    """An e-mail domain whose verified members are invited to ask to join the club."""

    __tablename__ = "club_domains"

    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True)
    domain: Mapped[str] = mapped_column(sa.String(253), primary_key=True, index=True)


class ClubLogo(db.Model):
    """The club's logo, re-encoded (PNG, metadata stripped) and kept in the database so every
    worker serves the same bytes without shared storage."""

    __tablename__ = "club_logos"

    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mimetype: Mapped[str] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JoinRequest(db.Model):
    """A member asking to join; a manager approves (they become a member) or declines."""

    __tablename__ = "club_join_requests"
    __table_args__ = (sa.UniqueConstraint("club_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
