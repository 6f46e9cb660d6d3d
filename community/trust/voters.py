"""The facts about a member that the trust rule (``community.trust.weights``) weighs, read
from the accounts table: shared by idea votes, priorities and reviews, which all weigh a
member's say."""

from __future__ import annotations

from flask import current_app

from community.accounts.models import User
from community.trust import weights


def voter_facts(user: User) -> weights.Voter:
    """Plain facts about the member's standing now, for ``weights``."""
    return weights.Voter(
        verified=user.is_verified,
        staff=user.is_staff,
        discounted=user.votes_discounted_at is not None,
        level=user.trust_level or 0,
        suspended=user.suspended_at is not None,
        reduced=bool(user.weight_reduced),
    )


def trust_of(user: User) -> float:
    """The member's weight in the rankings now (the configured reduced weight applied)."""
    return weights.trust_weight(voter_facts(user), current_app.config["TRUST_REDUCED_WEIGHT"])


def review_weight_of(user: User) -> float:
    """What the member's reviews weigh in averages now."""
    return weights.review_weight(voter_facts(user), current_app.config["TRUST_REDUCED_WEIGHT"])
