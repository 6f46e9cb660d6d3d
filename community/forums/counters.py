"""The forums' denormalized counters, kept exact through every change of visibility.

Replying adds by relative SQL updates (forums/service.py: concurrent replies never overwrite
each other). Everything else that changes what is visible — deleting, restoring, hiding,
moving, merging, splitting — recounts the topics it touches from their posts (a topic is
small, and these are rare) and moves each category's counters by the difference.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.extensions import db
from community.forums.models import ForumCategory, Post, Topic


def contribution(topic: Topic) -> tuple[int, int]:
    """What a topic adds to its category: (topics, posts); nothing while it is not visible."""
    return (1, 1 + topic.reply_count) if topic.is_visible else (0, 0)


def shift(category_id: int, topics: int, posts: int) -> None:
    if topics or posts:
        db.session.execute(sa.update(ForumCategory).where(ForumCategory.id == category_id)
                           .values(topic_count=ForumCategory.topic_count + topics,
                                   post_count=ForumCategory.post_count + posts))


def recount_topic(topic: Topic) -> None:
    """Visible replies, last activity and the highest number, from the posts themselves."""
    db.session.flush()
    row = db.session.execute(sa.select(
        sa.func.count().filter(Post.number > 1, Post.hidden.is_(False),
                               Post.deleted_at.is_(None)),
        sa.func.max(Post.number), sa.func.max(Post.created_at),
    ).where(Post.topic_id == topic.id)).one()
    topic.reply_count = row[0] or 0
    topic.max_number = max(row[1] or 0, topic.max_number)
    if row[2] is not None:
        topic.last_posted_at = row[2]
    db.session.flush()


class counted:  # noqa: N801 (used as a statement: ``with counted(topic): ...``)
    """Recount a topic after the block and move its categories' counters by the difference
    (the category it was in before, and the one it is in after: a move changes both)."""

    def __init__(self, topic: Topic) -> None:
        self.topic = topic

    def __enter__(self) -> Topic:
        self.category_id = self.topic.category_id
        self.before = contribution(self.topic)
        return self.topic

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            return
        recount_topic(self.topic)
        after = contribution(self.topic)
        shift(self.category_id, -self.before[0], -self.before[1])
        shift(self.topic.category_id, after[0], after[1])
