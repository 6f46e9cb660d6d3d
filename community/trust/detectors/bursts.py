"""Bursts: votes or reviews on one subject arriving far above that subject's own baseline,
mostly from young accounts (a launch "seeded" by fresh sign-ups, a vendor buying votes).

Pure: plain events in, findings out. The events are grouped by subject and each group sorted
by time (O(n log n)); one sliding window then walks each group (O(n)).

For each subject, a window of ``window`` length is compared with the subject's own rate over
the ``baseline`` before it (with a floor, so a quiet subject's first votes are not all a
"burst"): the window is a burst when it holds at least ``min_events``, far more than the
baseline predicts (``expected + spread * sqrt(expected)``, a Poisson-like margin), and when at
least ``young_share`` of its accounts were younger than ``young_age`` when they acted. A real
launch spike from established accounts, or a popular idea among long-time members, is not a
burst: the young share is what sets a faked crowd apart. Overlapping windows of one subject
give one finding (the densest window), with the accounts in it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from community.trust.detectors import Finding

NAME = "burst"


@dataclass(frozen=True)
class Action:
    """One vote or review on a subject, with the acting account's creation time."""

    subject: tuple[str, int]  # ("idea", 12), ("product", 3)
    account_id: int
    at: datetime
    account_created_at: datetime


@dataclass(frozen=True)
class Settings:
    window: timedelta = timedelta(hours=24)
    baseline: timedelta = timedelta(days=30)
    min_events: int = 8
    spread: float = 4.0  # how many "standard deviations" above the expected count
    floor_per_window: float = 1.0  # the least rate a subject is assumed to have
    young_age: timedelta = timedelta(days=7)
    young_share: float = 0.6


def detect(actions: Iterable[Action], settings: Settings = Settings()) -> list[Finding]:
    by_subject: dict[tuple[str, int], list[Action]] = defaultdict(list)
    for action in actions:
        by_subject[action.subject].append(action)
    findings = []
    for subject, items in by_subject.items():
        items.sort(key=lambda a: (a.at, a.account_id))
        finding = _densest_burst(subject, items, settings)
        if finding is not None:
            findings.append(finding)
    return findings


def _densest_burst(subject, items: list[Action], s: Settings) -> Finding | None:
    times = [a.at for a in items]
    young = [a.at - a.account_created_at < s.young_age for a in items]
    young_prefix = [0]
    for flag in young:
        young_prefix.append(young_prefix[-1] + flag)
    best = None
    start = 0
    for end in range(len(items)):  # the window ending at items[end]
        while times[end] - times[start] > s.window:
            start += 1
        count = end - start + 1
        if count < s.min_events:
            continue
        window_start = times[start]
        history_from = bisect_left(times, window_start - s.baseline)
        before = start - history_from
        seen_for = min(s.baseline, window_start - times[0]) if start > 0 else timedelta(0)
        per_window = before * (s.window / seen_for) if seen_for > timedelta(0) else 0.0
        expected = max(per_window, s.floor_per_window)
        threshold = expected + s.spread * math.sqrt(expected)
        young_count = young_prefix[end + 1] - young_prefix[start]
        if count <= threshold or young_count < s.young_share * count:
            continue
        surprise = count / threshold
        if best is None or surprise > best[0]:
            best = (surprise, start, end, expected, young_count)
    if best is None:
        return None
    surprise, start, end, expected, young_count = best
    window = items[start:end + 1]
    count = len(window)
    share = young_count / count
    # Score: how young the crowd is, times how far above its baseline (saturating).
    score = share * (1 - 1 / (1 + math.log1p(surprise)))
    accounts = sorted({a.account_id for a in window})
    return Finding(
        detector=NAME,
        subjects=(subject, *(("account", a) for a in accounts)),
        score=round(min(1.0, max(0.0, score)), 3),
        evidence={
            "from": window[0].at.isoformat(timespec="seconds"),
            "to": window[-1].at.isoformat(timespec="seconds"),
            "count": count,
            "expected": round(expected, 2),
            "young_share": round(share, 2),
            "accounts": [{"account": a.account_id,
                          "age_days": round((a.at - a.account_created_at).total_seconds()
                                            / 86400, 1)} for a in window],
        })
