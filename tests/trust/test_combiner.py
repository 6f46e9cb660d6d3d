"""The combiner: findings fused by a noisy-OR weighted by each detector's confidence, the
strongest finding per detector counted once, and an account's suspicion carried to what it
wrote and cast."""

import pytest

from community.trust import combiner
from community.trust.combiner import CARRY, CONFIDENCE, DEFAULT_CONFIDENCE, Combined, noisy_or
from community.trust.detectors import Finding


def finding(detector, score, *subjects):
    return Finding(detector=detector, subjects=tuple(subjects), score=score)


@pytest.mark.parametrize("scores, expected", [
    ([], 0.0),
    ([0.5], 0.5),
    ([0.5, 0.5], 0.75),
    ([0.2, 0.3, 0.5], 1 - 0.8 * 0.7 * 0.5),
    ([1.0, 0.1], 1.0),
    ([1.5], 1.0),  # clamped
    ([-0.5, 0.4], 0.4),  # clamped
])
def test_noisy_or(scores, expected):
    assert noisy_or(scores) == pytest.approx(expected)


def test_one_finding_counts_at_its_detectors_confidence():
    combined = Combined([finding("burst", 0.8, ("idea", 1), ("account", 2))])
    assert combined.own(("idea", 1)) == pytest.approx(CONFIDENCE["burst"] * 0.8)
    assert combined.account(2) == pytest.approx(CONFIDENCE["burst"] * 0.8)
    assert combined.own(("idea", 9)) == 0.0


def test_an_unknown_detector_gets_the_default_confidence():
    combined = Combined([finding("new_idea", 0.5, ("account", 1))])
    assert combined.account(1) == pytest.approx(DEFAULT_CONFIDENCE * 0.5)


def test_the_strongest_finding_of_a_detector_counts_once():
    combined = Combined([
        finding("co_voting_ring", 0.4, ("account", 1)),
        finding("co_voting_ring", 0.6, ("account", 1)),
    ])
    assert combined.account(1) == pytest.approx(CONFIDENCE["co_voting_ring"] * 0.6)


def test_different_detectors_add_up_as_a_noisy_or():
    combined = Combined([
        finding("co_voting_ring", 0.6, ("account", 1)),
        finding("sockpuppets", 0.5, ("account", 1)),
    ])
    expected = 1 - (1 - CONFIDENCE["co_voting_ring"] * 0.6) * (1 - CONFIDENCE["sockpuppets"] * 0.5)
    assert combined.account(1) == pytest.approx(expected)
    assert combined.accounts() == {1: pytest.approx(expected)}


def test_a_review_inherits_its_accounts_other_findings_at_carry():
    combined = Combined([
        finding("review_behaviour", 0.5, ("review", 7), ("account", 1)),
        finding("sockpuppets", 0.5, ("account", 1)),
    ])
    own = CONFIDENCE["review_behaviour"] * 0.5
    carried = CONFIDENCE["sockpuppets"] * 0.5  # review_behaviour is not carried twice
    assert combined.review(7, 1) == pytest.approx(1 - (1 - own) * (1 - CARRY * carried))
    assert combined.review(7) == pytest.approx(own)
    assert combined.review(8, 2) == 0.0


def test_a_vote_counts_findings_naming_its_subject_and_its_accounts():
    combined = Combined([
        finding("burst", 0.8, ("idea", 3), ("account", 1)),
        finding("burst", 0.9, ("idea", 4), ("account", 1)),
    ])
    direct = CONFIDENCE["burst"] * 0.8
    account = CONFIDENCE["burst"] * 0.9  # the strongest burst naming the account
    assert combined.vote(1, ("idea", 3)) == pytest.approx(
        1 - (1 - direct) * (1 - CARRY * account))
    assert combined.vote(1, ("idea", 5)) == pytest.approx(CARRY * account)
    assert combined.vote(2, ("idea", 3)) == 0.0


def test_subjects_lists_every_subject_named():
    combined = Combined([finding("burst", 0.5, ("idea", 3), ("account", 1))])
    assert set(combined.subjects()) == {("idea", 3), ("account", 1)}
    assert combined.findings[("idea", 3)][0].score == 0.5


def test_confidence_and_carry_are_within_bounds():
    assert all(0 < value <= 1 for value in CONFIDENCE.values())
    assert 0 < combiner.CARRY <= 1 and 0 < DEFAULT_CONFIDENCE <= 1


def test_a_flags_evidence_lists_the_strongest_findings_first_and_no_more_than_ten():
    found = [Finding("burst", (("idea", 3), ("account", n)), score / 100, {"n": n})
             for n, score in enumerate(range(40, 52))]
    evidence = Combined(found).evidence(("idea", 3), 0.12345)
    assert evidence["suspicion"] == 0.123 and evidence["lead"] == "burst"
    assert len(evidence["findings"]) == combiner.MAX_FINDINGS_IN_EVIDENCE == 10
    assert [f["score"] for f in evidence["findings"]] == [s / 100 for s in range(51, 41, -1)]
    assert evidence["findings"][0] == {"detector": "burst", "score": 0.51,
                                       "subjects": [["idea", 3], ["account", 11]],
                                       "evidence": {"n": 11}}
    assert Combined([]).evidence(("idea", 3), 0.0) == {"suspicion": 0.0, "lead": None,
                                                        "findings": []}
