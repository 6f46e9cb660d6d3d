import pytest

from community.trust.weights import (
    BASIC,
    MEMBER,
    NEW,
    REGULAR,
    Voter,
    is_established,
    review_weight,
    trust_weight,
)


def voter(**facts) -> Voter:
    base = {"verified": True, "staff": False, "discounted": False, "level": MEMBER}
    return Voter(**{**base, **facts})


@pytest.mark.parametrize(("facts", "weight", "established"), [
    ({"level": NEW}, 0.5, False),
    ({"level": BASIC}, 0.75, True),
    ({"level": MEMBER}, 1.0, True),
    ({"level": REGULAR}, 1.0, True),
    ({"verified": False}, 0.0, False),
    ({"staff": True}, 0.0, False),
    ({"discounted": True}, 0.0, False),
    ({"suspended": True}, 0.0, False),
    ({"reduced": True}, 0.25, False),
    ({"reduced": True, "level": NEW}, 0.25, False),
    ({"reduced": True, "discounted": True}, 0.0, False),
])
def test_the_weight_of_each_standing(facts, weight, established):
    assert trust_weight(voter(**facts)) == weight
    assert is_established(voter(**facts)) is established


def test_the_reduced_weight_is_a_ceiling_never_a_raise():
    assert trust_weight(voter(level=NEW, reduced=True), reduced_weight=0.75) == 0.5
    assert trust_weight(voter(level=MEMBER, reduced=True), reduced_weight=0.75) == 0.75
    assert trust_weight(voter(reduced=True), reduced_weight=-1) == 0.0


def test_an_unknown_level_weighs_as_new():
    assert trust_weight(voter(level=9)) == 0.5


@pytest.mark.parametrize(("facts", "weight"), [
    ({}, 1.0), ({"level": NEW}, 1.0), ({"reduced": True}, 0.25),
    ({"discounted": True}, 0.0), ({"suspended": True}, 0.0),
    ({"reduced": True, "suspended": True}, 0.0),
])
def test_a_reviews_weight_ignores_the_level(facts, weight):
    assert review_weight(voter(**facts)) == weight
