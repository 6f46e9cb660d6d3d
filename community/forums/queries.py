"""What the forum pages show, each in a bounded number of queries, fast on long lists.

Topic lists walk ``(category_id, last_posted_at DESC, id DESC)`` from a cursor (keyset: the
last row's activity time and id) and stop after a page, so page 500 costs what page 1 costs.
A topic's pages are ranges of post numbers on the unique ``(topic_id, number)`` index.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from community.accounts import authors
from community.accounts.authors import Author
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


def encode_cursor(topic: TopicRow) -> str:
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


@dataclass(slots=True)
class TopicRow:
    """A topic as lists show it: a plain row, its author's line, its last poster's name."""

    id: int
    title: str
    slug: str
    category_id: int
    pinned: bool
    locked: bool
    is_question: bool
    accepted_post_id: int | None
    hidden: bool
    reply_count: int
    max_number: int
    created_at: datetime
    last_posted_at: datetime
    author: Author | None
    last_poster_name: str | None
    category: ForumCategory | None = None  # set from the categories the page loaded


_LISTED = (Topic.id, Topic.title, Topic.slug, Topic.category_id, Topic.pinned, Topic.locked,
           Topic.is_question, Topic.accepted_post_id, Topic.hidden, Topic.reply_count,
           Topic.max_number, Topic.created_at, Topic.last_posted_at)


_AUTHOR, _POSTER = aliased(User, name="author"), aliased(User, name="last_poster")


def _listed_select():
    """The select of listed topics (to filter, order and limit): each topic's author line and
    last poster's name joined in. Built once per set of company domains."""
    return _listed_base(authors.domains())


@functools.lru_cache(maxsize=16)
def _listed_base(company: tuple[str, ...]):
    return (sa.select(*_LISTED, *authors.columns(_AUTHOR, company), _POSTER.display_name)
            .select_from(Topic)
            .outerjoin(_AUTHOR, _AUTHOR.id == Topic.author_id)
            .outerjoin(_POSTER, _POSTER.id == Topic.last_poster_id))


def _listed_topics(statement, categories: dict[int, ForumCategory]) -> list[TopicRow]:
    """Rows of ``_listed_select()``, their categories set from ``categories``."""
    width = len(_LISTED)
    rows = []
    for row in db.session.execute(statement):
        topic = TopicRow(*row[:width], authors.from_row(row[width:width + authors.WIDTH]),
                         row[-1])
        topic.category = categories.get(topic.category_id)
        rows.append(topic)
    return rows


@dataclass
class TopicPage:
    topics: list[TopicRow]
    next_cursor: str | None


def topic_list(categories: list[ForumCategory], cursor: str | None = None, *,
               pinned_apart: bool, per_page: int = TOPICS_PER_PAGE) -> TopicPage:
    """Topics of these categories by last activity, newest first, after the cursor; pinned
    ones excluded if apart. One query."""
    by_id = {c.id: c for c in categories}
    query = (_listed_select().where(Topic.category_id.in_(list(by_id)), Topic.visible())
             .order_by(Topic.last_posted_at.desc(), Topic.id.desc()).limit(per_page + 1))
    if pinned_apart:
        query = query.where(Topic.pinned.is_(False))
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(sa.or_(Topic.last_posted_at < after[0], sa.and_(
            Topic.last_posted_at == after[0], Topic.id < after[1])))
    rows = _listed_topics(query, by_id)
    more = len(rows) > per_page
    rows = rows[:per_page]
    return TopicPage(rows, encode_cursor(rows[-1]) if more and rows else None)


def pinned_topics(category_id: int, category: ForumCategory | None = None) -> list[TopicRow]:
    return _listed_topics(
        # "= true" (not "IS true"): the form both databases match to the partial index.
        _listed_select().where(Topic.category_id == category_id, Topic.pinned == sa.true(),
                               Topic.visible())
        .order_by(Topic.last_posted_at.desc()).limit(20),
        {category_id: category} if category is not None else {})


def read_state(user: User | None, topics: list[TopicRow]) -> dict[int, str | int]:
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


@dataclass(slots=True)
class PostRow:
    """A post as its topic's page shows it (not its Markdown source), with its author line."""

    id: int
    topic_id: int
    number: int
    author_id: int | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden: bool
    helpful_count: int
    author: Author | None = None
    topic: Topic | None = None  # the page's topic (service.post_refusal reads whether locked)

    @property
    def is_visible(self) -> bool:
        return not self.hidden and self.deleted_at is None


_SHOWN = (Post.id, Post.topic_id, Post.number, Post.author_id, Post.body_html, Post.created_at,
          Post.edited_at, Post.deleted_at, Post.hidden, Post.helpful_count)


def _post_rows(topic: Topic, condition, limit: int) -> list[PostRow]:
    posts = [PostRow(*row, topic=topic) for row in db.session.execute(
        sa.select(*_SHOWN).where(condition).order_by(Post.number).limit(limit))]
    people = authors.by_id(p.author_id for p in posts)
    for post in posts:
        post.author = people.get(post.author_id)
    return posts


def topic_posts(topic: Topic, page: int) -> list[PostRow]:
    """The posts numbered on this page (a range scan of the topic's number index).

    Authors come by a second, primary-key query: joined in, PostgreSQL misjudged a long
    topic's page (it estimated 1,300 rows for 20) and merge-joined the whole users table
    (16 ms instead of 1 ms at 50,000 members). The LIMIT bounds its estimate as well.
    """
    low = (page - 1) * POSTS_PER_PAGE
    return _post_rows(topic, sa.and_(Post.topic_id == topic.id, Post.number > low,
                                     Post.number <= low + POSTS_PER_PAGE), POSTS_PER_PAGE)


def post_row(topic: Topic, post_id: int) -> PostRow | None:
    """One post of ``topic`` as its page shows it, its author joined in (one query): the
    accepted answer when it is on another page."""
    row = db.session.execute(
        sa.select(*_SHOWN, *authors.columns()).outerjoin(User, User.id == Post.author_id)
        .where(Post.id == post_id, Post.topic_id == topic.id)).first()
    if row is None:
        return None
    width = len(_SHOWN)
    return PostRow(*row[:width], author=authors.from_row(row[width:]), topic=topic)


def helpful_marked_by(user: User | None, posts: list[PostRow]) -> set[int]:
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
