"""The door: pure rules that decide whether a signup is refused.

No Flask, no database. The service (``community.trust.service``) gathers the attempt and the
recent counts, calls :func:`check_signup`, and logs each refusal as a ``TrustEvent``.
Thresholds come in as a :class:`DoorLimits`, built from configuration.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from disposable_email_domains import blocklist as _DISPOSABLE

_COUNTER = re.compile(r"^(?P<stem>.*?)[\W_]*(?P<counter>\d+)$")


@dataclass(frozen=True)
class DoorLimits:
    min_seconds: float = 3.0
    max_per_network: int = 3
    max_per_device: int = 3
    max_per_domain: int = 10
    counter_batch: int = 3


@dataclass(frozen=True)
class SignupAttempt:
    """What the door knows of one signup form that came back."""

    email_domain: str
    honeypot: str
    elapsed_seconds: float | None  # None when the form's signed timestamp is missing or forged
    invited: bool = False


@dataclass(frozen=True)
class RecentCounts:
    """Accepted signups in the configured windows that share something with the attempt."""

    same_network: int = 0
    same_device: int = 0
    same_domain: int = 0
    same_name_stem: int = 0
    same_email_stem: int = 0
    duplicate_email: bool = False


@dataclass(frozen=True)
class Refusal:
    rule: str
    evidence: dict


def is_disposable(domain: str) -> bool:
    """True when the domain, or a parent domain, is on the disposable-email-domains list."""
    labels = domain.lower().strip(".").split(".")
    return any(".".join(labels[i:]) in _DISPOSABLE for i in range(len(labels) - 1))


def counter_stem(name: str) -> str | None:
    """The stem of a name that ends in a counter, else None.

    ``alice01`` -> ``alice``; ``Alice Martin 7`` -> ``alicemartin``; ``alice`` -> None;
    ``2024`` -> None (no stem left). Accents and case are folded so ``Élise1``/``elise2`` match.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"\s+", "", folded)
    match = _COUNTER.match(folded)
    if not match:
        return None
    stem = re.sub(r"[\W_]+", "", match.group("stem"))
    return stem or None


def check_signup(
    attempt: SignupAttempt, counts: RecentCounts, limits: DoorLimits
) -> list[Refusal]:
    """Every rule the attempt breaks, cheapest first; an empty list lets it in.

    Rules: disposable domain; normalized duplicate e-mail; honeypot filled; form returned in
    under ``min_seconds`` (or its timestamp missing/forged); and, unless the signup comes with
    a valid invitation, ``max_per_network``/``max_per_device``/``max_per_domain`` accepted
    signups already in the window, or ``counter_batch - 1`` names with the same stem and a
    counter already in the window (so the ``counter_batch``-th is refused).
    """
    found: list[Refusal] = []
    if is_disposable(attempt.email_domain):
        found.append(Refusal("disposable_email", {"domain": attempt.email_domain}))
    if counts.duplicate_email:
        found.append(Refusal("duplicate_email", {}))
    if attempt.honeypot:
        found.append(Refusal("honeypot", {"length": len(attempt.honeypot)}))
    if attempt.elapsed_seconds is None:
        found.append(Refusal("form_token", {}))
    elif attempt.elapsed_seconds < limits.min_seconds:
        found.append(
            Refusal("too_fast", {"seconds": round(attempt.elapsed_seconds, 2),
                                 "minimum": limits.min_seconds})
        )
    if attempt.invited:
        return found
    for rule, count, limit in (
        ("network_velocity", counts.same_network, limits.max_per_network),
        ("device_velocity", counts.same_device, limits.max_per_device),
        ("domain_burst", counts.same_domain, limits.max_per_domain),
    ):
        if count >= limit:
            found.append(Refusal(rule, {"recent": count, "limit": limit}))
    batch = max(counts.same_name_stem, counts.same_email_stem)
    if batch >= limits.counter_batch - 1:
        found.append(Refusal("counter_batch", {"recent": batch, "limit": limits.counter_batch}))
    return found
