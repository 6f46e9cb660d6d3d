"""Notifications: in-app rows, e-mailed instantly or in a daily digest per member's setting.

A notification is stored as a kind, its subject (``subject_type``, ``subject_id``, as a flag
names what it is about) and the ids its domain keeps in ``data``; it is worded when shown or
mailed: in the reader's language, with the subject's current title and the actor's current
name, and only if the reader may still see the subject (a topic moved into a restricted
category, or deleted, takes its notifications out of the list, the unread count and the
mails). The domain that notifies words its kinds through ``register_kinds``; notify knows no
domain, and a kind that no domain registered is never shown nor mailed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from community import registry
from community.accounts.models import User
from community.extensions import db
from community.mail import send_after_commit
from community.notify.models import Notification
from community.timeutil import utcnow

# The badge counts the newest unread notifications, at most this many: a page stays cheap.
UNREAD_SCAN = 100

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it now: the sentence, and where it leads."""

    text: str
    url: str | None = None


Resolver = Callable[[User, Sequence[Notification]], dict[int, Shown]]
Item = tuple[Notification, Shown]
_UNKNOWN_LOGGED: set[str] = set()  # kinds found with no domain to word them, warned once


def register_kinds(kinds: Iterable[str], resolve: Resolver) -> None:
    """Teach notify to word some kinds: ``resolve(reader, notifications)`` returns a ``Shown``
    per notification id the reader may still see (in the current language); one it leaves out
    is hidden. It must cost a bounded number of queries, whatever the number of rows."""
    for kind in kinds:
        registry.table("notification_kinds")[kind] = resolve


def shown(reader: User, notifications: Sequence[Notification]) -> list[Item]:
    """The notifications the reader may see, in order, each with its words: one resolver
    call per kind's domain, so a page costs the same for 5 rows or 50."""
    by_resolver: dict[Resolver, list[Notification]] = {}
    kinds = registry.table("notification_kinds")
    for notification in notifications:
        resolve = kinds.get(notification.kind)
        if resolve is None:
            _unknown(notification.kind)
            continue
        by_resolver.setdefault(resolve, []).append(notification)
    words: dict[int, Shown] = {}
    for resolve, rows in by_resolver.items():
        words.update(resolve(reader, rows))
    return [(n, words[n.id]) for n in notifications if n.id in words]


def _unknown(kind: str) -> None:
    """A kind no domain registered is left out; say so once per kind, not once per row."""
    if kind not in _UNKNOWN_LOGGED:
        _UNKNOWN_LOGGED.add(kind)
        log.warning("notifications of kind %r are not shown: no domain registered it", kind)


def notify(user_ids: Iterable[int], kind: str, subject_type: str, subject_id: int,
           data: dict | None = None) -> int:
    """Write one notification per member about a subject (``"idea"``, 12); mail those who
    chose "instant". ``kind`` must be registered by the calling domain (``register_kinds``),
    which words it from the subject and ``data``. Returns the count."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    db.session.execute(sa.insert(Notification), [
        {"user_id": uid, "kind": kind, "subject_type": subject_type, "subject_id": subject_id,
         "data": data or {}, "created_at": utcnow()}
        for uid in ids
    ])
    instant = db.session.scalars(sa.select(User).where(
        User.id.in_(ids), User.email_digest == "instant", User.deleted_at.is_(None),
        User.email_verified_at.is_not(None)))
    for user in instant:
        send_pending(user)
    return len(ids)


def _unread_statement():
    return (sa.select(Notification).where(Notification.user_id == sa.bindparam("user_id"),
                                          Notification.read_at.is_(None))
            .order_by(Notification.id.desc()).limit(UNREAD_SCAN))


_UNREAD = _unread_statement()  # built once: every signed-in page counts


def unread_count(user: User) -> int:
    """Unread notifications the member may see, among the newest ``UNREAD_SCAN`` unread."""
    unread = list(db.session.scalars(_UNREAD, {"user_id": user.id}))
    return len(shown(user, unread))


def recent(user: User, limit: int = 50) -> list[Item]:
    """The member's newest notifications (of the last ``limit``) that they may see, worded."""
    return shown(user, list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit))))


def mark_read(user: User, ids: list[int]) -> None:
    """Mark these notifications of ``user`` read (those the page showed)."""
    if ids:
        db.session.execute(sa.update(Notification).where(
            Notification.user_id == user.id, Notification.id.in_(ids),
            Notification.read_at.is_(None)).values(read_at=utcnow())
            .execution_options(synchronize_session=False))


def mark_all_read(user: User) -> None:
    db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))


def send_pending(user: User) -> bool:
    """Mail the member every notification not mailed yet that they may see, as one message;
    False if none. Those they may no longer see are marked mailed too, and never sent."""
    pending = list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.emailed_at.is_(None))
        .order_by(Notification.id)))
    if not pending or not user.email:
        return False
    # Outside a request (a command, a job), links are built from the site's BASE_URL.
    outside = (nullcontext() if has_request_context()
               else current_app.test_request_context(base_url=current_app.config["BASE_URL"]))
    with outside, force_locale(user.locale or "en"):
        lines = [f"- {words.text}" for _n, words in shown(user, pending)]
        if lines:
            body = "\n".join(lines) + "\n\n" + _(
                "See them all: %(link)s\nChange how often we write: %(settings)s",
                link=url_for("notify.index", _external=True),
                settings=url_for("notify.index", _external=True) + "#settings")
            send_after_commit(user.email, _("News from the ideas and topics you follow"),
                              body)
    now = utcnow()
    for notification in pending:
        notification.emailed_at = now
    db.session.flush()
    return bool(lines)


def send_daily_digests() -> int:
    """One digest per member on "daily" with unmailed notifications; returns how many sent."""
    user_ids = db.session.scalars(sa.select(Notification.user_id).where(
        Notification.emailed_at.is_(None)).distinct())
    sent = 0
    for user in db.session.scalars(sa.select(User).where(
            User.id.in_(list(user_ids)), User.email_digest == "daily",
            User.deleted_at.is_(None), User.email_verified_at.is_not(None))):
        sent += send_pending(user)
    return sent
