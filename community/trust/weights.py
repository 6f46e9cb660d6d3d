"""How much a member's vote counts in the crowd's rankings: one pure rule, used everywhere.

No Flask, no database: ``community.ideas`` passes plain facts about the voter.
"""

from __future__ import annotations

from dataclasses import dataclass

NEW_ACCOUNT_WEIGHT = 0.5


@dataclass(frozen=True)
class Voter:
    verified: bool
    staff: bool
    discounted: bool  # a moderator discounted this member's votes
    account_age_days: float


def trust_weight(voter: Voter, established_after_days: float) -> float:
    """0 for unverified, staff (their votes are shown apart) and discounted members; 0.5 for
    accounts younger than ``established_after_days``; 1 for established members."""
    if not voter.verified or voter.staff or voter.discounted:
        return 0.0
    if voter.account_age_days < established_after_days:
        return NEW_ACCOUNT_WEIGHT
    return 1.0


def is_established(voter: Voter, established_after_days: float) -> bool:
    """Verified, not discounted, and old enough: the "from established members" count."""
    return trust_weight(voter, established_after_days) == 1.0
