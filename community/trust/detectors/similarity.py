"""What the look-alike detectors share (co-voting rings, near-duplicate texts, sockpuppets):
candidate pairs of similar sets by MinHash LSH (the ``datasketch`` library), exact Jaccard to
verify them, and connected groups of linked keys.

Pure: no Flask, no database. ``candidate_pairs`` hashes every element once (O(e · num_perm)
for e elements in all), inserts and queries each set once in the LSH index (O(n · bands) for n
sets) and proposes at most ``limit`` candidates per set, so its output is O(n · limit) pairs
whatever the data (a flood of near-identical sets cannot make it quadratic in the pairs it
returns). ``groups`` walks the links once: O(p + n) for p links between n keys.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from datasketch import MinHash, MinHashLSH

SEED = 11  # fixed: the same events give the same MinHashes, hence the same findings
RECALL = 0.98  # the least chance that a pair exactly at the threshold becomes a candidate
LIMIT = 200  # candidates verified per set, at most (the lowest keys first)

K = TypeVar("K", bound=Hashable)


def jaccard(a: frozenset | set, b: frozenset | set) -> float:
    """|a ∩ b| / |a ∪ b|, and 0 for two empty sets."""
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


def lsh_bands(threshold: float, num_perm: int, recall: float = RECALL) -> tuple[int, int]:
    """The LSH bands and rows per band: the most rows (the fewest false candidates) such that
    two sets of Jaccard exactly ``threshold`` share a band with probability at least
    ``recall`` (1 − (1 − t^r)^b). Sets more similar than the threshold are found even more
    surely; exact verification then drops the false candidates. At least two bands."""
    for rows in range(num_perm // 2, 1, -1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


def minhash(elements: Iterable[Hashable], num_perm: int) -> MinHash:
    """The MinHash of a set, each element hashed as its ``str`` (seeded: reproducible)."""
    signature = _empty(num_perm).copy()
    signature.update_batch([str(x).encode() for x in elements])
    return signature


@functools.cache
def _empty(num_perm: int) -> MinHash:
    return MinHash(num_perm=num_perm, seed=SEED)  # its permutations are drawn once


def candidate_pairs(sets: Mapping[K, Iterable[Hashable]], threshold: float, num_perm: int,
                    limit: int = LIMIT) -> list[tuple[K, K]]:
    """Pairs ``(earlier, later)`` of keys (in sorted order) whose sets are likely to have a
    Jaccard similarity of ``threshold`` or more. Each set is queried against the sets before
    it, then inserted, so each pair comes once; deterministic (fixed seed, sorted keys)."""
    index = MinHashLSH(num_perm=num_perm, params=lsh_bands(threshold, num_perm))
    pairs: list[tuple[K, K]] = []
    for key in sorted(sets):
        signature = minhash(sets[key], num_perm)
        pairs.extend((other, key) for other in sorted(index.query(signature))[:limit])
        index.insert(key, signature)
    return pairs


def groups(pairs: Iterable[tuple[K, K]]) -> list[list[K]]:
    """The connected groups of the linked keys, each sorted, sorted by their first key; a key
    linked to nothing is in no group. The groups union-find would give, found by one walk
    over the links: O(p + n), with no ranks or path compression to get wrong."""
    linked: dict[K, list[K]] = defaultdict(list)
    for a, b in pairs:
        linked[a].append(b)
        linked[b].append(a)
    seen: set[K] = set()
    found = []
    for start in sorted(linked):
        if start in seen:
            continue
        seen.add(start)
        group, stack = [], [start]
        while stack:
            key = stack.pop()
            group.append(key)
            for other in linked[key]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(sorted(group))
    return found
