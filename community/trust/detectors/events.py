"""The plain events every detector reads, built by ``flask trust scan`` from the activity log and
from what content domains register as trust sources (``community/trust/sources.py``), and by
``bench/trust_eval.py`` from a labeled file. Pure: dataclasses only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Subject = tuple[str, int]  # ("idea", 12), ("review", 40), ("account", 7), ("product", 3)


@dataclass(frozen=True)
class Account:
    """An account as the detectors see it."""

    id: int
    created_at: datetime
    staff: bool = False
    verified: bool = True
    discounted: bool = False  # a moderator discounted the account's say


@dataclass(frozen=True)
class Vote:
    """A vote standing at scan time (cast or changed; a withdrawn vote is no event)."""

    account_id: int
    subject: Subject  # ("idea", 12)
    at: datetime
    value: int = 1  # its importance


@dataclass(frozen=True)
class Rating:
    """A product review's rating."""

    review_id: int
    account_id: int
    product_id: int
    rating: int  # 1..5
    at: datetime
    product_launched_at: datetime | None = None


@dataclass(frozen=True)
class Text:
    """A text a member wrote: a review, an idea, a post."""

    subject: Subject  # ("review", 40), ("idea", 12), ("post", 99)
    account_id: int
    at: datetime
    text: str
    product_launched_at: datetime | None = None  # set for a review
    claimed_since: datetime | None = None  # a review's "using it since"


@dataclass(frozen=True)
class Trace:
    """One keyed hash of where an account acted from (never an address or a device id)."""

    account_id: int
    kind: str  # "net" or "device"
    hash: str
    at: datetime


@dataclass(frozen=True)
class Interaction:
    """An account acting on another account's content: a vote for their idea, a reply to
    their post, a helpful mark, a review praising what they wrote."""

    account_id: int
    target_account_id: int
    kind: str  # "vote", "reply", "helpful"
    subject: Subject
    at: datetime
