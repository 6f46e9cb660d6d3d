"""Read-side of ideas: the list pages' queries, bounded and index-backed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import defer

from community.accounts import authors
from community.accounts.models import User
from community.extensions import db
from community.ideas.models import (
    CLOSED,
    Category,
    Comment,
    Follow,
    Idea,
    IdeaTag,
    Status,
    StatusChange,
    Vote,
)

# Each ranking's ORDER BY, as /ideas/ranking states it: a higher score first, then, for equal
# scores, more votes, then the older idea (then the lower id, so the order is total); see
# ideas/ranking.py's ``order``. "New" is the most recently proposed first: ideas proposed at
# the same instant go by more votes, then the later one first.
_TIES = (Idea.vote_count.desc(), Idea.created_at, Idea.id)
SORTS = {
    "top": (Idea.top_score.desc(), *_TIES),
    "trusted": (Idea.trusted_score.desc(), *_TIES),
    "trending": (Idea.trending_score.desc(), *_TIES),
    "new": (Idea.created_at.desc(), Idea.vote_count.desc(), Idea.id.desc()),
    "discussed": (Idea.comment_count.desc(), *_TIES),
    "priorities": (Idea.priority_score.desc(), *_TIES),
}


@dataclass(frozen=True)
class Filters:
    sort: str = "top"
    status: Status | None = None
    category: Category | None = None
    tag: str | None = None
    voted_by: int | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    """One row of an ideas list: the columns the list shows, and the idea's tags (read as
    plain rows: no ORM object, no description, no author)."""

    id: int
    title: str
    slug: str
    status: Status
    vote_count: int
    staff_vote_count: int
    established_vote_count: int
    comment_count: int
    tags: tuple[str, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


_LISTED = (Idea.id, Idea.title, Idea.slug, Idea.status, Idea.vote_count, Idea.staff_vote_count,
           Idea.established_vote_count, Idea.comment_count)


def list_ideas(filters: Filters, *, limit: int, page: int = 1) -> list[Listed]:
    """One page of ideas in the chosen order (ties as ``SORTS`` says); merged ideas never shown.

    Ordered by an indexed score and cut with LIMIT, so a page costs the same whatever the
    number of ideas (the tie-breaks only sort rows of equal score); deep pages use OFFSET,
    bounded by ``page <= 200``. Two queries: the rows, then their tags.
    """
    query = sa.select(*_LISTED).where(Idea.status != Status.MERGED)
    if filters.status is not None:
        query = query.where(Idea.status == filters.status)
    if filters.category is not None:
        query = query.where(Idea.category_id == filters.category.id)
    if filters.tag:
        query = query.where(Idea.id.in_(sa.select(IdeaTag.idea_id).where(
            IdeaTag.tag == filters.tag)))
    if filters.voted_by is not None:
        query = query.where(Idea.id.in_(sa.select(Vote.idea_id).where(
            Vote.user_id == filters.voted_by)))
    query = (query.order_by(*SORTS[filters.sort]).limit(limit)
             .offset((min(page, 200) - 1) * limit))
    rows = db.session.execute(query).all()
    tags = tags_of([row[0] for row in rows])
    return [Listed(*row, tags=tags.get(row[0], ())) for row in rows]


_ONE_LISTED = sa.select(*_LISTED).where(Idea.id == sa.bindparam("idea"))


def listed(idea_id: int) -> Listed | None:
    """One idea as a list shows it, without its tags (a vote's answer: its button and vote
    line), or None."""
    row = db.session.execute(_ONE_LISTED, {"idea": idea_id}).first()
    return Listed(*row) if row is not None else None


def tags_of(idea_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The tags of these ideas, by idea id, in order (one query; none for no ids)."""
    if not idea_ids:
        return {}
    found: dict[int, list[str]] = {}
    for idea_id, tag in db.session.execute(
            sa.select(IdeaTag.idea_id, IdeaTag.tag).where(IdeaTag.idea_id.in_(idea_ids))
            .order_by(IdeaTag.idea_id, IdeaTag.tag)):
        found.setdefault(idea_id, []).append(tag)
    return {idea_id: tuple(tags) for idea_id, tags in found.items()}


def votes_of(user_id: int, idea_ids: list[int]) -> dict[int, sa.Row]:
    """The member's votes on these ideas (their importance and "why"), by idea id (one
    query)."""
    if not idea_ids:
        return {}
    rows = db.session.execute(sa.select(Vote.idea_id, Vote.importance, Vote.why).where(
        Vote.user_id == user_id, Vote.idea_id.in_(idea_ids)))
    return {row.idea_id: row for row in rows}


def idea_page(idea_id: int) -> Idea | None:
    """The idea its page shows (its description in Markdown left in the database)."""
    return db.session.scalar(sa.select(Idea).where(Idea.id == idea_id)
                             .options(defer(Idea.body_md)))


@dataclass(frozen=True, slots=True)
class Said:
    """A comment, a status change's public note or a voter's use case, with its author's name
    (``authors.Author``, None once deleted)."""

    id: int
    author: authors.Author | None
    created_at: datetime | None = None
    body_html: str = ""
    official: bool = False
    to_status: Status | None = None
    importance: int | None = None
    why: str | None = None

    @property
    def author_id(self) -> int | None:
        return self.author.id if self.author else None


@dataclass(frozen=True, slots=True)
class PageTexts:
    author: authors.Author | None  # the idea's
    comments: list[Said]  # official responses first, then the discussion in order
    notes: list[Said]  # status changes that carry a public note, newest first
    whys: list[Said]  # the voters' use cases, most important first (the team's tools only)


def page_texts(idea: Idea, *, team: bool) -> PageTexts:
    """What the idea page shows beside the idea, with every name on it read in one query:
    four queries in all (three for a reader outside the product team)."""
    comments = db.session.execute(
        sa.select(Comment.id, Comment.author_id, Comment.created_at, Comment.body_html,
                  Comment.official)
        .where(Comment.idea_id == idea.id)
        .order_by(Comment.official.desc(), Comment.created_at, Comment.id).limit(500)).all()
    notes = db.session.execute(
        sa.select(StatusChange.id, StatusChange.actor_id, StatusChange.created_at,
                  StatusChange.note_html, StatusChange.to_status)
        .where(StatusChange.idea_id == idea.id, StatusChange.note_html != "")
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())).all()
    whys = db.session.execute(
        sa.select(Vote.id, Vote.user_id, Vote.created_at, Vote.importance, Vote.why)
        .where(Vote.idea_id == idea.id, Vote.why.is_not(None))
        .order_by(Vote.importance.desc(), Vote.created_at).limit(200)).all() if team else []
    names = authors.by_id([idea.author_id, *(r[1] for r in comments), *(r[1] for r in notes),
                           *(r[1] for r in whys)])
    return PageTexts(
        names.get(idea.author_id),
        [Said(i, names.get(a), at, html, official) for i, a, at, html, official in comments],
        [Said(i, names.get(a), at, html, to_status=s) for i, a, at, html, s in notes],
        [Said(i, names.get(a), at, importance=n, why=w) for i, a, at, n, w in whys])


def follows(user_id: int, idea_id: int) -> bool:
    return db.session.get(Follow, (idea_id, user_id)) is not None


def categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position,
                                                                Category.name)))


# A voter a moderator discounted or suspended: their votes weigh 0 ("discounted after review").
_DISCOUNTED_VOTER = sa.or_(User.votes_discounted_at.is_not(None), User.suspended_at.is_not(None))


@dataclass(frozen=True)
class Provenance:
    """Where an idea's votes come from, as its page shows it in public."""

    votes: int  # the crowd's votes (staff apart), whatever they weigh
    established: int  # of those, cast by established members (stored with the vote)
    discounted: int  # of those, by members a moderator discounted or suspended
    reduced: int  # of those, by members under an open flag (reduced weight), not discounted
    staff: int  # the team's votes, counted apart


def provenance(idea_id: int) -> Provenance:
    """The idea's provenance in one aggregate query over its votes and their voters."""
    crowd = Vote.staff.is_(False)
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(crowd),
            sa.func.count().filter(crowd, Vote.established.is_(True)),
            sa.func.count().filter(crowd, _DISCOUNTED_VOTER),
            sa.func.count().filter(crowd, ~_DISCOUNTED_VOTER, User.weight_reduced.is_(True)),
            sa.func.count().filter(Vote.staff.is_(True)),
        ).select_from(Vote).join(User, User.id == Vote.user_id)
        .where(Vote.idea_id == idea_id)).one()
    return Provenance(*(int(n or 0) for n in row))


def discounted_votes() -> dict[str, int]:
    """The crowd's votes that count for nothing now because a moderator discounted or
    suspended their voter (the public /trust page; registered with
    ``trust.provenance.register_discounted_counter``)."""
    n = db.session.scalar(
        sa.select(sa.func.count()).select_from(Vote).join(User, User.id == Vote.user_id)
        .where(Vote.staff.is_(False), _DISCOUNTED_VOTER))
    return {"votes": int(n or 0)}
