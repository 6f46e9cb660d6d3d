"""Read-side of ideas: the list pages' queries, bounded and index-backed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.extensions import db
from community.ideas.models import (
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


def list_ideas(filters: Filters, *, limit: int, page: int = 1) -> list[Idea]:
    """One page of ideas in the chosen order (ties as ``SORTS`` says); merged ideas never shown.

    Ordered by an indexed score and cut with LIMIT, so a page costs the same whatever the
    number of ideas (the tie-breaks only sort rows of equal score); deep pages use OFFSET,
    bounded by ``page <= 200``.
    """
    query = sa.select(Idea).where(Idea.status != Status.MERGED)
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
             .offset((min(page, 200) - 1) * limit)
             .options(selectinload(Idea.tags), selectinload(Idea.category)))
    return list(db.session.scalars(query))


def votes_of(user_id: int, idea_ids: list[int]) -> dict[int, Vote]:
    """The member's votes on these ideas, by idea id (one query)."""
    if not idea_ids:
        return {}
    rows = db.session.scalars(sa.select(Vote).where(Vote.user_id == user_id,
                                                    Vote.idea_id.in_(idea_ids)))
    return {v.idea_id: v for v in rows}


def comments_of(idea: Idea) -> list[Comment]:
    """Official responses first (pinned), then the discussion in order."""
    return list(db.session.scalars(
        sa.select(Comment).where(Comment.idea_id == idea.id)
        .order_by(Comment.official.desc(), Comment.created_at, Comment.id)
        .options(selectinload(Comment.author)).limit(500)))


def history_of(idea: Idea) -> list[StatusChange]:
    return list(db.session.scalars(
        sa.select(StatusChange).where(StatusChange.idea_id == idea.id)
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())))


def follows(user_id: int, idea_id: int) -> bool:
    return db.session.get(Follow, (idea_id, user_id)) is not None


def categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position,
                                                                Category.name)))


def whys_of(idea: Idea, limit: int = 200) -> list[Vote]:
    """The voters' use cases ("why"), most important first: what the product team reads."""
    return list(db.session.scalars(
        sa.select(Vote).where(Vote.idea_id == idea.id, Vote.why.is_not(None))
        .order_by(Vote.importance.desc(), Vote.created_at).limit(limit)
        .options(selectinload(Vote.user))))


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
