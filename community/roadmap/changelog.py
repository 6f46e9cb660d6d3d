"""Shipping a roadmap item: its changelog entry, its ideas marked shipped, everyone told.

``ship_item`` does it all in the caller's transaction (the view commits once):

1. the item becomes shipped (``shipped_at`` set) and one ``ChangelogEntry`` is written (title:
   the item's unless given; Markdown cooked through ``community.text``; ``members_only`` copied
   from the item). Shipping twice is refused, and the entry's unique ``item_id`` refuses a
   second one written at the same moment by another request.
2. every linked idea not yet shipped (merged ones apart) becomes shipped through
   ``ideas.triage.change_status``: its voters get the "shipped" notice (the existing "did it
   solve your need?" question) and its other followers a "status" notice.
3. every member of every club whose ballot, in any published version, held one of the item's
   ideas gets a "club_shipped" notice, except those step 2 already told (voters and followers:
   one notice per member per shipping) and the actor. A member of several such clubs gets one,
   naming the first of their clubs (by id).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.clubs.models import ClubMember
from community.extensions import db
from community.ideas import triage
from community.ideas.models import Status, Vote
from community.notify import service as notify
from community.refusals import Refused
from community.roadmap import access, items, queries
from community.roadmap.models import ChangelogEntry, ItemStatus, RoadmapItem
from community.text import render_markdown
from community.timeutil import utcnow

SUBJECT = "changelog"


def ship_item(actor: User, item: RoadmapItem, title: str, body: str) -> ChangelogEntry:
    """Ship an item: entry published, ideas shipped, voters, followers and clubs told."""
    if not access.manages_roadmap(actor):
        raise Refused("roadmap.not_product")
    if item.status is ItemStatus.SHIPPED or db.session.scalar(
            sa.select(ChangelogEntry.id).where(ChangelogEntry.item_id == item.id)):
        raise Refused("roadmap.already_shipped", 409)
    now = utcnow()
    entry = ChangelogEntry(item_id=item.id, title=(title or "").strip() or item.title,
                           body_md=body, body_html=render_markdown(body),
                           members_only=item.members_only, published_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise Refused("roadmap.already_shipped", 409) from None
    item.status, item.shipped_at, item.updated_at = ItemStatus.SHIPPED, now, now
    told: set[int] = {actor.id}
    ideas = items.linked_ideas(item.id)
    for idea in ideas:
        if idea.status is Status.SHIPPED:
            continue
        told |= set(triage.followers(idea.id))
        told |= set(db.session.scalars(sa.select(Vote.user_id).where(Vote.idea_id == idea.id)))
        triage.change_status(actor, idea, Status.SHIPPED, "")
    _tell_clubs(entry, [idea.id for idea in ideas], told)
    db.session.flush()
    return entry


def _tell_clubs(entry: ChangelogEntry, idea_ids: list[int], told: set[int]) -> None:
    club_ids = queries.clubs_that_balloted(idea_ids)
    if not club_ids:
        return
    first_club: dict[int, int] = {}
    for club_id, user_id in db.session.execute(
            sa.select(ClubMember.club_id, ClubMember.user_id)
            .where(ClubMember.club_id.in_(club_ids)).order_by(ClubMember.club_id)):
        if user_id not in told:
            first_club.setdefault(user_id, club_id)
    by_club: dict[int, set[int]] = {}
    for user_id, club_id in first_club.items():
        by_club.setdefault(club_id, set()).add(user_id)
    for club_id, members in sorted(by_club.items()):
        notify.notify(members, "club_shipped", SUBJECT, entry.id, {"club_id": club_id})


def entry_of(item_id: int) -> ChangelogEntry | None:
    return db.session.scalar(sa.select(ChangelogEntry).where(ChangelogEntry.item_id == item_id))

