"""A member's standing changed: every domain that stored what the member's say weighed writes it
again, in the same transaction.

What a vote or a review weighs is stored with it (so counters are relative updates and
``flask ideas recount`` agrees with them). When a member's standing changes (a moderator
discounts, suspends or restores the account, an open flag reduces its weight or is decided,
the trust level moves), whoever changed it calls :func:`reweigh` with the members concerned,
and each domain registered here rewrites its rows and counters for them
(``register_reweigher`` in its ``init_app``). The accounts layer knows no domain: it only keeps
the list.

The same door serves suspension: domains register how to hide a member's content and show it
again (``register_content``), and the caller keeps what was hidden so a restore undoes exactly
that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from community import registry
from community.accounts.models import User

Reweigher = Callable[[Sequence[int]], None]


def register_reweigher(name: str, reweigher: Reweigher) -> None:
    """``reweigher(user_ids)`` rewrites the stored weights of these members' votes or reviews
    from their current standing, and every counter they feed (flush, never commit)."""
    registry.table("reweighers")[name] = reweigher


def reweigh(user_ids: Iterable[int]) -> None:
    """Every domain rewrites what these members' say weighs, in the caller's transaction."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    for reweigher in registry.table("reweighers").values():
        reweigher(ids)


@dataclass(frozen=True)
class ContentKind:
    """How one domain hides a member's content on suspension, and shows it again.

    ``hide_all(actor, user_id, reason)`` hides what the member wrote that is visible and
    returns the ids it hid; ``show(actor, ids, reason)`` shows exactly those again."""

    hide_all: Callable[[User, int, str], list[int]]
    show: Callable[[User, Sequence[int], str], None]


def register_content(subject_type: str, kind: ContentKind) -> None:
    registry.table("member_content")[subject_type] = kind


def content_kinds() -> dict[str, ContentKind]:
    return dict(registry.table("member_content"))
