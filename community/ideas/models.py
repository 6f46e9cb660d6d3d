"""Ideas, votes, priorities, comments, and what happened to each idea."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db, enum_column
from community.timeutil import utcnow


class Status(enum.Enum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"
    DECLINED = "declined"
    ALREADY_EXISTS = "already_exists"
    MERGED = "merged"


CLOSED = frozenset({Status.SHIPPED, Status.DECLINED, Status.ALREADY_EXISTS, Status.MERGED})


class Category(db.Model):
    __tablename__ = "idea_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)


TIES = (sa.desc("vote_count"), "created_at", "id")


class Idea(db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        # Each list order with its tie-break (queries.SORTS: more votes, then older), so a
        # page reads its rows in index order even where thousands of ideas tie (all at 0).
        sa.Index("ix_ideas_status_top", "status", sa.desc("top_score"), *TIES),
        sa.Index("ix_ideas_top", sa.desc("top_score"), *TIES),
        sa.Index("ix_ideas_trusted", sa.desc("trusted_score"), *TIES),
        sa.Index("ix_ideas_trending", sa.desc("trending_score"), *TIES),
        sa.Index("ix_ideas_priority", sa.desc("priority_score"), *TIES),
        sa.Index("ix_ideas_discussed", sa.desc("comment_count"), *TIES),
        sa.Index("ix_ideas_created", sa.desc("created_at"), sa.desc("vote_count"),
                 sa.desc("id")),
        # A member's (or a club's members') ideas by id alone: "what happened to our
        # requests" reads them without the table (PostgreSQL: an index-only scan).
        sa.Index("ix_ideas_author", "author_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(140))
    slug: Mapped[str] = mapped_column(sa.String(80))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # cooked at write time
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("idea_categories.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[Status] = mapped_column(enum_column(Status, "idea_status"), default=Status.OPEN)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Denormalized counters, changed in the transaction of each vote or comment; `flask ideas
    # recount` rebuilds them from the rows and must agree.
    vote_count: Mapped[int] = mapped_column(default=0)  # the crowd's votes (staff apart)
    staff_vote_count: Mapped[int] = mapped_column(default=0)
    established_vote_count: Mapped[int] = mapped_column(default=0)
    top_score: Mapped[float] = mapped_column(default=0.0)
    # The same sum over established members' votes only ("trusted votes only" view).
    trusted_score: Mapped[float] = mapped_column(default=0.0)
    # Fixed-point integer (see ranking.trending_term): integer sums are exact, so the recount
    # agrees to the unit with the counters kept vote by vote.
    trending_score: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    priority_score: Mapped[float] = mapped_column(default=0.0)
    comment_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    category: Mapped[Category | None] = relationship()
    merged_into: Mapped[Idea | None] = relationship(remote_side=[id])
    tags: Mapped[list[IdeaTag]] = relationship(cascade="all, delete-orphan",
                                               order_by="IdeaTag.tag")

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


class IdeaTag(db.Model):
    __tablename__ = "idea_tags"

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(30), primary_key=True, index=True)


class IdeaTerm(db.Model):
    """Stemmed words of an idea's title and description (French and English stems), for the
    "similar ideas" suggestions."""

    __tablename__ = "idea_terms"

    term: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    in_title: Mapped[bool] = mapped_column(default=False)


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        sa.UniqueConstraint("idea_id", "user_id"),
        sa.CheckConstraint("importance BETWEEN 1 AND 3", name="importance_range"),
        # A member's votes with their ideas, read from the index alone ("what happened to
        # our requests" for a club reads its members' votes: thousands of rows).
        sa.Index("ix_votes_user_idea", "user_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    importance: Mapped[int] = mapped_column(sa.SmallInteger)
    why: Mapped[str | None] = mapped_column(sa.String(1000))
    # What the vote added when it was cast, so that removing it subtracts exactly that.
    weight: Mapped[float] = mapped_column(default=0.0)
    trending_term: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    staff: Mapped[bool] = mapped_column(default=False)
    established: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    idea: Mapped[Idea] = relationship()


class PriorityEntry(db.Model):
    """One line of a member's ordered ballot ("my priorities", up to ten ideas)."""

    __tablename__ = "priority_entries"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "position"),
        sa.CheckConstraint("position BETWEEN 1 AND 10", name="position_range"),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]
    points: Mapped[float] = mapped_column(default=0.0)  # Borda points x trust, as added

    idea: Mapped[Idea] = relationship()


class Comment(db.Model):
    __tablename__ = "idea_comments"
    __table_args__ = (sa.Index("ix_idea_comments_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    official: Mapped[bool] = mapped_column(default=False)  # an official response, pinned
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class StatusChange(db.Model):
    """Every status change, with the public note (required when declining)."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[Status] = mapped_column(enum_column(Status, "idea_status_from"))
    to_status: Mapped[Status] = mapped_column(enum_column(Status, "idea_status_to"))
    note_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    idea: Mapped[Idea] = relationship()
    actor: Mapped[User | None] = relationship()


class Follow(db.Model):
    __tablename__ = "idea_follows"

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outcome(enum.Enum):
    SOLVED = "solved"
    PARTLY = "partly"
    NOT_SOLVED = "not_solved"


class ShipFeedback(db.Model):
    """A voter's answer, once an idea shipped: did it solve their need?"""

    __tablename__ = "idea_ship_feedback"

    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "ship_outcome"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RankingState(db.Model):
    """One row: the trending sums' epoch, moved forward by `flask ideas maintain` (or, if that
    never runs, by the vote that would overflow) so the integer sums stay within 64 bits."""

    __tablename__ = "ranking_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    trending_epoch: Mapped[datetime]
