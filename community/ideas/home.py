"""The ideas' sections of the home page (``community/home.py``). Ideas are public, so members and
visitors see the same trending ones.

- **Trending ideas**: open ideas (not closed, not merged) with votes, by trending score (recent
  votes weigh most, ``ideas/ranking.py``), ties as every ranking's: one query on the trending
  index, stopped after ``TRENDING_LIMIT``.
- **News of ideas you follow** (members): status changes since the member's previous visit of
  the ideas they follow (their own included: submitting follows), except the changes they made
  themselves: one query, the ideas joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, load_only

from community import home
from community.accounts.models import User
from community.extensions import db
from community.ideas.models import CLOSED, Follow, Idea, StatusChange

TRENDING_LIMIT = 5
FOLLOWED_LIMIT = 6
# What the home shows of an idea (not its description, most of a row's bytes).
LISTED = (Idea.id, Idea.title, Idea.slug, Idea.status, Idea.vote_count, Idea.comment_count)


@dataclass(frozen=True)
class Trending:
    ideas: list[Idea]


@dataclass(frozen=True)
class Followed:
    changes: list[StatusChange]


def trending(reader: User | None, since: datetime) -> Trending | None:
    """Home section: the trending open ideas, or nothing when no open idea has a vote."""
    ideas = list(db.session.scalars(
        sa.select(Idea).options(load_only(*LISTED))
        .where(Idea.status.not_in(CLOSED), Idea.vote_count > 0)
        .order_by(Idea.trending_score.desc(), Idea.vote_count.desc(), Idea.created_at, Idea.id)
        .limit(TRENDING_LIMIT)))
    return Trending(ideas) if ideas else None


def followed(reader: User | None, since: datetime) -> Followed | None:
    """Home section (members): what became of the ideas they follow since ``since``."""
    if reader is None or not getattr(reader, "is_authenticated", False):
        return None
    changes = list(db.session.scalars(
        sa.select(StatusChange).join(Idea, Idea.id == StatusChange.idea_id)
        .join(Follow, sa.and_(Follow.idea_id == StatusChange.idea_id,
                              Follow.user_id == reader.id))
        .where(StatusChange.created_at > since,
               sa.or_(StatusChange.actor_id.is_(None), StatusChange.actor_id != reader.id))
        .options(contains_eager(StatusChange.idea).load_only(*LISTED))
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        .limit(FOLLOWED_LIMIT)))
    return Followed(changes) if changes else None


def register() -> None:
    home.register_section(home.Section("ideas_followed", 15, "home/ideas_followed.html",
                                       followed))
    home.register_section(home.Section("ideas_trending", 20, "home/ideas_trending.html",
                                       trending))
