"""``ranking.ballot_changes``: what a member did to their priorities, as the fewest rows the
activity log writes (pure, no app)."""

import pytest

from community.ideas.ranking import ballot_changes

CASES = {  # id: (old ballot, new ballot, expected (idea, new rank or None))
    "unchanged": ([1, 2, 3], [1, 2, 3], []),
    "first ballot": ([], [5, 6], [(5, 1), (6, 2)]),
    "emptied": ([5, 6], [], [(5, None), (6, None)]),
    "added at the end": ([1, 2, 3], [1, 2, 3, 4], [(4, 4)]),
    "added on top, the others slide": ([1, 2], [9, 1, 2], [(9, 1)]),
    "removed, the others slide": ([1, 2, 3], [2, 3], [(1, None)]),
    "neighbours swapped: the one that rose": ([1, 2], [2, 1], [(2, 1)]),
    "down one in three": ([1, 2, 3], [1, 3, 2], [(3, 2)]),
    "dragged from 10th to 1st": (list(range(1, 11)), [10, *range(1, 10)], [(10, 1)]),
    "dragged from 1st to 10th": (list(range(1, 11)), [*range(2, 11), 1], [(1, 10)]),
    "reversed": ([1, 2, 3], [3, 2, 1], [(3, 1), (2, 2)]),
    "moved, added and removed": ([1, 2, 3, 4], [3, 1, 2, 7], [(3, 1), (7, 4), (4, None)]),
}


@pytest.mark.parametrize("case", CASES)
def test_ballot_changes(case):
    old, new, expected = CASES[case]
    assert ballot_changes(old, new) == expected


@pytest.mark.parametrize("case", CASES)
def test_the_changes_rebuild_the_new_ballot(case):
    """Putting the moved and added ideas at their ranks among those that stayed gives back
    exactly the new ballot: nothing the member did is lost."""
    old, new, _ = CASES[case]
    changes = ballot_changes(old, new)
    moved = {idea for idea, rank in changes if rank is not None}
    removed = {idea for idea, rank in changes if rank is None}
    rebuilt = [idea for idea in old if idea not in moved and idea not in removed]
    for idea, rank in sorted((c for c in changes if c[1] is not None), key=lambda c: c[1]):
        rebuilt.insert(rank - 1, idea)
    assert rebuilt == new
