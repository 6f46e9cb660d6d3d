""""My priorities": each member's ordered ballot of up to ten ideas, and the Borda aggregate.

The aggregate lives in ``ideas.priority_score``: each ballot line stores the points it added
(Borda points x the member's trust weight), and rewriting a ballot subtracts the old lines and
adds the new ones in the same transaction. An idea leaves a ballot when its member withdraws
their vote for it (``service.remove_vote``), as if they had removed it here.

Each change of a ballot by its member writes PRIORITY_CHANGED rows to the activity log, in the
same transaction: one per idea added (its rank), removed (no value) or moved (its new rank),
counted as the fewest moves that explain the new order (``ranking.ballot_changes``), so a drag
from 10th to 1st is one row and an unchanged ballot none. A merge moving ballot lines
(``triage.merge``) is the team's doing, not the member's, and writes none.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.ideas import ranking
from community.ideas.models import Idea, PriorityEntry
from community.refusals import Refused
from community.trust.voters import trust_of


def ballot_of(user: User) -> list[PriorityEntry]:
    query = (sa.select(PriorityEntry).where(PriorityEntry.user_id == user.id)
             .order_by(PriorityEntry.position))
    return list(db.session.scalars(query))


def set_ballot(user: User, idea_ids: list[int]) -> None:
    """Replace the member's ballot with these ideas, best first (at most ten, no repeats)."""
    idea_ids = list(dict.fromkeys(idea_ids))
    if len(idea_ids) > ranking.BALLOT_SIZE:
        raise Refused("ideas.too_many", 422)
    if not user.is_verified:
        raise Refused("ideas.ballot_unverified")
    open_ids = set(db.session.scalars(sa.select(Idea.id).where(Idea.id.in_(idea_ids))))
    if open_ids != set(idea_ids):
        raise Refused("ideas.missing", 422)
    _write(user, idea_ids)


def _write(user: User, idea_ids: list[int]) -> None:
    """Rewrite the ballot's lines, move each idea's points by what its lines change, and log
    what the member changed."""
    trust = trust_of(user)
    old = ballot_of(user)
    old_ids = [entry.idea_id for entry in old]
    for entry in old:
        _add(entry.idea_id, -entry.points)
        db.session.delete(entry)
    db.session.flush()  # positions are unique per member: old lines go before new ones come
    for position, idea_id in enumerate(idea_ids, 1):
        points = ranking.borda_points(position) * trust
        db.session.add(PriorityEntry(user_id=user.id, idea_id=idea_id, position=position,
                                     points=points))
        _add(idea_id, points)
    for idea_id, rank in ranking.ballot_changes(old_ids, idea_ids):
        activity.record(user.id, ActivityKind.PRIORITY_CHANGED, ("idea", idea_id), rank)
    db.session.flush()


def reweigh(user: User) -> None:
    """Rewrite the points of the member's ballot lines from their weight now, moving each
    idea's aggregate by the difference (a change of standing; the ballot itself is unchanged
    and no activity is logged)."""
    trust = trust_of(user)
    for entry in ballot_of(user):
        points = ranking.borda_points(entry.position) * trust
        if points != entry.points:
            _add(entry.idea_id, points - entry.points)
            entry.points = points
    db.session.flush()


def _add(idea_id: int, points: float) -> None:
    db.session.execute(sa.update(Idea).where(Idea.id == idea_id)
                       .values(priority_score=Idea.priority_score + points))


def move(user: User, idea_id: int, offset: int) -> None:
    """Move one idea up (offset -1) or down (+1) in the member's ballot (no-JS buttons)."""
    ids = [e.idea_id for e in ballot_of(user)]
    if idea_id not in ids:
        return
    i = ids.index(idea_id)
    j = max(0, min(len(ids) - 1, i + offset))
    ids[i], ids[j] = ids[j], ids[i]
    set_ballot(user, ids)


def add(user: User, idea_id: int) -> None:
    """Put an idea at the end of the member's ballot."""
    ids = [e.idea_id for e in ballot_of(user)]
    if idea_id not in ids:
        set_ballot(user, [*ids, idea_id])


def remove(user: User, idea_id: int) -> None:
    """Take an idea off the member's ballot (the ideas below move up); nothing if not on it.
    Taking off is never refused: withdrawing a vote does it whatever the member's state."""
    ids = [e.idea_id for e in ballot_of(user)]
    if idea_id in ids:
        _write(user, [i for i in ids if i != idea_id])
