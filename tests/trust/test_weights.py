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
