"""How moderation shows and hides forum posts and topics, and shows FAQ entries (its subject
registry)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from community.accounts import standing
from community.accounts.models import User
from community.extensions import db
from community.forums import moderate
from community.forums.models import FaqEntry, Post, Topic
from community.moderation import service as moderation
from community.text import plain_text


def _name(user: User | None) -> str:
    return user.public_name if user is not None and not user.is_deleted else ""


def _posts(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    posts = db.session.scalars(sa.select(Post).where(Post.id.in_(ids)).options(
        joinedload(Post.author), joinedload(Post.topic))).unique()
    return {p.id: moderation.SubjectView(
        title=p.topic.title, url=f"/p/{p.id}", excerpt=plain_text(p.body_html)[:300],
        author_name=_name(p.author), hidden=not p.is_visible) for p in posts}


def _topics(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    topics = db.session.scalars(sa.select(Topic).where(Topic.id.in_(ids)).options(
        joinedload(Topic.author))).unique()
    return {t.id: moderation.SubjectView(title=t.title, url=f"/t/{t.id}",
                                         author_name=_name(t.author), hidden=not t.is_visible)
            for t in topics}


def _faq_entries(ids: Sequence[int]) -> dict[int, moderation.SubjectView]:
    """FAQ entries in the audit log (a removed one shows as "faq #12")."""
    entries = db.session.scalars(sa.select(FaqEntry).where(FaqEntry.id.in_(ids)))
    return {e.id: moderation.SubjectView(title=e.question, url=f"/faq#faq-{e.id}",
                                         excerpt=plain_text(e.answer_html)[:300])
            for e in entries}


def _hide_post(actor: User, post_id: int, reason: str) -> None:
    post = db.session.get(Post, post_id)
    if post is not None:
        moderate.hide_post(actor, post, True, reason)


def _show_post(actor: User, post_id: int, reason: str) -> None:
    post = db.session.get(Post, post_id)
    if post is not None:
        moderate.hide_post(actor, post, False, reason)


def _show_topic(actor: User, topic_id: int, reason: str) -> None:
    topic = db.session.get(Topic, topic_id)
    if topic is not None:
        moderate.set_flag(actor, topic, "hidden", False, reason)


def _hide_topic(actor: User, topic_id: int, reason: str) -> None:
    topic = db.session.get(Topic, topic_id)
    if topic is not None:
        moderate.set_flag(actor, topic, "hidden", True, reason)


def _hide_all_posts(actor: User, user_id: int, reason: str) -> list[int]:
    """On suspension: hide every visible post of the member (a first post hides its topic)."""
    posts = list(db.session.scalars(sa.select(Post).join(Topic, Topic.id == Post.topic_id).where(
        Post.author_id == user_id, Post.deleted_at.is_(None), Post.hidden.is_(False),
        sa.or_(Post.number > 1, Topic.hidden.is_(False))).order_by(Post.id)))
    for post in posts:
        moderate.hide_post(actor, post, True, reason)
    return [p.id for p in posts]


def _show_posts(actor: User, ids: Sequence[int], reason: str) -> None:
    """On restore: show again exactly the posts the suspension hid."""
    for post in db.session.scalars(sa.select(Post).where(Post.id.in_(ids)).order_by(Post.id)):
        moderate.hide_post(actor, post, False, reason)


def register() -> None:
    standing.register_content("post", standing.ContentKind(hide_all=_hide_all_posts,
                                                           show=_show_posts))
    moderation.register_subject("post", moderation.SubjectHandler(
        describe=lambda i: _posts([i]).get(i), hide=_hide_post, describe_many=_posts,
        show=_show_post))
    moderation.register_subject("topic", moderation.SubjectHandler(
        describe=lambda i: _topics([i]).get(i), hide=_hide_topic, describe_many=_topics,
        show=_show_topic))
    moderation.register_subject("faq", moderation.SubjectHandler(
        describe=lambda i: _faq_entries([i]).get(i), describe_many=_faq_entries))
