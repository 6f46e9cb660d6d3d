"""What ideas teach the trust scan (``community/trust/sources.py``): the texts members wrote
(ideas and their comments) and the votes they gave other members' ideas.

Each function streams its rows (only the columns it needs, ``yield_per`` batches, a server-side
cursor on PostgreSQL), so a scan over hundreds of thousands of rows holds one batch in memory.
Ideas are never edited, so an idea's text dates from its creation; a vote counts from when it
was first cast (changing its importance is the same vote). Rows come in no particular order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from community.extensions import db
from community.ideas.models import Comment, Idea, Vote
from community.trust.detectors.events import Interaction, Text
from community.trust.sources import Source, register_source

BATCH = 2000


def _stream(query: sa.Select) -> Iterator[sa.Row]:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def texts(since: datetime | None = None) -> Iterator[Text]:
    """Every idea (title, a new line, its description) and comment written at or after
    ``since`` that still has its author."""
    ideas = (sa.select(Idea.id, Idea.author_id, Idea.created_at, Idea.title, Idea.body_md)
             .where(Idea.author_id.is_not(None)))
    comments = (sa.select(Comment.id, Comment.author_id, Comment.created_at, Comment.body_md)
                .where(Comment.author_id.is_not(None)))
    if since is not None:
        ideas = ideas.where(Idea.created_at >= since)
        comments = comments.where(Comment.created_at >= since)
    for idea_id, author_id, at, title, body in _stream(ideas):
        yield Text(("idea", idea_id), author_id, at, f"{title}\n{body}")
    for comment_id, author_id, at, body in _stream(comments):
        yield Text(("comment", comment_id), author_id, at, body)


def interactions(since: datetime | None = None) -> Iterator[Interaction]:
    """A vote, cast at or after ``since``, for another member's idea (voter -> author)."""
    query = (sa.select(Vote.user_id, Idea.author_id, Vote.idea_id, Vote.created_at)
             .join(Idea, Idea.id == Vote.idea_id)
             .where(Idea.author_id.is_not(None), Idea.author_id != Vote.user_id))
    if since is not None:
        query = query.where(Vote.created_at >= since)
    for voter_id, author_id, idea_id, at in _stream(query):
        yield Interaction(voter_id, author_id, "vote", ("idea", idea_id), at)


def register() -> None:
    register_source("ideas", Source(texts=texts, interactions=interactions))
