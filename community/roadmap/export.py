"""The clubs' part of a member's data: their pending join requests, in the export and erased
with the account (the memberships themselves are exported and erased by ``community/clubs``).
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import User
from community.clubs.models import Club, JoinRequest
from community.extensions import db
from community.timeutil import iso


def join_requests_of(user: User) -> list[dict]:
    """The clubs the member asked to join and what they wrote (they knew these clubs)."""
    rows = db.session.execute(
        sa.select(Club.name, JoinRequest).join(Club, Club.id == JoinRequest.club_id)
        .where(JoinRequest.user_id == user.id).order_by(JoinRequest.created_at))
    return [{"club": name, "organisation": request.organisation, "message": request.message,
             "created_at": iso(request.created_at)} for name, request in rows]


def erase_join_requests(user: User) -> None:
    """On account deletion: what they asked goes (personal, not a contribution)."""
    db.session.execute(sa.delete(JoinRequest).where(JoinRequest.user_id == user.id))


def register() -> None:
    data.register_exporter("club_join_requests", join_requests_of)
    data.register_eraser("club_join_requests", erase_join_requests)
