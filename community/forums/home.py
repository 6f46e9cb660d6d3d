"""The forums' sections of the home page (``community/home.py``).

- **New in the forums**: for a member, the topics with activity since their previous visit in
  the categories the forums index lists for them (``access.listed_condition``) or that they
  watch, their watched topics too, always within what they may see (``visible_condition``);
  not in a category or topic they muted; not the ones whose last post is their own. Their
  groups' and clubs' discussions are left to those sections. For a visitor, the latest topics
  of the open categories.
- **Questions you could help with** (members): open questions in those categories without an
  accepted answer, asked by someone else in the last ``QUESTION_DAYS`` days, those without a
  reply first.

Each runs two queries at most: the topics with their category and people joined, then the
number of new replies (or the reading positions) of the topics shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from community import home
from community.accounts.models import User
from community.extensions import db
from community.forums import access
from community.forums.models import ForumCategory, Post, Topic, Watch, WatchLevel
from community.forums.pages import link_pattern
from community.groups.membership import group_category_ids
from community.timeutil import utcnow

NEW_LIMIT = 8
QUESTION_LIMIT = 5
QUESTION_DAYS = 30


@dataclass(frozen=True, slots=True)
class Chip:
    """A topic's category as a home row shows it."""

    slug: str
    name: str
    colour: str
    url: str


@dataclass(frozen=True, slots=True)
class Poster:
    display_name: str | None
    is_deleted: bool


@dataclass(frozen=True, slots=True)
class HomeTopic:
    """What a home row shows of a topic: plain values, read in one query (no member rows:
    only the last poster's name)."""

    id: int
    slug: str
    title: str
    created_at: datetime
    is_question: bool
    accepted_post_id: int | None
    reply_count: int
    last_posted_at: datetime | None
    category: Chip
    last_poster: Poster | None
    url: str


_POSTER = aliased(User)
_COLUMNS = (Topic.id, Topic.slug, Topic.title, Topic.created_at, Topic.is_question,
            Topic.accepted_post_id, Topic.reply_count, Topic.last_posted_at,
            ForumCategory.slug, ForumCategory.name, ForumCategory.colour,
            _POSTER.id, _POSTER.display_name, _POSTER.deleted_at)


@dataclass(frozen=True)
class NewTopics:
    topics: list[HomeTopic]
    new_replies: dict[int, int] = field(default_factory=dict)  # topic id -> replies since
    since: datetime | None = None  # None for a visitor: the latest topics, nothing "new"


@dataclass(frozen=True)
class Questions:
    topics: list[HomeTopic]


def _member(reader: User | None) -> User | None:
    return reader if reader is not None and getattr(reader, "is_authenticated", False) else None


def _topics(condition, order, limit: int) -> list[HomeTopic]:
    rows = db.session.execute(
        sa.select(*_COLUMNS).join(ForumCategory, ForumCategory.id == Topic.category_id)
        .outerjoin(_POSTER, _POSTER.id == Topic.last_poster_id)
        .where(condition, Topic.visible()).order_by(*order).limit(limit))
    topic_link = link_pattern("forums.topic", topic_id=int, slug=str)
    category_link = link_pattern("forums.category", slug=str)
    return [HomeTopic(*row[:8], Chip(*row[8:11], category_link % row[8]),
                      Poster(row[12], row[13] is not None) if row[11] is not None else None,
                      topic_link % (row[0], row[1]))
            for row in rows]


def _watched(reader: User, level: WatchLevel, column):
    return sa.select(column).where(Watch.user_id == reader.id, Watch.level == level,
                                   column.is_not(None))


def _in_circles():
    """Categories the groups' and clubs' sections show (their discussions)."""
    return sa.or_(ForumCategory.club_id.is_not(None), ForumCategory.id.in_(group_category_ids()))


def new_topics(reader: User | None, since: datetime) -> NewTopics | None:
    """Home section: topics with activity since ``since`` (a member, even none: the section
    says so), the latest ones (a visitor; nothing on an empty forum)."""
    member = _member(reader)
    order = (Topic.last_posted_at.desc(), Topic.id.desc())
    if member is None:
        latest = _topics(access.listed_condition(None), order, NEW_LIMIT)
        return NewTopics(latest) if latest else None
    watched_categories = _watched(member, WatchLevel.WATCHING, Watch.category_id)
    followed = sa.or_(
        sa.and_(access.listed_condition(member), ~_in_circles()),
        Topic.category_id.in_(watched_categories),
        Topic.id.in_(_watched(member, WatchLevel.WATCHING, Watch.topic_id)))
    muted = sa.or_(Topic.category_id.in_(_watched(member, WatchLevel.MUTED, Watch.category_id)),
                   Topic.id.in_(_watched(member, WatchLevel.MUTED, Watch.topic_id)))
    topics = _topics(sa.and_(
        access.visible_condition(member), followed, ~muted, Topic.last_posted_at > since,
        sa.or_(Topic.last_poster_id.is_(None), Topic.last_poster_id != member.id)),
        order, NEW_LIMIT)
    return NewTopics(topics, replies_since([t.id for t in topics], since), since)


def topics_since(reader: User, categories, since: datetime, limit: int = 5) -> list[HomeTopic]:
    """Topics with activity since ``since`` in ``categories`` (a condition on ForumCategory:
    a group's or a club's) that the member may see, the last post not theirs: one query,
    for the groups' and clubs' sections."""
    return _topics(sa.and_(
        categories, access.visible_condition(reader), Topic.last_posted_at > since,
        sa.or_(Topic.last_poster_id.is_(None), Topic.last_poster_id != reader.id)),
        (Topic.last_posted_at.desc(), Topic.id.desc()), limit)


def replies_since(topic_ids: list[int], since: datetime) -> dict[int, int]:
    """Per topic, its visible replies written since ``since`` (one grouped query)."""
    if not topic_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Post.topic_id, sa.func.count()).where(
            Post.topic_id.in_(topic_ids), Post.number > 1, Post.created_at > since,
            Post.deleted_at.is_(None), Post.hidden.is_(False))
        .group_by(Post.topic_id)).all())


def questions(reader: User | None, since: datetime) -> Questions | None:
    """Home section (members): recent open questions of others they could answer."""
    member = _member(reader)
    if member is None:
        return None
    recent = utcnow() - timedelta(days=QUESTION_DAYS)
    topics = _topics(sa.and_(
        access.listed_condition(member), Topic.is_question.is_(True),
        Topic.accepted_post_id.is_(None), Topic.created_at >= recent, Topic.locked.is_(False),
        sa.or_(Topic.author_id.is_(None), Topic.author_id != member.id)),
        ((Topic.reply_count > 0), Topic.created_at.desc(), Topic.id.desc()), QUESTION_LIMIT)
    return Questions(topics) if topics else None


def register() -> None:
    home.register_section(home.Section("forums_new", 10, "home/forums_new.html", new_topics))
    home.register_section(home.Section("forums_questions", 40, "home/forums_questions.html",
                                       questions))
