"""What the forum pages show, each in a bounded number of queries, fast on long lists.

Topic lists walk ``(category_id, last_posted_at DESC, id DESC)`` from a cursor (keyset: the
last row's activity time and id) and stop after a page, so page 500 costs what page 1 costs.
A topic's pages are ranges of post numbers on the unique ``(topic_id, number)`` index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from community.accounts.models import User
from community.extensions import db
from community.forums.models import ForumCategory, HelpfulMark, Post, Topic, TopicRead
from community.ids import to_int
from community.timeutil import utcnow

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20


def categories(condition) -> list[ForumCategory]:
    return list(db.session.scalars(sa.select(ForumCategory).where(condition)
                                   .order_by(ForumCategory.position, ForumCategory.id)))


def encode_cursor(topic: Topic) -> str:
    return f"{topic.last_posted_at.strftime('%Y%m%d%H%M%S%f')}.{topic.id}"


def decode_cursor(value: str | None) -> tuple[datetime, int] | None:
    """``encode_cursor``'s (time, topic id), or None for anything else (a hand-made cursor)."""
    stamp, _, topic_id = (value or "").partition(".")
    try:
        moment = datetime.strptime(stamp, "%Y%m%d%H%M%S%f")
    except ValueError:
        return None
    topic_id = to_int(topic_id)
    return None if topic_id is None else (moment, topic_id)


@dataclass
class TopicPage:
    topics: list[Topic]
    next_cursor: str | None


def topic_list(category_ids: list[int], cursor: str | None = None, *, pinned_apart: bool,
               per_page: int = TOPICS_PER_PAGE) -> TopicPage:
    """Topics by last activity, newest first, after the cursor; pinned ones excluded if apart."""
    query = (sa.select(Topic).where(Topic.category_id.in_(category_ids), Topic.visible())
             .options(joinedload(Topic.author), joinedload(Topic.last_poster),
                      joinedload(Topic.category))
             .order_by(Topic.last_posted_at.desc(), Topic.id.desc()).limit(per_page + 1))
    if pinned_apart:
        query = query.where(Topic.pinned.is_(False))
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(sa.or_(Topic.last_posted_at < after[0], sa.and_(
            Topic.last_posted_at == after[0], Topic.id < after[1])))
    rows = list(db.session.scalars(query).unique())
    more = len(rows) > per_page
    rows = rows[:per_page]
    return TopicPage(rows, encode_cursor(rows[-1]) if more and rows else None)


def pinned_topics(category_id: int) -> list[Topic]:
    return list(db.session.scalars(
        # "= true" (not "IS true"): the form both databases match to the partial index.
        sa.select(Topic).where(Topic.category_id == category_id, Topic.pinned == sa.true(),
                               Topic.visible())
        .options(joinedload(Topic.author), joinedload(Topic.last_poster))
        .order_by(Topic.last_posted_at.desc()).limit(20)).unique())


def read_state(user: User | None, topics: list[Topic]) -> dict[int, str | int]:
    """Per topic: "new" (never opened, created since the member joined), or the unread count."""
    if user is None or not user.is_authenticated or not topics:
        return {}
    reads = dict(db.session.execute(sa.select(TopicRead.topic_id, TopicRead.last_read_number)
                                    .where(TopicRead.user_id == user.id,
                                           TopicRead.topic_id.in_([t.id for t in topics]))).all())
    state: dict[int, str | int] = {}
    for topic in topics:
        if topic.id not in reads:
            if topic.created_at >= user.created_at:
                state[topic.id] = "new"
        elif topic.max_number > reads[topic.id]:
            state[topic.id] = topic.max_number - reads[topic.id]
    return state


def page_count(topic: Topic) -> int:
    return max(1, math.ceil(topic.max_number / POSTS_PER_PAGE))


def page_of(number: int) -> int:
    return max(1, math.ceil(number / POSTS_PER_PAGE))


def topic_posts(topic: Topic, page: int) -> list[Post]:
    """The posts numbered on this page (a range scan of the topic's number index).

    Authors come by a second, primary-key query: joined in, PostgreSQL misjudged a long
    topic's page (it estimated 1,300 rows for 20) and merge-joined the whole users table
    (16 ms instead of 1 ms at 50,000 members). The LIMIT bounds its estimate as well.
    """
    low = (page - 1) * POSTS_PER_PAGE
    return list(db.session.scalars(
        sa.select(Post).where(Post.topic_id == topic.id, Post.number > low,
                              Post.number <= low + POSTS_PER_PAGE)
        .options(selectinload(Post.author)).order_by(Post.number).limit(POSTS_PER_PAGE)))


def helpful_marked_by(user: User | None, posts: list[Post]) -> set[int]:
    if user is None or not user.is_authenticated or not posts:
        return set()
    return set(db.session.scalars(sa.select(HelpfulMark.post_id).where(
        HelpfulMark.user_id == user.id, HelpfulMark.post_id.in_([p.id for p in posts]))))


@dataclass(frozen=True)
class MemberForumStats:
    posts: int
    helpful_received: int
    accepted_answers: int


def member_stats(user: User, category_ids: list[int]) -> MemberForumStats:
    """A member's forum record as the reader may see it (restricted categories left out)."""
    visible = sa.and_(Post.author_id == user.id, Post.deleted_at.is_(None),
                      Post.hidden.is_(False), Topic.category_id.in_(category_ids))
    posts, helpful = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Post.helpful_count), 0))
        .select_from(Post).join(Topic, Topic.id == Post.topic_id).where(visible)).one()
    accepted = db.session.scalar(
        sa.select(sa.func.count()).select_from(Topic).join(Post, Post.id == Topic.accepted_post_id)
        .where(visible)) or 0
    return MemberForumStats(posts or 0, int(helpful or 0), accepted)


@dataclass(frozen=True)
class Helper:
    user: User
    helpful: int
    accepted: int
    posts: int
    last_posted_at: datetime | None


def top_helpers(category_ids: list[int], days: int = 90, limit: int = 25) -> list[Helper]:
    """Members whose replies were marked helpful most in the last ``days`` (the super-users).

    Marks, posts and accepted answers count only in ``category_ids`` (the reader's visible
    categories): a club's activity stays the club's; and only on posts and topics neither
    deleted nor hidden (what moderation took down is nobody's help). Three queries.
    """
    since = utcnow() - timedelta(days=days)
    seen = sa.and_(Topic.category_id.in_(category_ids), Topic.deleted_at.is_(None),
                   Topic.hidden.is_(False), Post.deleted_at.is_(None), Post.hidden.is_(False))
    marks = (sa.select(Post.author_id, sa.func.count().label("helpful"))
             .join(HelpfulMark, HelpfulMark.post_id == Post.id)
             .join(Topic, Topic.id == Post.topic_id)
             .where(HelpfulMark.created_at >= since, Post.author_id.is_not(None), seen)
             .group_by(Post.author_id).order_by(sa.desc("helpful")).limit(limit).subquery())
    rows = db.session.execute(sa.select(User, marks.c.helpful).join(
        marks, marks.c.author_id == User.id).order_by(marks.c.helpful.desc(), User.id)).all()
    ids = [user.id for user, _ in rows]
    activity = {r[0]: r[1:] for r in db.session.execute(
        sa.select(Post.author_id, sa.func.count(), sa.func.max(Post.created_at))
        .join(Topic, Topic.id == Post.topic_id)
        .where(Post.author_id.in_(ids), Post.created_at >= since, seen)
        .group_by(Post.author_id))}
    accepted = dict(db.session.execute(
        sa.select(Post.author_id, sa.func.count()).join(Topic, Topic.accepted_post_id == Post.id)
        .where(Post.author_id.in_(ids), seen).group_by(Post.author_id)).all())
    return [Helper(user, helpful, accepted.get(user.id, 0), *activity.get(user.id, (0, None)))
            for user, helpful in rows]


def post_ids_by_number(topic: Topic, numbers: list[int]) -> list[int]:
    if not numbers:
        return []
    return list(db.session.scalars(sa.select(Post.id).where(
        Post.topic_id == topic.id, Post.number.in_(numbers))))
