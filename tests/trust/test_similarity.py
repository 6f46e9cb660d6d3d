"""The look-alike detectors' shared tools: LSH bands, candidate pairs, Jaccard, groups."""

import pytest
from datasketch import MinHash

from community.trust.detectors.similarity import (
    LIMIT,
    RECALL,
    SEED,
    candidate_pairs,
    groups,
    jaccard,
    lsh_bands,
    minhash,
)


def test_the_constants():
    assert (SEED, RECALL, LIMIT) == (11, 0.98, 200)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ({1, 2, 3}, {2, 3, 4}, 0.5),
    ({1, 2}, {1, 2}, 1.0),
    ({1}, {2}, 0.0),
    ({1}, set(), 0.0),
    (set(), set(), 0.0),
    (frozenset({1, 2, 3, 4}), frozenset({1, 2, 3, 5}), 0.6),
])
def test_jaccard(a, b, expected):
    assert jaccard(a, b) == expected


@pytest.mark.parametrize(("threshold", "num_perm", "recall", "expected"), [
    (0.6, 128, RECALL, (32, 4)),  # 1 - (1 - 0.6^4)^32 = 0.988; 5 rows only 0.869
    (0.7, 128, RECALL, (25, 5)),  # 0.990; 6 rows only 0.928
    (0.3, 128, RECALL, (64, 2)),  # 0.9976
    (1.0, 128, RECALL, (2, 64)),  # the most rows, two bands at least
    (1.0, 128, 1.0, (2, 64)),  # exactly the recall is enough
    (0.6, 128, 0.99, (42, 3)),
    (0.1, 8, RECALL, (8, 1)),  # no banding reaches it: one row per band
])
def test_lsh_bands(threshold, num_perm, recall, expected):
    assert lsh_bands(threshold, num_perm, recall) == expected


def test_lsh_bands_default_recall():
    assert lsh_bands(0.6, 128) == (32, 4)


def test_candidate_pairs_find_similar_sets_once_in_key_order():
    sets = {5: {"a", "b", "c", "d"}, 2: {"a", "b", "c", "d"}, 9: {"x", "y", "z", "w"},
            7: {"a", "b", "c", "d", "e"}}
    assert candidate_pairs(sets, 0.6, 128) == [(2, 5), (2, 7), (5, 7)]


def test_candidate_pairs_hash_elements_as_text():
    sets = {1: [("idea", 1), ("idea", 2)], 2: [("idea", 1), ("idea", 2)], 3: ["('idea', 1)",
                                                                              "('idea', 2)"]}
    assert candidate_pairs(sets, 0.9, 64) == [(1, 2), (1, 3), (2, 3)]


def test_candidate_pairs_are_limited_per_set():
    sets = {n: {"a", "b", "c"} for n in range(5)}
    assert candidate_pairs(sets, 0.6, 64, limit=2) == [
        (0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4)]
    assert len(candidate_pairs({n: {"a", "b"} for n in range(LIMIT + 2)}, 0.6, 16)) == (
        sum(min(n, LIMIT) for n in range(LIMIT + 2)))


def test_candidate_pairs_of_nothing():
    assert candidate_pairs({}, 0.6, 128) == []
    assert candidate_pairs({1: {"a"}}, 0.6, 128) == []


def test_groups():
    assert groups([(3, 4), (1, 2), (2, 5), (9, 9), (4, 3)]) == [[1, 2, 5], [3, 4], [9]]
    assert groups([(5, 1), (1, 3), (7, 3)]) == [[1, 3, 5, 7]]
    assert groups([]) == []


def test_minhash_is_seeded_and_hashes_elements_as_text():
    expected = MinHash(num_perm=8, seed=11)
    expected.update_batch([b"a", b"('idea', 1)"])
    assert minhash(["a", ("idea", 1)], 8).hashvalues.tolist() == expected.hashvalues.tolist()
    assert minhash([], 4).hashvalues.tolist() == MinHash(num_perm=4, seed=11).hashvalues.tolist()
    used = minhash(["a"], 8)  # a fresh copy: updating it leaves the next ones alone
    used.update(b"b")
    assert minhash([], 8).hashvalues.tolist() == MinHash(num_perm=8, seed=11).hashvalues.tolist()
