"""Questions and answers: accept an answer, list the unanswered, promote answers to the FAQ.

A FAQ entry follows its category (forums/access.py): staff change only the entries, and choose
only the categories, they may see; every change of the FAQ writes an audit-log row.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, load_only

from community.accounts.models import User
from community.extensions import db
from community.forums import notices
from community.forums.access import is_moderator, visible_category_ids, visible_condition
from community.forums.models import FaqEntry, ForumCategory, Post, Topic
from community.moderation import service as moderation
from community.refusals import Refused
from community.search import service as search
from community.text import plain_text, render_markdown
from community.timeutil import utcnow


def may_accept(user: User | None, topic: Topic) -> bool:
    """The question's author, or staff, may choose its accepted answer."""
    if user is None or not user.is_authenticated or not topic.is_question:
        return False
    return user.is_staff or is_moderator(user) or topic.author_id == user.id


def accept_answer(actor: User, post: Post) -> None:
    """Mark a reply as the accepted answer (replacing any other); tell its author and watchers."""
    topic = post.topic
    if not may_accept(actor, topic):
        raise Refused("forums.accept_forbidden")
    if post.number == 1 or not post.is_visible:
        raise Refused("forums.not_an_answer", 422)
    if topic.accepted_post_id == post.id:
        return
    topic.accepted_post_id = post.id
    db.session.flush()
    search.update_topic_documents(topic.id, solved=True)
    notices.accepted(topic, post, actor)


def unaccept_answer(actor: User, topic: Topic) -> None:
    if not may_accept(actor, topic):
        raise Refused("forums.accept_forbidden")
    topic.accepted_post_id = None
    db.session.flush()
    search.update_topic_documents(topic.id, solved=False)


def unanswered_questions(category_ids: list[int], limit: int = 100) -> list[Topic]:
    """Visible questions without an accepted answer, oldest first (the longest waiting)."""
    return list(db.session.scalars(
        sa.select(Topic).where(
            Topic.is_question.is_(True), Topic.accepted_post_id.is_(None),
            Topic.category_id.in_(category_ids), Topic.visible())
        .order_by(Topic.created_at, Topic.id).limit(limit)))


def _index_faq(entry: FaqEntry) -> None:
    search.index_document("faq", entry.id, title=entry.question,
                          body=plain_text(entry.answer_html),
                          category_id=entry.category_id, topic_id=entry.topic_id,
                          solved=True, created_at=entry.created_at)


def _may_edit_faq(actor: User, *categories: ForumCategory) -> None:
    """Staff, and only in categories they may see (a club's FAQ is the club's)."""
    if not actor.is_staff:
        raise Refused("forums.faq_forbidden")
    visible = set(visible_category_ids(actor))
    if any(c.id not in visible for c in categories):
        raise Refused("forums.faq_forbidden")


def promote_to_faq(actor: User, post: Post, question: str, answer: str,
                   category: ForumCategory, now: datetime | None = None) -> FaqEntry:
    """Staff turn an accepted answer into a FAQ entry (edited words), linked to the discussion."""
    _may_edit_faq(actor, post.topic.category, category)
    if post.topic.accepted_post_id != post.id:
        raise Refused("forums.not_accepted", 409)
    if db.session.scalar(sa.select(FaqEntry.id).where(FaqEntry.post_id == post.id)):
        raise Refused("forums.already_in_faq", 409)
    now = now or utcnow()
    entry = FaqEntry(category_id=category.id, topic_id=post.topic_id, post_id=post.id,
                     question=question, answer_md=answer, answer_html=render_markdown(answer),
                     created_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(entry)
    db.session.flush()
    _index_faq(entry)
    moderation.record_action(actor, "faq.promote", "faq", entry.id,
                             data={"post": post.id, "category": category.id})
    return entry


def update_faq(actor: User, entry: FaqEntry, question: str, answer: str,
               category: ForumCategory) -> None:
    """Reword and/or recategorise an entry; the audit log keeps each kind of change."""
    _may_edit_faq(actor, entry.category, category)
    source = entry.category_id
    reworded = (question, answer) != (entry.question, entry.answer_md)
    if not reworded and source == category.id:
        return
    entry.question, entry.answer_md = question, answer
    entry.answer_html, entry.category_id, entry.updated_at = (
        render_markdown(answer), category.id, utcnow())
    db.session.flush()
    _index_faq(entry)
    if reworded:
        moderation.record_action(actor, "faq.edit", "faq", entry.id)
    if source != category.id:
        moderation.record_action(actor, "faq.move", "faq", entry.id,
                                 data={"from": source, "to": category.id})


def remove_faq(actor: User, entry: FaqEntry) -> None:
    """Take an entry out of the FAQ; the audit log keeps what it said."""
    _may_edit_faq(actor, entry.category)
    moderation.record_action(actor, "faq.delete", "faq", entry.id,
                             data={"question": entry.question, "category": entry.category_id,
                                   "post": entry.post_id})
    search.remove_document("faq", entry.id)
    db.session.delete(entry)
    db.session.flush()


def faq_entries(reader: User | None) -> list[FaqEntry]:
    """The FAQ in the categories ``reader`` may see, by category, each entry with its category:
    one query (the entries' Markdown source is not read)."""
    return list(db.session.scalars(
        sa.select(FaqEntry).join(FaqEntry.category).where(visible_condition(reader))
        .options(load_only(FaqEntry.id, FaqEntry.category_id, FaqEntry.topic_id,
                           FaqEntry.question, FaqEntry.answer_html),
                 contains_eager(FaqEntry.category))
        .order_by(ForumCategory.position, ForumCategory.id, FaqEntry.position, FaqEntry.id)))
