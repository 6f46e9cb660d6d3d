"""Detectors: pure functions from plain events to findings (no Flask, no database), each
O(n log n) or better in the number of events. ``flask trust scan`` feeds them the activity log
and turns their findings into moderation flags; they are tested on small constructed event
sets and evaluated on labeled data (docs/TRUST.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One detector's suspicion about some subjects, with what a moderator needs to see why.

    ``subjects`` are ``(type, id)`` pairs (``("account", 12)``, ``("review", 40)``); ``score``
    is in [0, 1]; ``evidence`` is plain, JSON-able data (never an address or a device id)."""

    detector: str
    subjects: tuple[tuple[str, int], ...]
    score: float
    evidence: dict = field(default_factory=dict)
