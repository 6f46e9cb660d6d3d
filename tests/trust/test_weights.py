import pytest

from community.trust.weights import Voter, is_established, trust_weight


@pytest.mark.parametrize(("voter", "weight"), [
    (Voter(verified=True, staff=False, discounted=False, account_age_days=30), 1.0),
    (Voter(verified=True, staff=False, discounted=False, account_age_days=6.9), 0.5),
    (Voter(verified=False, staff=False, discounted=False, account_age_days=300), 0.0),
    (Voter(verified=True, staff=True, discounted=False, account_age_days=300), 0.0),
    (Voter(verified=True, staff=False, discounted=True, account_age_days=300), 0.0),
])
def test_trust_weight(voter, weight):
    assert trust_weight(voter, established_after_days=7) == weight
    assert is_established(voter, 7) is (weight == 1.0)


@pytest.mark.parametrize(("age_days", "after_days", "weight"), [
    (7, 7, 1.0),  # exactly established_after_days old: established
    (6.999, 7, 0.5),
    (0, 7, 0.5),
    (0, 0, 1.0),  # no waiting period
    (29.5, 30, 0.5), (30, 30, 1.0),
])
def test_the_edge_of_established(age_days, after_days, weight):
    voter = Voter(verified=True, staff=False, discounted=False, account_age_days=age_days)
    assert trust_weight(voter, established_after_days=after_days) == weight
    assert is_established(voter, after_days) is (weight == 1.0)


def test_an_unverified_staff_discounted_member_weighs_nothing_however_old():
    for flags in [(False, True, True), (False, False, True), (True, True, True)]:
        verified, staff, discounted = flags
        voter = Voter(verified=verified, staff=staff, discounted=discounted,
                      account_age_days=1000)
        assert trust_weight(voter, 7) == 0.0 and not is_established(voter, 7)
