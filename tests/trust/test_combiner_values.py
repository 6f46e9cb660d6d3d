"""The combiner's arithmetic at exact values, table-driven. The confidences are pinned here (the
real ones are tuned on labeled data, docs/TRUST.md), so these tests check the fusion, the
strongest-per-detector rule and the carry, not the current tuning."""

import pytest

from community.trust import combiner
from community.trust.combiner import Combined
from community.trust.detectors import Finding

RING, PUPPET, BURST, UNKNOWN = "co_voting_ring", "sockpuppets", "burst", "new_idea"


@pytest.fixture(autouse=True)
def pinned_confidences(monkeypatch):
    monkeypatch.setattr(combiner, "CONFIDENCE", {
        "impossible_testimonial": 1.0, "near_duplicate": 0.9, RING: 0.9, PUPPET: 0.9,
        BURST: 0.6})
    monkeypatch.setattr(combiner, "DEFAULT_CONFIDENCE", 0.7)
    monkeypatch.setattr(combiner, "CARRY", 0.8)


def finding(detector, score, *subjects):
    return Finding(detector=detector, subjects=tuple(subjects), score=score)


def test_the_strongest_finding_counts_whatever_the_order():
    combined = Combined([
        finding(RING, 0.6, ("account", 1)),
        finding(RING, 0.4, ("account", 1)),
        finding(PUPPET, 0.2, ("account", 1)),
    ])
    assert combined.by_subject[("account", 1)] == {RING: 0.6, PUPPET: 0.2}
    assert combined.account(1) == pytest.approx(1 - (1 - 0.9 * 0.6) * (1 - 0.9 * 0.2))


@pytest.mark.parametrize(("findings", "expected"), [
    # an unknown detector on the account is carried at the default confidence: 0.8 * 0.7 * 0.5
    ([finding(UNKNOWN, 0.5, ("account", 1))], 0.28),
    # the review's own detector is not carried again from its account
    ([finding(UNKNOWN, 0.5, ("account", 1)), finding(UNKNOWN, 0.5, ("review", 7))], 0.35),
    ([finding(BURST, 1.0, ("account", 1))], 0.8 * 0.6),
    ([finding("impossible_testimonial", 1.0, ("review", 7))], 1.0),
    ([finding("near_duplicate", 0.5, ("review", 7)), finding(PUPPET, 0.5, ("account", 1))],
     1 - (1 - 0.45) * (1 - 0.8 * 0.45)),
    ([finding(PUPPET, 0.5, ("account", 2))], 0.0),  # another account's
    ([finding(PUPPET, 0.5, ("review", 8), ("account", 1))], 0.8 * 0.45),  # its other review
])
def test_review_suspicion_exact_values(findings, expected):
    assert Combined(findings).review(7, 1) == pytest.approx(expected)


@pytest.mark.parametrize(("findings", "expected"), [
    # a ring naming the vote's account and subject: direct 0.45, and the account's own 0.45
    ([finding(RING, 0.5, ("idea", 3), ("account", 1))], 1 - (1 - 0.45) * (1 - 0.8 * 0.45)),
    # an unknown detector counts at the default confidence
    ([finding(UNKNOWN, 0.5, ("idea", 3), ("account", 1))], 1 - (1 - 0.35) * (1 - 0.8 * 0.35)),
    # a finding naming the account but not the subject is only carried
    ([finding(RING, 0.5, ("idea", 4), ("account", 1))], 0.8 * 0.45),
    # a finding naming the subject but not the account counts nothing
    ([finding(RING, 0.5, ("idea", 3), ("account", 2))], 0.0),
    # every finding naming both counts in the direct part, not only a detector's strongest
    ([finding(BURST, 0.5, ("idea", 3), ("account", 1)),
      finding(BURST, 0.5, ("idea", 3), ("account", 1))], 1 - (1 - 0.3) ** 2 * (1 - 0.8 * 0.3)),
])
def test_vote_suspicion_exact_values(findings, expected):
    assert Combined(findings).vote(1, ("idea", 3)) == pytest.approx(expected)


def test_subjects_and_accounts_hold_each_own_suspicion():
    combined = Combined([
        finding(RING, 0.5, ("idea", 3), ("account", 1)),
        finding(BURST, 1.0, ("idea", 3)),
        finding(PUPPET, 0.2, ("account", 2), ("account", 1)),
    ])
    assert combined.subjects() == {
        ("idea", 3): pytest.approx(1 - (1 - 0.45) * (1 - 0.6)),
        ("account", 1): pytest.approx(1 - (1 - 0.45) * (1 - 0.18)),
        ("account", 2): pytest.approx(0.18),
    }
    assert combined.accounts() == {1: pytest.approx(1 - 0.55 * 0.82), 2: pytest.approx(0.18)}
    assert [f.detector for f in combined.findings[("account", 1)]] == [RING, PUPPET]
    assert combined.own(("account", 3)) == 0.0
