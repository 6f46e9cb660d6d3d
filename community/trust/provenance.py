"""The public /trust figures: honest numbers on whether the crowd is real.

For one calendar month (UTC): the sign-ups the door refused, by rule; the flags opened (by the
detectors, by members' reports) and decided (dismissed, actioned); the accounts moderators
discounted, suspended and restored. And, now: how many votes and reviews count for nothing
because their author was discounted or suspended. Trust is a platform service and knows no
content domain, so those last counts come from the domains: each registers a counter in its
``init_app`` (``register_discounted_counter``). Counts only: no name, no address, no id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from community import registry
from community.accounts.models import User
from community.extensions import db
from community.moderation.models import AuditEntry, Flag, FlagKind, FlagState
from community.trust.models import TrustEvent, TrustEventKind

DiscountedCounter = Callable[[], dict[str, int]]

# The door's rules (``trust/door.py``), in the order it checks them, as the public reads them.
RULE_LABELS = {
    "disposable_email": _l("Disposable e-mail address"),
    "duplicate_email": _l("E-mail address already registered"),
    "honeypot": _l("Hidden field filled in (a robot)"),
    "form_token": _l("Form expired or tampered with"),
    "too_fast": _l("Form sent back too fast for a person"),
    "network_velocity": _l("Too many sign-ups from one network"),
    "device_velocity": _l("Too many sign-ups from one device"),
    "domain_burst": _l("Burst of sign-ups at one e-mail domain"),
    "counter_batch": _l("Numbered series of names or addresses"),
}
# The audit actions counted (accounts, each once per month and action).
ACCOUNT_ACTIONS = ("account.discount", "account.suspend", "account.restore")
EARLIEST = date(2000, 1, 1)  # no month before this one is asked for
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def register_discounted_counter(name: str, counter: DiscountedCounter) -> None:
    """``counter()`` returns what of the domain's content counts for nothing now because a
    moderator discounted or suspended its author, by kind (``{"votes": 12}``). Called by the
    /trust page; keep it to one COUNT query."""
    registry.table("discounted_counters")[name] = counter


def discounted_now() -> dict[str, int]:
    """Every registered counter's figures, by kind (summed when two domains give one kind)."""
    total: dict[str, int] = {}
    for counter in registry.table("discounted_counters").values():
        for kind, n in counter().items():
            total[kind] = total.get(kind, 0) + int(n or 0)
    return total


def parse_month(text: str | None, today: date) -> date:
    """The first day of the month ``YYYY-MM`` names; the current month when the text is
    missing, malformed, before ``EARLIEST`` or after the current month."""
    current = today.replace(day=1)
    match = _MONTH.fullmatch(text or "")
    if not match:
        return current
    try:
        month = date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return current
    return month if EARLIEST <= month <= current else current


def first_month(current: date) -> date:
    """The month the first member joined (the earliest with anything to count), else the
    current one: the page links no further back."""
    first = db.session.scalar(sa.select(sa.func.min(User.created_at)))
    return max(EARLIEST, min(current, first.date().replace(day=1))) if first else current


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@dataclass(frozen=True)
class Refused:
    rule: str
    label: object  # a lazy string, or the rule's code for a rule this page has no words for
    count: int


@dataclass(frozen=True)
class Figures:
    month: date  # its first day
    refused: list[Refused]  # every rule of the door, then any other rule seen in the month
    flags_opened: dict[str, int]  # "detector", "member_report"
    flags_decided: dict[str, int]  # "dismissed", "actioned"
    accounts: dict[str, int]  # "account.discount", "account.suspend", "account.restore"
    discounted: dict[str, int]  # now, by kind of content ("votes", "reviews")

    @property
    def refused_total(self) -> int:
        return sum(r.count for r in self.refused)


def figures(month: date) -> Figures:
    """The month's figures, in four grouped queries plus one per registered counter."""
    start = datetime(month.year, month.month, 1)
    nxt = next_month(month)
    end = datetime(nxt.year, nxt.month, 1)

    refused = dict(db.session.execute(
        sa.select(TrustEvent.rule, sa.func.count())
        .where(TrustEvent.kind == TrustEventKind.SIGNUP_REFUSED,
               TrustEvent.created_at >= start, TrustEvent.created_at < end)
        .group_by(TrustEvent.rule)).all())
    rows = [Refused(rule, label, int(refused.pop(rule, 0))) for rule, label in RULE_LABELS.items()]
    rows += [Refused(rule, rule, int(n)) for rule, n in sorted(refused.items())]

    opened = {kind.value: 0 for kind in (FlagKind.DETECTOR, FlagKind.MEMBER_REPORT)}
    for kind, n in db.session.execute(
            sa.select(Flag.kind, sa.func.count())
            .where(Flag.created_at >= start, Flag.created_at < end).group_by(Flag.kind)):
        opened[kind.value] = opened.get(kind.value, 0) + int(n)

    decided = {state.value: 0 for state in (FlagState.DISMISSED, FlagState.ACTIONED)}
    for state, n in db.session.execute(
            sa.select(Flag.state, sa.func.count())
            .where(Flag.state != FlagState.OPEN, Flag.decided_at >= start, Flag.decided_at < end)
            .group_by(Flag.state)):
        decided[state.value] = decided.get(state.value, 0) + int(n)

    accounts = dict.fromkeys(ACCOUNT_ACTIONS, 0)
    accounts.update({action: int(n) for action, n in db.session.execute(
        sa.select(AuditEntry.action, sa.func.count(sa.distinct(AuditEntry.subject_id)))
        .where(AuditEntry.action.in_(ACCOUNT_ACTIONS),
               AuditEntry.created_at >= start, AuditEntry.created_at < end)
        .group_by(AuditEntry.action))})

    return Figures(month, rows, opened, decided, accounts, discounted_now())
