"""The reviews' pure rules (community/reviews/scoring.py), table-driven, without an app."""

from datetime import date

import pytest

from community.reviews import scoring
from tests.test_architecture import COMMUNITY, check_purity


def test_scoring_is_a_pure_module():
    assert check_purity(COMMUNITY, pure=("community/reviews/scoring.py",), patterns=()) == []


@pytest.mark.parametrize("counts, count, average, percents", [
    ({}, 0, None, (0, 0, 0, 0, 0)),
    ({5: 1}, 1, 5.0, (100, 0, 0, 0, 0)),
    ({5: 1, 4: 2}, 3, 4.3, (33, 67, 0, 0, 0)),  # 13/3 = 4.333
    ({5: 1, 4: 1, 3: 1, 2: 1}, 4, 3.5, (25, 25, 25, 25, 0)),
    ({4: 3, 5: 1}, 4, 4.3, (25, 75, 0, 0, 0)),  # 4.25 rounds half up
    ({1: 7}, 7, 1.0, (0, 0, 0, 0, 100)),
    ({1: 1, 2: 1, 3: 1}, 3, 2.0, (0, 0, 33, 33, 33)),  # shares need not add up to 100
    ({5: 2, 9: 4, 0: 3}, 2, 5.0, (100, 0, 0, 0, 0)),  # not a rating: ignored
])
def test_summary_of_trusted_ratings(counts, count, average, percents):
    summary = scoring.summarize(counts)
    assert (summary.count, summary.average) == (count, average)
    assert tuple(b.rating for b in summary.bars) == (5, 4, 3, 2, 1)
    assert tuple(b.percent for b in summary.bars) == percents
    assert tuple(b.count for b in summary.bars) == tuple(counts.get(r, 0) for r in (5, 4, 3, 2, 1))


@pytest.mark.parametrize("value, ok", [(1, True), (5, True), (3, True), (0, False), (6, False),
                                       (-1, False), (True, False), ("4", False), (4.0, False),
                                       (None, False)])
def test_ratings_are_whole_numbers_from_1_to_5(value, ok):
    assert scoring.is_rating(value) is ok


@pytest.mark.parametrize("since, today, future", [
    (date(2026, 11, 1), date(2026, 11, 27), False),  # the current month is the present
    (date(2026, 11, 1), date(2026, 11, 1), False),
    (date(2026, 12, 1), date(2026, 11, 30), True),  # next month, tomorrow
    (date(2027, 1, 1), date(2026, 12, 31), True),
    (date(2025, 12, 1), date(2026, 1, 1), False),
])
def test_using_since_may_not_be_after_the_current_month(since, today, future):
    assert scoring.is_future_month(since, today) is future
