"""Notifications: in-app rows, e-mailed instantly or in a daily digest per member's setting.

Messages are stored as a kind plus data and worded when shown or mailed, in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.ideas.labels import status_label
from community.mail import send_mail
from community.notify.models import Notification
from community.timeutil import utcnow


def describe(notification: Notification) -> str:
    """The notification's sentence, in the current language."""
    data = notification.data or {}
    title = data.get("title", "")
    if notification.kind == "status":
        return _("“%(title)s” is now: %(status)s.", title=title, status=status_label(
            data.get("status", "")))
    if notification.kind == "official":
        return _("The team answered on “%(title)s”.", title=title)
    if notification.kind == "merged":
        return _("“%(title)s” was merged into “%(target)s”; your vote moved with it.",
                 title=title, target=data.get("target", ""))
    if notification.kind == "shipped":
        return _("“%(title)s” shipped. Did it solve your need? Tell the team.", title=title)
    by = data.get("by", "")
    if notification.kind == "forum_reply":
        return _("%(name)s replied in “%(title)s”.", name=by, title=title)
    if notification.kind == "forum_topic":
        return _("%(name)s opened “%(title)s” in a category you watch.", name=by, title=title)
    if notification.kind == "mention":
        return _("%(name)s mentioned you in “%(title)s”.", name=by, title=title)
    if notification.kind == "accepted":
        return _("An answer was accepted in “%(title)s”.", title=title)
    return title


def link(notification: Notification) -> str | None:
    """Where the notification leads: the idea, or the post it is about."""
    if notification.idea_id:
        return url_for("ideas.detail", idea_id=notification.idea_id)
    return (notification.data or {}).get("url")


def notify(user_ids: Iterable[int], kind: str, idea_id: int | None, data: dict) -> int:
    """Write one notification per member; mail those who chose "instant". Returns the count."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    db.session.execute(sa.insert(Notification), [
        {"user_id": uid, "kind": kind, "idea_id": idea_id, "data": data, "created_at": utcnow()}
        for uid in ids
    ])
    instant = db.session.scalars(sa.select(User).where(
        User.id.in_(ids), User.email_digest == "instant", User.deleted_at.is_(None),
        User.email_verified_at.is_not(None)))
    for user in instant:
        send_pending(user)
    return len(ids)


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user: User) -> None:
    db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))


def send_pending(user: User) -> bool:
    """Mail the member every notification not mailed yet, as one message; False if none."""
    pending = list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.emailed_at.is_(None))
        .order_by(Notification.id)))
    if not pending or not user.email:
        return False
    # Outside a request (a command, a job), links are built from the site's BASE_URL.
    outside = (nullcontext() if has_request_context()
               else current_app.test_request_context(base_url=current_app.config["BASE_URL"]))
    with outside, force_locale(user.locale or "en"):
        lines = [f"- {describe(n)}" for n in pending]
        body = "\n".join(lines) + "\n\n" + _(
            "See them all: %(link)s\nChange how often we write: %(settings)s",
            link=url_for("notify.index", _external=True),
            settings=url_for("notify.index", _external=True) + "#settings")
        send_mail(user.email, _("News from the ideas and topics you follow"), body)
    now = utcnow()
    for notification in pending:
        notification.emailed_at = now
    db.session.flush()
    return True


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
