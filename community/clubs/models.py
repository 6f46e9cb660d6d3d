"""Clubs and their members: the part the forums need to restrict a category to a club."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.timeutil import utcnow


class Club(db.Model):
    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClubMember(db.Model):
    __tablename__ = "club_members"

    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
