"""The ideas part of a member's data export: ideas proposed, votes cast, priorities, comments."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.data import register_exporter
from community.accounts.models import User
from community.extensions import db
from community.ideas.models import Comment, Idea, PriorityEntry, Vote
from community.timeutil import iso as _iso


def _ideas(user: User) -> list[dict]:
    return [{"id": i.id, "title": i.title, "description": i.body_md, "status": i.status.value,
             "created_at": _iso(i.created_at)}
            for i in db.session.scalars(sa.select(Idea).where(Idea.author_id == user.id))]


def _votes(user: User) -> list[dict]:
    rows = db.session.execute(sa.select(Vote, Idea.title).join(Idea).where(
        Vote.user_id == user.id).order_by(Vote.created_at))
    return [{"idea_id": v.idea_id, "idea": title, "importance": v.importance, "why": v.why,
             "created_at": _iso(v.created_at)} for v, title in rows]


def _priorities(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(PriorityEntry).where(PriorityEntry.user_id == user.id)
                              .order_by(PriorityEntry.position))
    return [{"position": e.position, "idea_id": e.idea_id} for e in rows]


def _comments(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(Comment).where(Comment.author_id == user.id))
    return [{"idea_id": c.idea_id, "text": c.body_md, "created_at": _iso(c.created_at)}
            for c in rows]


def register() -> None:
    register_exporter("ideas_proposed", _ideas)
    register_exporter("votes", _votes)
    register_exporter("priorities", _priorities)
    register_exporter("idea_comments", _comments)
