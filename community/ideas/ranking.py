"""Idea ranking rules: pure functions, no Flask, no database.

Every ranking Cercle shows is computed here, from plain values, so that the rules can be read,
tested and explained on the public "how ranking works" page:

- a vote's weight is ``importance x voter trust weight`` (importance 1 nice-to-have,
  2 important, 3 critical; the trust weight comes from ``community.trust.weights``);
- **top** is the sum of the weights;
- **trending** is the sum of ``weight * 2 ** ((t - epoch) / half_life)``: each vote adds its
  term once, at the time it is cast, and ordering by the stored sum is the same as ordering by
  the exponentially decayed score at any common "now" (the stored-exponent trick: no decay job);
- **members' priorities** is a trust-weighted Borda count over members' ordered ballots of up to
  ten ideas: position 1 earns 10 points, position 10 earns 1.
Ties are broken by more votes, then the older idea, then the lower id, so an order is total
and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

IMPORTANCE = {1: "nice_to_have", 2: "important", 3: "critical"}
BALLOT_SIZE = 10


def vote_weight(importance: int, trust_weight: float) -> float:
    """The weight a vote adds to an idea's top score: importance (1-3) x trust weight (0-1)."""
    if importance not in IMPORTANCE:
        raise ValueError(f"importance must be 1, 2 or 3, not {importance!r}")
    if not 0.0 <= trust_weight <= 1.0:
        raise ValueError(f"trust weight must be within [0, 1], not {trust_weight!r}")
    return importance * trust_weight


TRENDING_SCALE = 2**10
# Votes rebase first once the epoch is 24 (= 40 - 16) half-lives old, so a term stays under
# 3 x 2**10 x 2**24 (about 2**36): a sum of millions of votes stays far within 64 bits.
TRENDING_MAX_HALF_LIVES = 40
# A rebase moves the epoch this many half-lives forward and divides every term by 2**this.
TRENDING_REBASE_HALF_LIVES = 16


def trending_term(weight: float, at: datetime, epoch: datetime, half_life_hours: float) -> int:
    """The term a vote cast at ``at`` adds to (or, unvoted, removes from) the trending sum.

    ``round(weight * 2 ** (hours since epoch / half_life) * 2**10)``, an integer, so that sums
    are exact and a recount agrees to the unit. Dividing every idea's sum by the same
    ``2 ** (now / half_life)`` gives the decayed score, so the order is the same at any now.
    Past ``TRENDING_MAX_HALF_LIVES`` half-lives since the epoch the caller moves the epoch
    forward first (see :func:`needs_rebase`).
    """
    hours = (at - epoch).total_seconds() / 3600.0
    return round(weight * 2.0 ** (hours / half_life_hours) * TRENDING_SCALE)


def needs_rebase(now: datetime, epoch: datetime, half_life_hours: float) -> bool:
    """True once ``now`` is more than ``TRENDING_MAX_HALF_LIVES - TRENDING_REBASE_HALF_LIVES``
    half-lives past the epoch: time to move it forward (daily maintenance does, well before
    any term could overflow)."""
    hours = (now - epoch).total_seconds() / 3600.0
    return hours / half_life_hours > TRENDING_MAX_HALF_LIVES - TRENDING_REBASE_HALF_LIVES


def decayed(trending_sum: int, now: datetime, epoch: datetime, half_life_hours: float) -> float:
    """The trending sum expressed at ``now`` (for display: weight-worth of recent interest)."""
    hours = (now - epoch).total_seconds() / 3600.0
    return trending_sum / TRENDING_SCALE / 2.0 ** (hours / half_life_hours)


def borda_points(position: int) -> int:
    """Points for a ballot position (1-based): 1st earns 10, 10th earns 1."""
    if not 1 <= position <= BALLOT_SIZE:
        raise ValueError(f"position must be within 1..{BALLOT_SIZE}, not {position!r}")
    return BALLOT_SIZE + 1 - position


@dataclass(frozen=True)
class BallotEntry:
    member_id: int
    idea_id: int
    position: int
    trust_weight: float


def borda(entries: Iterable[BallotEntry]) -> dict[int, float]:
    """Trust-weighted Borda totals per idea: the sum of points x the member's trust weight."""
    totals: dict[int, float] = {}
    for entry in entries:
        totals[entry.idea_id] = totals.get(entry.idea_id, 0.0) + (
            borda_points(entry.position) * entry.trust_weight
        )
    return totals


def ballot_changes(old: list[int], new: list[int]) -> list[tuple[int, int | None]]:
    """What a member did to their ballot, as (idea id, new rank or None if removed): the
    fewest changes that turn the ``old`` order (idea ids, best first) into the ``new`` one.

    An idea added counts with its rank, an idea removed with None. Of the ideas on both, those
    in the longest run still in their old relative order stayed put, whatever their rank now;
    the others moved and count with their new rank. So dragging one idea from 10th to 1st is
    one change, not ten, and ideas that only slide because another came or went are none. Of
    equally long runs, the one ending last in the new order is kept: of two neighbours swapped,
    the one that rose is the one that moved. The changes come in new order, removals last in
    old order; equal ballots give none.
    """
    was = {idea_id: position for position, idea_id in enumerate(old)}
    kept = [idea_id for idea_id in new if idea_id in was]
    # Longest run of kept ideas in increasing old position (a ballot holds ten: n² is nothing).
    length, before = [1] * len(kept), [-1] * len(kept)
    for i in range(len(kept)):
        for j in range(i):
            if was[kept[j]] < was[kept[i]] and length[j] + 1 > length[i]:
                length[i], before[i] = length[j] + 1, j
    stayed: set[int] = set()
    i = max(reversed(range(len(kept))), key=length.__getitem__, default=-1)
    while i >= 0:
        stayed.add(kept[i])
        i = before[i]
    changes: list[tuple[int, int | None]] = [
        (idea_id, rank) for rank, idea_id in enumerate(new, 1) if idea_id not in stayed]
    removed = set(old) - set(new)
    return changes + [(idea_id, None) for idea_id in old if idea_id in removed]


@dataclass(frozen=True)
class Ranked:
    idea_id: int
    score: float
    votes: int
    created_at: datetime


def order(ideas: Iterable[Ranked]) -> list[int]:
    """Idea ids best first: higher score, then more votes, then older, then lower id."""
    return [
        r.idea_id
        for r in sorted(ideas, key=lambda r: (-r.score, -r.votes, r.created_at, r.idea_id))
    ]


@dataclass(frozen=True)
class VoteValue:
    member_id: int
    importance: int
    why: str | None


def merge_votes(target: Iterable[VoteValue], source: Iterable[VoteValue]) -> tuple[
    list[VoteValue], list[VoteValue]
]:
    """Votes of a duplicate moving into the idea it duplicates.

    Returns (votes to move, votes to update on the target). A member who voted only on the
    duplicate moves with their vote; a member who voted both keeps one vote, with the higher
    importance and, if the target's vote had no "why", the duplicate's.
    """
    kept = {v.member_id: v for v in target}
    moves, updates = [], []
    for vote in source:
        existing = kept.get(vote.member_id)
        if existing is None:
            moves.append(vote)
            continue
        importance = max(existing.importance, vote.importance)
        why = existing.why or vote.why
        if (importance, why) != (existing.importance, existing.why):
            updates.append(VoteValue(vote.member_id, importance, why))
    return moves, updates
