"""The facts about a voter that the trust rule (``community.trust.weights``) weighs: shared by
votes (``service``) and priorities (``priorities``), which both weigh a member's say."""

from __future__ import annotations

from datetime import datetime

from community.accounts.models import User
from community.trust import weights


def voter_facts(user: User, now: datetime) -> weights.Voter:
    """Plain facts about the member at ``now``, for ``weights.trust_weight``."""
    return weights.Voter(
        verified=user.is_verified,
        staff=user.is_staff,
        discounted=user.votes_discounted_at is not None,
        account_age_days=(now - user.created_at).total_seconds() / 86400,
    )
