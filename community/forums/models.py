"""Forum categories, topics, posts, their edit history, reactions, reads, watches and the FAQ."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db, enum_column
from community.timeutil import utcnow


class ForumCategory(db.Model):
    """An ordered category; restricted to a group, a club or the staff, or open to everyone."""

    __tablename__ = "forum_categories"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN group_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN club_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN staff_only THEN 1 ELSE 0 END) <= 1", name="one_restriction"),
        sa.CheckConstraint("length(colour) = 7", name="colour_hex"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    colour: Mapped[str] = mapped_column(sa.String(7), default="#3b6ea5")
    position: Mapped[int] = mapped_column(default=0)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="RESTRICT"), index=True)
    club_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="RESTRICT"), index=True)
    staff_only: Mapped[bool] = mapped_column(default=False)
    # Denormalized, changed in the transaction of each post (see service.recount_category).
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_posted_at: Mapped[datetime | None] = mapped_column()
    last_topic_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="SET NULL", use_alter=True))

    @property
    def is_restricted(self) -> bool:
        return bool(self.group_id or self.club_id or self.staff_only)


class Topic(db.Model):
    __tablename__ = "topics"
    __table_args__ = (
        # Category and "latest" lists walk these in order and stop after a page (keyset).
        sa.Index("ix_topics_category_activity", "category_id", sa.desc("last_posted_at"),
                 sa.desc("id")),
        sa.Index("ix_topics_activity", sa.desc("last_posted_at"), sa.desc("id")),
        sa.Index("ix_topics_unanswered", "is_question", "accepted_post_id", "created_at"),
        # Pinned topics are few: a partial index finds them without walking the category.
        sa.Index("ix_topics_pinned", "category_id", sa.desc("last_posted_at"),
                 sqlite_where=sa.text("pinned = 1"), postgresql_where=sa.text("pinned")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    slug: Mapped[str] = mapped_column(sa.String(80))
    is_question: Mapped[bool] = mapped_column(default=False)
    accepted_post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL", use_alter=True))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)  # by a moderator
    deleted_at: Mapped[datetime | None] = mapped_column()
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Post numbers are handed out from max_number (never reused, so links stay true);
    # reply_count counts the visible replies (first post excluded).
    max_number: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)

    category: Mapped[ForumCategory] = relationship(foreign_keys=[category_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])

    @property
    def is_visible(self) -> bool:
        return not self.hidden and self.deleted_at is None and self.merged_into_id is None

    @classmethod
    def visible(cls):
        """``is_visible`` as a SQL condition, for lists."""
        return sa.and_(cls.hidden.is_(False), cls.deleted_at.is_(None),
                       cls.merged_into_id.is_(None))

    @property
    def solved(self) -> bool:
        return self.accepted_post_id is not None


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        # (topic, number) is unique and is the topic page's keyset: page n is a range scan.
        sa.UniqueConstraint("topic_id", "number"),
        sa.Index("ix_posts_author_created", "author_id", sa.desc("created_at")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # cooked at write time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column()
    revision_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None] = mapped_column()
    deleted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    hidden: Mapped[bool] = mapped_column(default=False)  # by a moderator
    helpful_count: Mapped[int] = mapped_column(default=0)

    topic: Mapped[Topic] = relationship(foreign_keys=[topic_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_visible(self) -> bool:
        return not self.hidden and self.deleted_at is None


class PostRevision(db.Model):
    """A previous version of a post, kept when it is edited: who replaced it, and when."""

    __tablename__ = "post_revisions"
    __table_args__ = (sa.UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str | None] = mapped_column(sa.String(160))  # the topic's, for first posts
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column()  # when this version was written
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))  # who replaced it

    editor: Mapped[User | None] = relationship()


class HelpfulMark(db.Model):
    __tablename__ = "helpful_marks"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicRead(db.Model):
    """How far a member has read a topic: posts numbered above it are unread."""

    __tablename__ = "topic_reads"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_read_number: Mapped[int] = mapped_column(default=0)


class WatchLevel(enum.Enum):
    WATCHING = "watching"
    MUTED = "muted"  # an explicit "stop watching": writing there again does not re-watch


class Watch(db.Model):
    __tablename__ = "forum_watches"
    __table_args__ = (
        sa.CheckConstraint("(topic_id IS NULL) <> (category_id IS NULL)", name="one_target"),
        sa.UniqueConstraint("user_id", "topic_id"),
        sa.UniqueConstraint("user_id", "category_id"),
        sa.Index("ix_forum_watches_topic", "topic_id", "level"),
        sa.Index("ix_forum_watches_category", "category_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="CASCADE"))
    level: Mapped[WatchLevel] = mapped_column(enum_column(WatchLevel, "watch_level"),
                                              default=WatchLevel.WATCHING)


class FaqEntry(db.Model):
    """An accepted answer promoted by staff: question and answer, categorised, linked back."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="RESTRICT"), index=True)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL"), unique=True)
    question: Mapped[str] = mapped_column(sa.String(200))
    answer_md: Mapped[str] = mapped_column(sa.Text)
    answer_html: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[ForumCategory] = relationship()
