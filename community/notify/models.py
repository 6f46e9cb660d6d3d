"""In-app notifications; e-mail copies go out instantly or in a daily digest."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.timeutil import utcnow


class Digest(enum.Enum):
    INSTANT = "instant"
    DAILY = "daily"
    OFF = "off"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        sa.Index("ix_notifications_unmailed", "emailed_at", "user_id"),
        # A domain finds the notifications of one of its subjects (a post's mentions).
        sa.Index("ix_notifications_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    # What the message is about ("idea" 12, "post" 40), as a flag names its subject: the domain
    # that registered the kind words it in the reader's language when shown or mailed.
    subject_type: Mapped[str] = mapped_column(sa.String(30))
    subject_id: Mapped[int]
    # What the domain kept for its words (ids of others involved, the status reached...).
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
