"""How much a member's vote or review counts in the crowd's rankings: one pure rule, used
everywhere (idea rankings, priorities, review averages).

No Flask, no database: content domains pass plain facts about the member (``Voter``).

- Unverified members, staff (their votes are shown apart), discounted and suspended members
  weigh 0.
- Otherwise the member's trust level sets the weight (``LEVEL_WEIGHTS``): a new account counts
  half, a basic member three quarters, members and regulars fully.
- While an open flag above TRUST_REDUCE_AT names the account (``Voter.reduced``), it counts at
  most ``reduced`` (default 0.25) until a moderator decides: an attack is blunted before anyone
  looks.
- *Established* (the "trusted votes only" ranking and the provenance counts): a member who
  earned a level (basic or above: more than the door let in) and is under no open flag.
"""

from __future__ import annotations

from dataclasses import dataclass

NEW, BASIC, MEMBER, REGULAR = 0, 1, 2, 3
LEVELS = (NEW, BASIC, MEMBER, REGULAR)
LEVEL_WEIGHTS = {NEW: 0.5, BASIC: 0.75, MEMBER: 1.0, REGULAR: 1.0}
DEFAULT_REDUCED_WEIGHT = 0.25


@dataclass(frozen=True)
class Voter:
    verified: bool
    staff: bool
    discounted: bool  # a moderator discounted this member's votes and reviews
    level: int = NEW
    suspended: bool = False
    reduced: bool = False  # under an open flag above TRUST_REDUCE_AT


def counts(voter: Voter) -> bool:
    """Whether the member's say counts at all."""
    return voter.verified and not (voter.staff or voter.discounted or voter.suspended)


def trust_weight(voter: Voter, reduced_weight: float = DEFAULT_REDUCED_WEIGHT) -> float:
    """The member's weight in [0, 1] (see the module's rules)."""
    if not counts(voter):
        return 0.0
    weight = LEVEL_WEIGHTS[voter.level] if voter.level in LEVEL_WEIGHTS else LEVEL_WEIGHTS[NEW]
    if voter.reduced:
        weight = min(weight, max(0.0, reduced_weight))
    return weight


def is_established(voter: Voter) -> bool:
    """Counts, has earned a level (basic or above), and is under no open flag: the "trusted
    votes only" ranking and the "from established members" counts."""
    return counts(voter) and voter.level >= BASIC and not voter.reduced


def review_weight(voter: Voter, reduced_weight: float = DEFAULT_REDUCED_WEIGHT) -> float:
    """A review's weight in its product's average: 1, ``reduced_weight`` under an open flag,
    0 once discounted or suspended. The level does not enter: a review is one member's
    experience, and a new member's is as real as anyone's (staff reviews are shown apart by
    the reviews domain, not weighed here)."""
    if voter.discounted or voter.suspended:
        return 0.0
    return min(1.0, max(0.0, reduced_weight)) if voter.reduced else 1.0
