"""Trust levels' rules (pure): each threshold's edge, the chain, and what the next level needs."""

import pytest

from community.trust import levels
from community.trust.weights import BASIC, MEMBER, NEW, REGULAR

REGULAR_FACTS = levels.Facts(verified=True, account_age_days=60, days_visited=30,
                             posts_read=150, helpful_received=10, upheld_flags=0)


def facts(**changes) -> levels.Facts:
    return levels.Facts(**{**REGULAR_FACTS.__dict__, **changes})


def test_the_top_of_each_threshold_reaches_regular():
    assert levels.level_for(REGULAR_FACTS) == REGULAR


@pytest.mark.parametrize(("changes", "level"), [
    ({"verified": False}, NEW),
    ({"account_age_days": 0.99}, NEW),
    ({"days_visited": 1}, NEW),
    ({"posts_read": 4}, NEW),
    ({"account_age_days": 13.9}, BASIC),
    ({"days_visited": 6}, BASIC),
    ({"posts_read": 29}, BASIC),
    ({"helpful_received": 0}, BASIC),
    ({"upheld_flags": 1}, BASIC),  # basic tolerates an upheld flag, member does not
    ({"account_age_days": 59.9}, MEMBER),
    ({"days_visited": 29}, MEMBER),
    ({"posts_read": 149}, MEMBER),
    ({"helpful_received": 9}, MEMBER),
])
def test_one_fact_short_of_a_threshold_stops_there(changes, level):
    assert levels.level_for(facts(**changes)) == level


def test_a_level_needs_every_level_below_it():
    # Old and helpful but never came back: not even basic, whatever else it has.
    assert levels.level_for(facts(days_visited=1)) == NEW


def test_what_the_next_level_needs_names_what_is_missing():
    member = facts(account_age_days=20, days_visited=10, posts_read=40, helpful_received=2)
    assert levels.level_for(member) == MEMBER
    missing = {r.name for r in levels.requirements(member, REGULAR) if not r.met}
    assert missing == {"account_age_days", "days_visited", "posts_read", "helpful_received"}
    assert all(r.met for r in levels.requirements(member, MEMBER))
    assert levels.next_level(REGULAR) is None and levels.next_level(NEW) == BASIC


def test_upheld_flags_is_met_only_at_zero():
    line = {r.name: r for r in levels.requirements(facts(upheld_flags=2), MEMBER)}
    assert not line["upheld_flags"].met
    assert "upheld_flags" not in {r.name for r in levels.requirements(facts(), BASIC)}


def test_the_rules_raise_a_level_and_lower_it_only_for_an_upheld_flag():
    quiet = facts(days_visited=1)  # the facts alone give "new"
    assert levels.settle(MEMBER, quiet) == MEMBER  # never taken back for being quiet
    assert levels.settle(NEW, REGULAR_FACTS) == REGULAR
    assert levels.settle(REGULAR, facts(upheld_flags=1)) == BASIC
