"""How moderation shows ideas and their comments (its subject registry): members report them
from the idea page (``/moderation/report/idea/<id>``, ``/moderation/report/comment/<id>``), and
detectors flag them as ``("idea", id)`` and ``("comment", id)``.

Ideas and comments have no hidden state, so moderators cannot hide them from the queue
(``hide=None``): they dismiss the flags, or act on the account. Both are public, so the report
page may show their words to any member.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.extensions import db
from community.ideas.models import Comment, Idea
from community.moderation import service as moderation
from community.text import plain_text

IDEA, COMMENT = "idea", "comment"


def _name(user: User | None) -> str:
    return user.public_name if user is not None and not user.is_deleted else ""


def _idea_url(idea_id: int, slug: str) -> str:
    return f"/ideas/{idea_id}-{slug}"


def describe_ideas(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    ideas = db.session.scalars(sa.select(Idea).where(Idea.id.in_(ids)).options(
        joinedload(Idea.author)))
    return {i.id: moderation.SubjectView(
        title=i.title, url=_idea_url(i.id, i.slug), excerpt=plain_text(i.body_html)[:300],
        author_name=_name(i.author), author_id=i.author_id) for i in ideas}


def describe_comments(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    rows = db.session.execute(
        sa.select(Comment, Idea.title, Idea.slug).join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.id.in_(ids)).options(joinedload(Comment.author)))
    return {c.id: moderation.SubjectView(
        title=_("Comment on “%(idea)s”", idea=title),
        url=f"{_idea_url(c.idea_id, slug)}#comment-{c.id}",
        excerpt=plain_text(c.body_html)[:300], author_name=_name(c.author),
        author_id=c.author_id) for c, title, slug in rows}


def _public(reader: User, subject_id: int) -> bool:
    return True  # every idea and comment is public (describe already said it exists)


def register() -> None:
    moderation.register_subject(IDEA, moderation.SubjectHandler(
        describe=lambda i: describe_ideas([i]).get(i), describe_many=describe_ideas,
        visible_to=_public))
    moderation.register_subject(COMMENT, moderation.SubjectHandler(
        describe=lambda i: describe_comments([i]).get(i), describe_many=describe_comments,
        visible_to=_public))
