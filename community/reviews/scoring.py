"""The reviews' rules on numbers and dates, pure: no Flask, no database.

- A rating is a whole number from 1 to 5 (``RATINGS``).
- "Using it since" is a month: stored as its first day, never after the current month. A month
  before the product's launch is accepted (a beta tester, a typo): use claimed before a product
  existed is for the trust detectors to weigh (``trust/detectors/testimonials.py`` reads the
  review's text against the launch date the trust source gives), not a reason to refuse.
- A product's summary counts trusted reviews only (the caller leaves out staff and discounted
  ones): the average to one decimal, and per rating its count and share of the whole.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

RATINGS = (5, 4, 3, 2, 1)  # in the order the distribution shows them
FIRST_YEAR = 1980  # the earliest year the "using it since" form offers


def is_rating(value: object) -> bool:
    """A rating is an int (not a bool) from 1 to 5."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def is_future_month(since: date, today: date) -> bool:
    """Whether ``since`` falls in a month after ``today``'s (any day of the current month is
    the present)."""
    return (since.year, since.month) > (today.year, today.month)


@dataclass(frozen=True)
class Bar:
    rating: int
    count: int
    percent: int  # of all counted reviews, rounded half up; 0 when there are none


@dataclass(frozen=True)
class Summary:
    count: int
    average: float | None  # one decimal, rounded half up; None without reviews
    bars: tuple[Bar, ...]  # 5 down to 1


def summarize(counts: Mapping[int, int],
              weights: Mapping[int, float] | None = None) -> Summary:
    """The summary of trusted reviews from their count per rating (ratings outside 1..5 are
    ignored). Rounding is half up (4.25 -> 4.3), on exact integer sums.

    ``weights`` (per rating, the sum of the reviews' weights: 1 each, less for an author under
    an open flag) makes the average a weighted one; the bars keep counting reviews."""
    kept = {r: int(counts.get(r, 0) or 0) for r in RATINGS}
    total = sum(kept.values())
    bars = tuple(Bar(r, n, (200 * n + total) // (2 * total) if total else 0)
                 for r, n in kept.items())
    if not total:
        return Summary(0, None, bars)
    if weights is None or all(float(weights.get(r, 0) or 0) == kept[r] for r in RATINGS):
        points = sum(r * n for r, n in kept.items())
        tenths = (20 * points + total) // (2 * total)  # round(10 * points / total), half up
        return Summary(total, tenths / 10, bars)
    # Weights are multiples of 1/2**k in practice (1, 0.25): Fractions keep the sums exact.
    mass = {r: Fraction(float(weights.get(r, 0) or 0)) for r in RATINGS}
    weight = sum(mass.values())
    if weight <= 0:
        return Summary(total, None, bars)
    tenths = math.floor(10 * sum(r * m for r, m in mass.items()) / weight + Fraction(1, 2))
    return Summary(total, tenths / 10, bars)
