"""The reduced weight of flagged accounts: until a moderator decides, an account named by an
open flag scoring at least TRUST_REDUCE_AT (subject "account") counts at most
TRUST_REDUCED_WEIGHT in rankings and averages, so an attack is blunted before anyone looks.

``refresh_reduced`` sets ``users.weight_reduced`` from the open flags and reweighs the members
whose state changed (``accounts.standing.reweigh``), in the caller's transaction: the trust
scan calls it when it opens flags, the decisions when they close them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from community.accounts import standing
from community.accounts.models import User
from community.extensions import db
from community.moderation.models import Flag, FlagState

ACCOUNT = "account"


def reduce_threshold() -> float:
    return current_app.config["TRUST_REDUCE_AT"]


def refresh_reduced(user_ids: Iterable[int]) -> list[int]:
    """Set each account's reduced weight from its open flags now (subject "account", score at
    least TRUST_REDUCE_AT), and reweigh those that changed; returns their ids."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    flagged = set(db.session.scalars(sa.select(Flag.subject_id).where(
        Flag.subject_type == ACCOUNT, Flag.subject_id.in_(ids), Flag.state == FlagState.OPEN,
        Flag.score >= reduce_threshold())))
    changed = []
    for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)).with_for_update()
                                   .execution_options(populate_existing=True)):
        reduced = user.id in flagged
        if bool(user.weight_reduced) != reduced:
            user.weight_reduced = reduced
            changed.append(user.id)
    if changed:
        db.session.flush()
        standing.reweigh(changed)
    return changed
