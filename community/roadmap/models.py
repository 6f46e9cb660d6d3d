"""The clubs' ballots, the public roadmap and the changelog.

A club's ballot is published in versions: each publication is a new ``ClubBallot`` row with
its ordered lines, and the history stays. A roadmap item gathers ideas (an idea sits on one
item at most); shipping it writes one changelog entry.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.clubs.models import Club
from community.extensions import db, enum_column
from community.ideas.models import Idea
from community.timeutil import utcnow

BALLOT_SIZE = 10


class ClubBallot(db.Model):
    __tablename__ = "club_ballots"
    __table_args__ = (sa.UniqueConstraint("club_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="CASCADE"))
    version: Mapped[int]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    club: Mapped[Club] = relationship()
    published_by: Mapped[User | None] = relationship()
    lines: Mapped[list[BallotLine]] = relationship(
        cascade="all, delete-orphan", order_by="BallotLine.position")


class BallotLine(db.Model):
    __tablename__ = "club_ballot_lines"
    __table_args__ = (
        sa.UniqueConstraint("ballot_id", "idea_id"),
        sa.CheckConstraint(f"position BETWEEN 1 AND {BALLOT_SIZE}", name="position_range"),
    )

    ballot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("club_ballots.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(280), default="")

    idea: Mapped[Idea] = relationship()


class Horizon(enum.Enum):
    NOW = "now"
    NEXT = "next"
    LATER = "later"
    QUARTER = "quarter"  # a named quarter, in ``RoadmapItem.quarter`` ("2027-Q1")


class ItemStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"


class RoadmapItem(db.Model):
    __tablename__ = "roadmap_items"
    __table_args__ = (
        sa.CheckConstraint("(horizon = 'quarter') = (quarter IS NOT NULL)",
                           name="quarter_with_horizon"),
        sa.Index("ix_roadmap_items_board", "status", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(140))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    horizon: Mapped[Horizon] = mapped_column(enum_column(Horizon, "roadmap_horizon"),
                                             default=Horizon.NEXT)
    quarter: Mapped[str | None] = mapped_column(sa.String(7))
    status: Mapped[ItemStatus] = mapped_column(enum_column(ItemStatus, "roadmap_status"),
                                               default=ItemStatus.PLANNED)
    members_only: Mapped[bool] = mapped_column(default=False)  # signed-in members only
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column()


class RoadmapLink(db.Model):
    """An idea on a roadmap item (one item per idea)."""

    __tablename__ = "roadmap_links"

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadmap_items.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    idea: Mapped[Idea] = relationship()
    item: Mapped[RoadmapItem] = relationship()


class ChangelogEntry(db.Model):
    __tablename__ = "changelog_entries"
    __table_args__ = (sa.Index("ix_changelog_published", sa.desc("published_at"), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roadmap_items.id", ondelete="SET NULL"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(140))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    members_only: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
