"""What the clubs tell their members: someone asks to join (``club_request``, to the club's
managers and owners) and a request was approved (``club_joined``, to the requester).

A notification keeps the club's id as its subject (``"club"``) and, for a request, the
requester's id in its data; the club's name and the requester's name are read when it is shown,
so a renamed club shows its name now. A reader who may no longer see the club (a members-only
club they left) no longer sees what was said about it, and a request notice shows only to a
reader who still manages the club.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from community.accounts.models import User
from community.clubs.models import Club, ClubMember, ClubRole
from community.extensions import db
from community.notify import service as notify_service
from community.notify.models import Notification
from community.roadmap import access

SUBJECT = "club"
KINDS = ("club_request", "club_joined")


def tell_managers(club: Club, manager_ids: list[int], requester_id: int) -> None:
    notify_service.notify(manager_ids, "club_request", SUBJECT, club.id,
                          {"user_id": requester_id})


def tell_joined(club: Club, user_id: int) -> None:
    notify_service.notify([user_id], "club_joined", SUBJECT, club.id)


def _managed(reader: User, club_ids: set[int]) -> set[int]:
    """The clubs among ``club_ids`` the reader manages (staff who run clubs manage all)."""
    if access.runs_clubs(reader):
        return set(club_ids)
    return set(db.session.scalars(sa.select(ClubMember.club_id).where(
        ClubMember.user_id == reader.id, ClubMember.club_id.in_(club_ids),
        ClubMember.role.in_([ClubRole.MANAGER, ClubRole.OWNER]))))


def shown(reader: User, notifications: Sequence[Notification]) -> dict[int, notify_service.Shown]:
    """The clubs' notifications worded now: three queries at most, however many rows."""
    mine = [n for n in notifications if n.subject_type == SUBJECT]
    club_ids = {n.subject_id for n in mine}
    if not club_ids:
        return {}
    clubs = {club.id: club for club in db.session.scalars(
        sa.select(Club).where(Club.id.in_(club_ids), access.visible_clubs(reader)))}
    managed = _managed(reader, set(clubs))
    requesters = {n.data.get("user_id") for n in mine if n.kind == "club_request" and n.data}
    names = {row.id: row.display_name or row.handle for row in db.session.execute(
        sa.select(User.id, User.display_name, User.handle).where(
            User.id.in_({i for i in requesters if isinstance(i, int)}),
            User.deleted_at.is_(None)))} if requesters else {}
    words = {}
    for notification in mine:
        club = clubs.get(notification.subject_id)
        if club is None:
            continue  # gone, or no longer visible to this reader
        if notification.kind == "club_request":
            name = names.get((notification.data or {}).get("user_id"))
            if club.id not in managed or name is None:
                continue
            words[notification.id] = notify_service.Shown(
                _("%(name)s asks to join the club %(club)s.", name=name, club=club.name),
                url_for("clubs.members", slug=club.slug))
        else:
            words[notification.id] = notify_service.Shown(
                _("You are now a member of the club %(club)s.", club=club.name),
                url_for("clubs.show", slug=club.slug))
    return words


def register() -> None:
    """Word the clubs' kinds of notification (called once the roadmap is part of the app)."""
    notify_service.register_kinds(KINDS, shown)
