"""The roadmap's items: the product team creates, edits, orders and moves them, and links ideas.

Rules (each refusal is a ``Refused`` with a ``roadmap.*`` code):

- Only the product team (``access.manages_roadmap``) writes; everyone else is refused (403).
- An item sits on a horizon (now, next, later) or on a named quarter ("2027-Q1", kept in
  ``quarter`` with ``Horizon.QUARTER``). Its status is planned or in progress; it becomes
  shipped only through ``changelog.ship_item`` (which writes the changelog entry), and once
  shipped its status and its ideas stay as they were (its text, order and visibility may still
  change; its changelog entry follows the item's visibility).
- An idea sits on one item at most (``RoadmapLink.idea_id`` is the key): linking an idea that
  is on another item moves it here. A merged idea is refused (link the one it went into).
- Linking moves the idea's status **forward only**, through ``ideas.triage.change_status``: an
  open or under-review idea becomes planned (in progress when the item is), a planned idea
  becomes in progress on an item in progress. A closed idea (shipped, declined, already exists)
  keeps its status: the team reopens it in triage if it means to. Moving an item to in progress
  moves its open, under-review and planned ideas to in progress the same way.
- **One notice per member per action.** ``change_status`` tells each follower of an idea whose
  status changed (a "status" notice, kept in the idea's history). The roadmap's own notice
  ("roadmap_linked" on linking, "roadmap_moved" when the horizon, quarter or status changes)
  goes to the other followers of the linked ideas, those ``change_status`` did not tell, so
  nobody hears twice of one action. The actor is never told of their own action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from community.accounts.models import User
from community.extensions import db
from community.ideas import triage
from community.ideas.models import Idea, Status
from community.ids import to_int
from community.notify import service as notify
from community.refusals import Refused
from community.roadmap import access, searching
from community.roadmap.models import (
    ChangelogEntry,
    Horizon,
    ItemStatus,
    RoadmapItem,
    RoadmapLink,
)
from community.text import plain_text, render_markdown
from community.timeutil import utcnow

SUBJECT = "roadmap_item"
QUARTER = re.compile(r"^(20\d\d)-Q([1-4])$")
# With a context: "Next" is also the pagers' link, and an item's status agrees with "item"
# in languages with genders (French « prévu », an idea « prévue »).
HORIZON_LABELS = {Horizon.NOW: _lp("roadmap horizon", "Now"),
                  Horizon.NEXT: _lp("roadmap horizon", "Next"),
                  Horizon.LATER: _lp("roadmap horizon", "Later")}
STATUS_LABELS = {ItemStatus.PLANNED: _lp("roadmap item status", "Planned"),
                 ItemStatus.IN_PROGRESS: _lp("roadmap item status", "In progress"),
                 ItemStatus.SHIPPED: _lp("roadmap item status", "Shipped")}
# An idea's status on linking (or on its item moving to in progress): forward only.
_FORWARD = {
    ItemStatus.PLANNED: ({Status.OPEN, Status.UNDER_REVIEW}, Status.PLANNED),
    ItemStatus.IN_PROGRESS: ({Status.OPEN, Status.UNDER_REVIEW, Status.PLANNED},
                             Status.IN_PROGRESS),
}


@dataclass(frozen=True)
class ItemFields:
    """What the item form gives: a title (1-140), Markdown, where and how far it is."""

    title: str
    body: str
    horizon: Horizon
    quarter: str | None
    status: ItemStatus
    members_only: bool
    position: int = 0


def where_label(horizon: Horizon, quarter: str | None) -> str:
    """"Now", "Next", "Later" or the quarter itself ("2027-Q1")."""
    return (quarter or "") if horizon is Horizon.QUARTER else str(HORIZON_LABELS[horizon])


def status_label(status: ItemStatus) -> str:
    return str(STATUS_LABELS[status])


def where_of(item: RoadmapItem) -> str:
    """Template helper ``roadmap_where(item)``."""
    return where_label(item.horizon, item.quarter)


def status_of(item: RoadmapItem) -> str:
    """Template helper ``roadmap_status(item)``."""
    return status_label(item.status)


def excerpt(item: RoadmapItem, size: int = 200) -> str:
    """Template helper ``roadmap_excerpt(item)``: the description's text, cut at a word."""
    text = plain_text(item.body_html)
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def _require_product(actor: User) -> None:
    if not access.manages_roadmap(actor):
        raise Refused("roadmap.not_product")


def _check(fields: ItemFields) -> None:
    if (fields.horizon is Horizon.QUARTER) != bool(fields.quarter) or (
            fields.quarter and not QUARTER.match(fields.quarter)):
        raise Refused("roadmap.quarter_needed", 422)
    if fields.status is ItemStatus.SHIPPED:
        raise Refused("roadmap.ship_with_changelog", 422)


def _apply(item: RoadmapItem, fields: ItemFields) -> None:
    item.title, item.body_md = fields.title, fields.body
    item.body_html = render_markdown(fields.body)
    item.horizon, item.status = fields.horizon, fields.status
    item.quarter = fields.quarter if fields.horizon is Horizon.QUARTER else None
    item.members_only, item.position = fields.members_only, fields.position
    item.updated_at = utcnow()


def create_item(actor: User, fields: ItemFields) -> RoadmapItem:
    """A new item (product team only), indexed for search. Flushes."""
    _require_product(actor)
    _check(fields)
    item = RoadmapItem(created_by_id=actor.id)
    _apply(item, fields)
    db.session.add(item)
    db.session.flush()
    searching.index_item(item)
    return item


def update_item(actor: User, item: RoadmapItem, fields: ItemFields) -> None:
    """Edit an item; if it moved (horizon, quarter or status), its ideas' followers hear once,
    and moving to in progress moves its ideas forward (see the module docstring)."""
    _require_product(actor)
    if item.status is ItemStatus.SHIPPED:  # its text, visibility and order only
        item.title, item.body_md = fields.title, fields.body
        item.body_html = render_markdown(fields.body)
        item.members_only, item.position = fields.members_only, fields.position
        item.updated_at = utcnow()
        # Its changelog entry is seen by whoever may see the item (its text stays its own).
        db.session.execute(sa.update(ChangelogEntry).where(ChangelogEntry.item_id == item.id)
                           .values(members_only=item.members_only))
    else:
        _check(fields)
        before = (item.horizon, item.quarter, item.status)
        _apply(item, fields)
        if (item.horizon, item.quarter, item.status) != before:
            _tell_moved(actor, item)
    db.session.flush()
    searching.index_item(item)


def linked_ideas(item_id: int) -> list[Idea]:
    """The ideas on an item (merged ones left out), most voted first."""
    return list(db.session.scalars(
        sa.select(Idea).join(RoadmapLink, RoadmapLink.idea_id == Idea.id)
        .where(RoadmapLink.item_id == item_id, Idea.status != Status.MERGED)
        .order_by(Idea.vote_count.desc(), Idea.id)))


def _advance(actor: User, idea: Idea, item_status: ItemStatus) -> set[int]:
    """Move an idea forward to match its item; the members ``change_status`` told."""
    sources, target = _FORWARD.get(item_status, (set(), None))
    if target is None or idea.status not in sources:
        return set()
    told = set(triage.followers(idea.id, but=actor.id))
    triage.change_status(actor, idea, target, "")
    return told


def _tell_moved(actor: User, item: RoadmapItem) -> None:
    told: set[int] = set()
    everyone: set[int] = set()
    for idea in linked_ideas(item.id):
        told |= _advance(actor, idea, item.status)
        everyone |= set(triage.followers(idea.id, but=actor.id))
    notify.notify(everyone - told, "roadmap_moved", SUBJECT, item.id, {
        "horizon": item.horizon.value, "quarter": item.quarter, "status": item.status.value})


def find_idea(reference: str) -> Idea | None:
    """An idea by its number ("12", "#12") or its address (".../ideas/12-dark-mode")."""
    text = (reference or "").strip()
    found = re.search(r"/ideas/(\d{1,18})(?:-[^/?#]*)?/?(?:[?#].*)?$", text) or re.fullmatch(
        r"#?(\d{1,18})", text)
    number = to_int(found.group(1)) if found is not None else None
    return db.session.get(Idea, number) if number is not None else None


def link_idea(actor: User, item: RoadmapItem, idea: Idea | None) -> RoadmapLink:
    """Put an idea on an item (moving it from another item); its status moves forward and its
    followers hear once (see the module docstring)."""
    _require_product(actor)
    if idea is None:
        raise Refused("roadmap.no_such_idea", 422)
    if idea.status is Status.MERGED:
        raise Refused("roadmap.idea_merged", 422)
    if item.status is ItemStatus.SHIPPED:
        raise Refused("roadmap.item_shipped", 409)
    link = db.session.get(RoadmapLink, idea.id, with_for_update=True)
    if link is not None and link.item_id == item.id:
        raise Refused("roadmap.already_linked", 409)
    if link is not None and link.item.status is ItemStatus.SHIPPED:
        raise Refused("roadmap.item_shipped", 409)  # it shipped with that item: history
    if link is None:
        link = RoadmapLink(idea_id=idea.id, item_id=item.id)
        try:
            with db.session.begin_nested():  # two staff linking one idea at once: one wins
                db.session.add(link)
        except IntegrityError:
            raise Refused("roadmap.link_race", 409) from None
    else:
        link.item_id, link.linked_at = item.id, utcnow()
        db.session.flush()
    told = _advance(actor, idea, item.status)
    notify.notify(set(triage.followers(idea.id, but=actor.id)) - told, "roadmap_linked",
                  SUBJECT, item.id, {"idea_id": idea.id})
    return link


def unlink_idea(actor: User, item: RoadmapItem, idea_id: int) -> None:
    """Take an idea off an item (its status stays: the team changes it in triage)."""
    _require_product(actor)
    if item.status is ItemStatus.SHIPPED:
        raise Refused("roadmap.item_shipped", 409)
    link = db.session.get(RoadmapLink, idea_id)
    if link is None or link.item_id != item.id:
        raise Refused("roadmap.not_linked", 404)
    db.session.delete(link)
    db.session.flush()


# ---- the board: a fixed number of queries whatever the number of items ----

SHIPPED_ON_BOARD = 20  # the status board's "Shipped" column: the latest ones (the rest: changelog)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    items: list[RoadmapItem]


def board(reader: User | None, by: str) -> list[Column]:
    """The board's columns: by horizon (now, next, later, then each quarter in order; shipped
    items are in the changelog) or by status (the latest shipped last). Empty columns of the
    fixed ones stay (a reader sees "nothing here yet"); a quarter with no item has no column.
    One query (two by status)."""
    open_items = list(db.session.scalars(
        sa.select(RoadmapItem).where(access.visible_items(reader),
                                     RoadmapItem.status != ItemStatus.SHIPPED)
        .order_by(RoadmapItem.position, RoadmapItem.id)))
    if by == "status":
        shipped = list(db.session.scalars(
            sa.select(RoadmapItem).where(access.visible_items(reader),
                                         RoadmapItem.status == ItemStatus.SHIPPED)
            .order_by(RoadmapItem.shipped_at.desc(), RoadmapItem.id.desc())
            .limit(SHIPPED_ON_BOARD)))
        return [Column(s.value, status_label(s), [i for i in open_items if i.status is s])
                for s in (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)] + [
            Column(ItemStatus.SHIPPED.value, status_label(ItemStatus.SHIPPED), shipped)]
    columns = [Column(h.value, str(label), [i for i in open_items if i.horizon is h])
               for h, label in HORIZON_LABELS.items()]
    quarters = sorted({i.quarter for i in open_items if i.horizon is Horizon.QUARTER})
    return columns + [Column(q, q, [i for i in open_items if i.quarter == q]) for q in quarters]


def ideas_on(item_ids) -> dict[int, list[Idea]]:
    """The ideas on each item (merged apart), most voted first: one query."""
    ids = set(item_ids)
    if not ids:
        return {}
    found: dict[int, list[Idea]] = {}
    for item_id, idea in db.session.execute(
            sa.select(RoadmapLink.item_id, Idea).join(Idea, Idea.id == RoadmapLink.idea_id)
            .options(load_only(Idea.id, Idea.title, Idea.slug, Idea.status, Idea.vote_count))
            .where(RoadmapLink.item_id.in_(ids), Idea.status != Status.MERGED)
            .order_by(Idea.vote_count.desc(), Idea.id)):
        found.setdefault(item_id, []).append(idea)
    return found

