"""Sockpuppets: accounts acting from one device or one network that vote for, reply to or mark
helpful each other's content (a member propping up their own ideas with a second account).

Pure: plain events in, findings out. How:

1. The traces group accounts by keyed hash: a **device** (one browser) is strong evidence that
   two accounts are one person; a **network** is weak: a home is shared by a family, an office
   by colleagues, a university's NAT by hundreds. Sharing alone is never a finding.
2. Only pairs that also act on each other's content count: each interaction is weighed by its
   kind (a vote or a helpful mark is support, a reply may as well be disagreement: half).
3. A pair's score is link × support / (support + ``support_half``) × one-way share, where
   link is ``device_weight`` for a shared device (more accounts on one browser is no excuse)
   and ``network_weight`` × 2 / (accounts behind the network) for a shared network (a pair
   alone on a home network counts fully, fifty behind a NAT a twenty-fifth), the strongest
   shared hash deciding; support is the weighted count of their interactions (both ways), and
   the one-way share is the larger direction's part of it (1 when one props the other up, 0.5
   when they support each other evenly). A pair is suspicious from ``min_support`` weighted
   interactions and a score of ``min_score``.
4. Suspicious pairs link accounts into connected groups (union-find's grouping,
   ``similarity.groups``); one finding per group, scored by its strongest pair.

Two colleagues behind one office network who vote differently are no finding (no support, or a
few replies: below ``min_support``); an office of ten where one votes for another's ideas six
times scores 0.5 × 2/10 × 6/9 = 0.067, far below ``min_score``; a second account on the same
browser voting three times for the first scores 1 × 3/6 × 1 = 0.5.

The evidence says which kind of hash is shared ("same device", "same network") and how many
accounts are behind it, never the hash; each direction's interactions by kind, with their
count, first and last time and the content they were on (for the first ``max_pairs`` pairs).

Cost: grouping the traces O(t); one pass over the interactions, the shared hashes of each
interacting pair computed once (O(h) for h hashes per account); sorting the pairs and findings
O(p log p). O(n log n) in all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from community.trust.detectors import Finding
from community.trust.detectors.events import Interaction, Trace
from community.trust.detectors.similarity import groups

NAME = "sockpuppets"
LABELS = {"device": "same device", "net": "same network"}


@dataclass(frozen=True)
class Settings:
    device_weight: float = 1.0  # the link of a shared device (one browser)
    network_weight: float = 0.5  # the link of a network two accounts alone share
    vote_weight: float = 1.0  # how much support one vote is
    helpful_weight: float = 1.0  # …one helpful mark
    reply_weight: float = 0.5  # …one reply (it may disagree)
    support_half: float = 3.0  # the weighted support at which the support factor is one half
    min_support: float = 2.0  # less weighted support is conversation, not propping up
    min_score: float = 0.2  # the least score of a suspicious pair
    max_pairs: int = 100  # suspicious pairs listed in a finding's evidence, at most


@dataclass(frozen=True)
class _Pair:
    a: int
    b: int
    shared: tuple[str, ...]  # the kinds shared, strongest first
    behind: int  # accounts behind the strongest shared hash
    support: float
    one_way: float
    score: float
    interactions: tuple[Interaction, ...]


def detect(traces: Iterable[Trace], interactions: Iterable[Interaction], *,
           settings: Settings = Settings()) -> list[Finding]:
    """One finding per group of accounts linked by suspicious pairs, the highest score first."""
    s = settings
    hashes_of: dict[int, set[tuple[str, str]]] = defaultdict(set)
    behind: dict[tuple[str, str], set[int]] = defaultdict(set)
    for trace in traces:
        if trace.kind in LABELS:
            hashes_of[trace.account_id].add((trace.kind, trace.hash))
            behind[(trace.kind, trace.hash)].add(trace.account_id)
    weights = {"vote": s.vote_weight, "helpful": s.helpful_weight, "reply": s.reply_weight}

    def link(key: tuple[str, str]) -> float:
        if key[0] == "device":
            return s.device_weight
        return s.network_weight * 2 / len(behind[key])

    acts: dict[tuple[int, int], list[Interaction]] = defaultdict(list)
    shares: dict[tuple[int, int], bool] = {}
    for act in interactions:
        a, b = sorted((act.account_id, act.target_account_id))
        if a == b:
            continue
        if (a, b) not in shares:
            shares[a, b] = bool(hashes_of.get(a, set()) & hashes_of.get(b, set()))
        if shares[a, b]:
            acts[a, b].append(act)

    suspicious: list[_Pair] = []
    for (a, b), items in acts.items():
        keys = sorted(hashes_of[a] & hashes_of[b], key=lambda k: (-link(k), k))
        strength = link(keys[0])
        forward = sum(weights.get(i.kind, 0.0) for i in items if i.account_id == a)
        backward = sum(weights.get(i.kind, 0.0) for i in items if i.account_id == b)
        support = forward + backward
        if support < s.min_support:
            continue
        one_way = max(forward, backward) / support
        score = strength * support / (support + s.support_half) * one_way
        if score < s.min_score:
            continue
        shared = tuple(dict.fromkeys(LABELS[kind] for kind, _ in keys))
        suspicious.append(_Pair(a, b, shared, len(behind[keys[0]]), support, one_way, score,
                                tuple(items)))

    group_of = {}
    for number, members in enumerate(groups((p.a, p.b) for p in suspicious)):
        for member in members:
            group_of[member] = number
    pairs_of: dict[int, list[_Pair]] = defaultdict(list)
    for pair in suspicious:
        pairs_of[group_of[pair.a]].append(pair)
    findings = [_finding(pairs, s) for pairs in pairs_of.values()]
    findings.sort(key=lambda f: (-f.score, f.subjects))
    return findings


def _finding(pairs: list[_Pair], s: Settings) -> Finding:
    members = sorted({p.a for p in pairs} | {p.b for p in pairs})
    pairs = sorted(pairs, key=lambda p: (p.a, p.b))
    return Finding(
        detector=NAME,
        subjects=tuple(("account", m) for m in members),
        score=round(max(p.score for p in pairs), 3),
        evidence={
            "accounts": members,
            "pair_count": len(pairs),
            "pairs": [{"accounts": [p.a, p.b], "shared": list(p.shared),
                       "accounts_behind": p.behind, "support": round(p.support, 2),
                       "one_way": round(p.one_way, 3), "score": round(p.score, 3),
                       "interactions": _directions(p.interactions)}
                      for p in pairs[:s.max_pairs]],
        })


def _directions(items: tuple[Interaction, ...]) -> list[dict]:
    """Per direction and kind: the count, first and last time, and the content acted on."""
    by: dict[tuple[int, int, str], list[Interaction]] = defaultdict(list)
    for item in items:
        by[item.account_id, item.target_account_id, item.kind].append(item)
    rows = []
    for (source, target, kind), acts in sorted(by.items()):
        times = sorted(a.at for a in acts)
        rows.append({"from": source, "to": target, "kind": kind, "count": len(acts),
                     "first": _iso(times[0]), "last": _iso(times[-1]),
                     "subjects": [list(x) for x in sorted({a.subject for a in acts})]})
    return rows


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
