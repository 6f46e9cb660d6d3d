"""What the ideas' followers and voters read when they look at their notifications.

The ideas notify about an idea (subject ``"idea"``): a new status, an official answer, a
duplicate merged into it, its shipping. A notification keeps the idea's id as its subject and,
in its data, what the sentence needs besides the idea: the status reached, the merged
duplicate's id (and the titles of the time, which older code read). The idea's title is read
when the notification is shown or mailed, so a renamed idea shows its name now; an idea that no
longer exists takes its notifications away.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.extensions import db
from community.ideas.labels import status_label
from community.ideas.models import Idea
from community.notify import service as notify_service
from community.notify.models import Notification

SUBJECT = "idea"
KINDS = ("status", "official", "merged", "shipped")


def _sentence(notification: Notification, title: str, titles: dict[int, str]) -> str:
    data = notification.data or {}
    if notification.kind == "status":
        return _("“%(title)s” is now: %(status)s.", title=title,
                 status=status_label(str(data.get("status", ""))))
    if notification.kind == "official":
        return _("The team answered on “%(title)s”.", title=title)
    if notification.kind == "merged":
        from_id = data.get("from_id")  # rows written before it was kept: the title then
        duplicate = titles.get(from_id, "") if isinstance(from_id, int) else ""
        duplicate = duplicate or str(data.get("title", ""))
        return _("“%(title)s” was merged into “%(target)s”; your vote moved with it.",
                 title=duplicate, target=title)
    return _("“%(title)s” shipped. Did it solve your need? Tell the team.", title=title)


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The ideas' notifications worded now, with each idea's current title, linking to it: one
    query for all the ideas named (subjects and merged duplicates). Ideas are public, so every
    idea that still exists is shown to its reader."""
    mine = [n for n in notifications if n.subject_type == SUBJECT]
    wanted = {n.subject_id for n in mine} | {
        n.data["from_id"] for n in mine
        if n.kind == "merged" and isinstance((n.data or {}).get("from_id"), int)}
    ideas = {row.id: row for row in db.session.execute(
        sa.select(Idea.id, Idea.title, Idea.slug).where(Idea.id.in_(wanted)))} if wanted else {}
    titles = {idea_id: row.title for idea_id, row in ideas.items()}
    words = {}
    for notification in mine:
        idea = ideas.get(notification.subject_id)
        if idea is None:
            continue  # the idea is gone: so is what was said about it
        words[notification.id] = notify_service.Shown(
            _sentence(notification, idea.title, titles),
            url_for("ideas.detail", idea_id=idea.id, slug=idea.slug))
    return words


def register() -> None:
    """Word the ideas' kinds of notification (called once the ideas are part of the app)."""
    notify_service.register_kinds(KINDS, shown)
