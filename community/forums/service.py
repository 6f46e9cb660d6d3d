"""Forum use cases: open a topic, reply, edit with history, delete, mark helpful, read, watch.

Services flush; the caller commits. Counters on topics and categories change in the same
transaction as the post, by relative SQL updates, so concurrent replies never overwrite each
other. Post numbers come from ``topics.max_number`` through ``UPDATE … RETURNING``, which also
serialises two replies to the same topic on PostgreSQL (the row lock) and SQLite (one writer).
Each post written (a topic's first post, a reply) writes its POST_WRITTEN row to the activity
log in the same transaction; a refused post writes none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.forums import limits, notices
from community.forums.access import is_moderator
from community.forums.counters import counted
from community.forums.models import (
    ForumCategory,
    HelpfulMark,
    Post,
    PostRevision,
    Topic,
    TopicRead,
    Watch,
    WatchLevel,
)
from community.marks import toggle_counted_mark
from community.refusals import Refused
from community.search import service as search
from community.text import plain_text, render_markdown, slugify
from community.text.mentions import find_mentions, link_mentions
from community.timeutil import utcnow
from community.trust import onwrite

# What can be done to a post once written (post_refusal, allowed_actions).
EDIT, DELETE, RESTORE = "edit", "delete", "restore"


def topic_slug(title: str) -> str:
    return slugify(title, 80, "topic")


def cook(body: str) -> tuple[str, list[User]]:
    """Markdown -> sanitized HTML with @mentions of existing members linked; and those members."""
    html = render_markdown(body)
    handles = find_mentions(html)
    if not handles:
        return html, []
    users = list(db.session.scalars(sa.select(User).where(
        User.handle.in_(handles), User.deleted_at.is_(None))))
    html = link_mentions(html, {u.handle for u in users},
                         lambda h: f"/u/{h}")  # a stable public URL; no request needed
    return html, users


def check_limits(author: User, html: str, now: datetime | None = None) -> None:
    """Refuse a post past the author's trust-level limits (links per post, posts per hour);
    a post breaking both is refused for its links first."""
    now = now or utcnow()
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(
        Post.author_id == author.id, Post.created_at > now - timedelta(hours=1))) or 0
    poster = limits.Poster(staff=author.is_staff, posts_last_hour=recent,
                           level=author.trust_level or 0)
    broken = limits.refusals(poster, html)
    if broken:
        raise Refused(f"forums.{broken[0]}", 429 if broken[0] == "rate" else 422)


def _may_write(author: User, topic: Topic | None = None) -> None:
    if not author.is_verified:
        raise Refused("forums.unverified")
    if topic is not None and (topic.locked or not topic.is_visible) and not author.is_staff:
        raise Refused("forums.locked")


def _index_post(post: Post, topic: Topic) -> None:
    """A first post is indexed as its topic (title and text), a reply as a post."""
    kind, ref_id = ("topic", topic.id) if post.number == 1 else ("post", post.id)
    if post.number == 1:
        search.remove_document("post", post.id)  # a reply split off to start a new topic
    search.index_document(kind, ref_id, title=topic.title, body=plain_text(post.body_html),
                          category_id=topic.category_id, topic_id=topic.id,
                          author_id=post.author_id, solved=topic.solved,
                          created_at=post.created_at)


def _unindex_post(post: Post) -> None:
    if post.number == 1:
        search.remove_document("topic", post.topic_id)
    else:
        search.remove_document("post", post.id)


def _append_post(author: User, topic: Topic, body: str, html: str, now: datetime) -> Post:
    number = db.session.execute(
        sa.update(Topic).where(Topic.id == topic.id).values(max_number=Topic.max_number + 1)
        .returning(Topic.max_number)).scalar_one()
    post = Post(topic_id=topic.id, number=number, author_id=author.id, body_md=body,
                body_html=html, created_at=now)
    db.session.add(post)
    db.session.flush()
    activity.record(author.id, ActivityKind.POST_WRITTEN, ("post", post.id), at=now)
    onwrite.after_text(("post", post.id), author, body, at=now)  # an impossible testimonial
    return post


def create_topic(author: User, category: ForumCategory, title: str, body: str,
                 is_question: bool = False, now: datetime | None = None) -> Topic:
    """Open a topic with its first post; the author watches it; mentioned members hear of it."""
    now = now or utcnow()
    _may_write(author)
    html, mentioned = cook(body)
    check_limits(author, html, now)
    topic = Topic(category_id=category.id, author_id=author.id, title=title,
                  slug=topic_slug(title), is_question=is_question, created_at=now,
                  last_posted_at=now, last_poster_id=author.id)
    db.session.add(topic)
    db.session.flush()
    post = _append_post(author, topic, body, html, now)
    db.session.execute(sa.update(ForumCategory).where(ForumCategory.id == category.id).values(
        topic_count=ForumCategory.topic_count + 1, post_count=ForumCategory.post_count + 1,
        last_posted_at=now, last_topic_id=topic.id))
    db.session.refresh(topic)
    _index_post(post, topic)
    watch(author, topic=topic, level=WatchLevel.WATCHING, explicit=False)
    mark_read(author, topic, post.number)
    notices.new_topic(topic, post, author, mentioned)
    return topic


def reply(author: User, topic: Topic, body: str, now: datetime | None = None) -> Post:
    """Add a reply; bump the topic; watchers and mentioned members are notified."""
    now = now or utcnow()
    _may_write(author, topic)
    html, mentioned = cook(body)
    check_limits(author, html, now)
    post = _append_post(author, topic, body, html, now)
    db.session.execute(sa.update(Topic).where(Topic.id == topic.id).values(
        reply_count=Topic.reply_count + 1, last_posted_at=now, last_poster_id=author.id))
    db.session.execute(sa.update(ForumCategory).where(
        ForumCategory.id == topic.category_id).values(
        post_count=ForumCategory.post_count + 1, last_posted_at=now, last_topic_id=topic.id))
    db.session.refresh(topic)
    _index_post(post, topic)
    watch(author, topic=topic, level=WatchLevel.WATCHING, explicit=False)
    mark_read(author, topic, post.number)
    notices.new_reply(topic, post, author, mentioned)
    return post


def post_refusal(user: User | None, post: Post, action: str) -> Refused | None:
    """Why ``user`` may not edit, delete or restore ``post`` (None: they may).

    A moderator may do all three to any post. Its author, verified, may delete it at any time
    and edit it while its topic is open. Only moderators restore, and nobody edits a deleted
    post (restore it first). Deleting a deleted post, or restoring a visible one, is allowed
    and changes nothing (a second click).

    It reads of the post only whether it is deleted, its author and its topic: the topic page
    asks once per kind of post (``views._post_actions``); add a criterion there if it reads
    more.
    """
    if user is None or not user.is_authenticated:
        return Refused("forums.not_yours")
    if action == EDIT and post.deleted_at is not None:
        return Refused("forums.deleted", 409)
    if is_moderator(user):
        return None
    if action == RESTORE:
        return Refused("forums.moderators_only")
    if post.author_id != user.id:
        return Refused("forums.not_yours")
    if not user.is_verified:
        return Refused("forums.unverified")
    if action == EDIT and post.topic.locked:
        return Refused("forums.edit_locked")
    return None


def allowed_actions(user: User | None, post: Post) -> frozenset[str]:
    """What the topic page offers ``user`` on ``post``: the actions ``post_refusal`` allows
    that would change something (edit and delete a post still there, restore a deleted one)."""
    pending = (EDIT, DELETE) if post.deleted_at is None else (RESTORE,)
    return frozenset(a for a in pending if post_refusal(user, post, a) is None)


def require(user: User | None, post: Post, action: str) -> None:
    """Raise the refusal, if any, of ``user`` doing ``action`` to ``post``."""
    refusal = post_refusal(user, post, action)
    if refusal is not None:
        raise refusal


def edit_post(editor: User, post: Post, body: str, title: str | None = None,
              now: datetime | None = None) -> Post:
    """Replace a post's text (and the topic title, for a first post); keep the old version.
    Its author while the topic is open, or a moderator (``post_refusal``)."""
    require(editor, post, EDIT)
    now = now or utcnow()
    topic = post.topic
    new_title = title if post.number == 1 and title and title != topic.title else None
    if body == post.body_md and new_title is None:
        return post
    html, mentioned = cook(body)
    if not editor.is_staff:
        check_limits(editor, html, now)
    post.revision_count += 1
    db.session.add(PostRevision(
        post_id=post.id, number=post.revision_count, body_md=post.body_md,
        body_html=post.body_html, title=topic.title if post.number == 1 else None,
        written_at=post.edited_at or post.created_at, replaced_at=now, editor_id=editor.id))
    post.body_md, post.body_html, post.edited_at = body, html, now
    if new_title:
        topic.title, topic.slug = new_title, topic_slug(new_title)
    db.session.flush()
    sync_post(post, topic)
    if new_title:
        search.update_topic_documents(topic.id, title=new_title)
    notices.mentioned_in_edit(topic, post, editor, mentioned)
    return post


def revisions(post: Post) -> list[PostRevision]:
    return list(db.session.scalars(sa.select(PostRevision).where(
        PostRevision.post_id == post.id).order_by(PostRevision.number.desc())))


def sync_post(post: Post, topic: Topic) -> None:
    """Index one post as it now is: searchable if it and its topic are visible, else not."""
    if post.is_visible and topic.is_visible:
        _index_post(post, topic)
    else:
        _unindex_post(post)


def delete_post(actor: User, post: Post, now: datetime | None = None) -> None:
    """Soft delete (author or moderator); deleting the first post deletes the topic."""
    require(actor, post, DELETE)
    if post.deleted_at is not None:
        return
    topic = post.topic
    was_accepted = topic.accepted_post_id == post.id
    with counted(topic):
        post.deleted_at, post.deleted_by_id = now or utcnow(), actor.id
        if post.number == 1:
            topic.deleted_at = post.deleted_at
        elif was_accepted:
            topic.accepted_post_id = None
    if post.number == 1:
        search.remove_topic_documents(topic.id)
        return
    _unindex_post(post)
    if was_accepted:
        search.update_topic_documents(topic.id, solved=False)


def restore_post(actor: User, post: Post) -> None:
    """Undo a soft delete (moderators)."""
    require(actor, post, RESTORE)
    if post.deleted_at is None:
        return
    topic = post.topic
    with counted(topic):
        post.deleted_at, post.deleted_by_id = None, None
        if post.number == 1:
            topic.deleted_at = None
    if post.number == 1:
        reindex_topic(topic)
    else:
        sync_post(post, topic)


def reindex_topic(topic: Topic) -> None:
    """Index every post of a topic as it now is (after a restore, an unhide or a split)."""
    if not topic.is_visible:
        search.remove_topic_documents(topic.id)
        return
    for post in db.session.scalars(sa.select(Post).where(Post.topic_id == topic.id)):
        sync_post(post, topic)


def toggle_helpful(user: User, post: Post) -> bool:
    """Mark (or unmark) a reply as helpful; not one's own; True if now marked."""
    if post.author_id == user.id or not user.is_verified or not post.is_visible:
        raise Refused("forums.helpful")
    return toggle_counted_mark(HelpfulMark(post_id=post.id, user_id=user.id),
                               Post.helpful_count, post.id)


def mark_read(user: User, topic: Topic, number: int) -> bool:
    """Remember the highest post number the member has seen in the topic (never goes back).
    True if that wrote something (else there is nothing to commit)."""
    row = db.session.get(TopicRead, (user.id, topic.id))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(TopicRead(user_id=user.id, topic_id=topic.id,
                                         last_read_number=number))
            return True
        except IntegrityError:
            row = db.session.get(TopicRead, (user.id, topic.id))
    if row is not None and row.last_read_number < number:
        row.last_read_number = number
        db.session.flush()
        return True
    return False


def watch(user: User, *, topic: Topic | None = None, category: ForumCategory | None = None,
          level: WatchLevel | None = WatchLevel.WATCHING, explicit: bool = True) -> None:
    """Watch, mute (level MUTED) or forget (level None) a topic or a category.

    Writing in a topic watches it, unless the member muted it (``explicit=False`` never
    overrides a choice the member made).
    """
    where = [Watch.user_id == user.id]
    where.append(Watch.topic_id == topic.id if topic else Watch.category_id == category.id)
    row = db.session.scalar(sa.select(Watch).where(*where))
    if row is not None and not explicit:
        return
    if level is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        try:
            with db.session.begin_nested():
                db.session.add(Watch(user_id=user.id, level=level,
                                     topic_id=topic.id if topic else None,
                                     category_id=category.id if category else None))
        except IntegrityError:
            pass
    else:
        row.level = level
    db.session.flush()


def watch_level(user: User | None, *, topic: Topic | None = None,
                category: ForumCategory | None = None) -> WatchLevel | None:
    if user is None or not user.is_authenticated:
        return None
    where = [Watch.user_id == user.id]
    where.append(Watch.topic_id == topic.id if topic else Watch.category_id == category.id)
    return db.session.scalar(sa.select(Watch.level).where(*where))
