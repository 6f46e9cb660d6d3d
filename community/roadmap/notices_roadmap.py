"""What the roadmap's notifications say: an idea put on the roadmap ("roadmap_linked"), an item
moved ("roadmap_moved", both about a ``roadmap_item``), and an item shipped that a club had on
its ballot ("club_shipped", about a ``changelog`` entry, with the club's id in its data).

Worded when shown, with the item's, idea's, entry's and club's names as they are now. A
notification is hidden when its item or entry no longer exists, when the reader may not see a
members-only item or entry (``access.may_see_item``), or, for "club_shipped", when the reader
may no longer see the club (``access.visible_clubs``, the rule of ``access.may_see_club`` in
one query). Bounded: at most four queries whatever the number of notifications.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.clubs.models import Club
from community.extensions import db
from community.ideas.models import Idea
from community.notify import service as notify_service
from community.notify.models import Notification
from community.roadmap import access
from community.roadmap.changelog import SUBJECT as ENTRY
from community.roadmap.items import STATUS_LABELS, where_label
from community.roadmap.items import SUBJECT as ITEM
from community.roadmap.models import ChangelogEntry, Horizon, ItemStatus, RoadmapItem

KINDS = ("roadmap_linked", "roadmap_moved", "club_shipped")


def _ids(rows: Sequence[Notification], key: str) -> set[int]:
    return {n.data[key] for n in rows if isinstance((n.data or {}).get(key), int)}


def _moved_to(data: dict) -> str:
    try:
        horizon, status = Horizon(data.get("horizon")), ItemStatus(data.get("status"))
    except ValueError:
        return ""
    return f"{where_label(horizon, data.get('quarter'))}, {STATUS_LABELS[status]}"


def _item_words(notification: Notification, item, ideas: dict[int, str]) -> str | None:
    data = notification.data or {}
    if notification.kind == "roadmap_linked":
        idea = ideas.get(data.get("idea_id"))
        if idea is None:
            return None  # the idea is gone
        return _("“%(idea)s” is on the roadmap: “%(item)s”.", idea=idea, item=item.title)
    return _("“%(item)s” moved on the roadmap: %(where)s.", item=item.title,
             where=_moved_to(data))


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The roadmap's notifications this reader may still see, worded now."""
    about_items = [n for n in notifications
                   if n.subject_type == ITEM and n.kind in ("roadmap_linked", "roadmap_moved")]
    about_entries = [n for n in notifications
                     if n.subject_type == ENTRY and n.kind == "club_shipped"]
    item_rows = {row.id: row for row in db.session.execute(
        sa.select(RoadmapItem.id, RoadmapItem.title, RoadmapItem.members_only)
        .where(RoadmapItem.id.in_({n.subject_id for n in about_items})))} if about_items else {}
    wanted = _ids([n for n in about_items if n.kind == "roadmap_linked"], "idea_id")
    ideas = dict(db.session.execute(sa.select(Idea.id, Idea.title).where(
        Idea.id.in_(wanted))).all()) if wanted else {}
    entries = {row.id: row for row in db.session.execute(
        sa.select(ChangelogEntry.id, ChangelogEntry.title, ChangelogEntry.members_only)
        .where(ChangelogEntry.id.in_({n.subject_id for n in about_entries})))
    } if about_entries else {}
    club_ids = _ids(about_entries, "club_id")
    clubs = dict(db.session.execute(sa.select(Club.id, Club.name).where(
        Club.id.in_(club_ids), access.visible_clubs(reader))).all()) if club_ids else {}
    words: dict[int, notify_service.Shown] = {}
    for notification in about_items:
        item = item_rows.get(notification.subject_id)
        if item is None or not access.may_see_item(reader, item.members_only):
            continue
        text = _item_words(notification, item, ideas)
        if text is not None:
            words[notification.id] = notify_service.Shown(
                text, url_for("roadmap.item", item_id=item.id))
    for notification in about_entries:
        entry = entries.get(notification.subject_id)
        club = clubs.get((notification.data or {}).get("club_id"))
        if entry is None or club is None or not access.may_see_item(reader, entry.members_only):
            continue
        words[notification.id] = notify_service.Shown(
            _("“%(title)s” has shipped: your club %(club)s had it on its ballot.",
              title=entry.title, club=club),
            url_for("roadmap.entry", entry_id=entry.id))
    return words


def register() -> None:
    notify_service.register_kinds(KINDS, shown)
