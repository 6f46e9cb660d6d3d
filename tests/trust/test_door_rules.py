"""The door's pure rules, table-driven (no app, no database)."""

import pytest

from community.accounts.emails import normalize_email
from community.netaddr import network_of
from community.trust.door import (
    DoorLimits,
    RecentCounts,
    Refusal,
    SignupAttempt,
    check_signup,
    counter_stem,
    is_disposable,
)


@pytest.mark.parametrize(("address", "normalized"), [
    ("Alice@Example.com", "alice@example.com"),
    ("a.lice+news@gmail.com", "alice@gmail.com"),
    ("A.Lice@GoogleMail.com", "alice@gmail.com"),
    ("first.last+tag@outlook.com", "first.last@outlook.com"),  # dots kept outside Gmail
    ("first.last@example.org", "first.last@example.org"),
    ("  Bob@Example.org \n", "bob@example.org"),  # surrounding blanks
    ("a+b+c@example.com", "a@example.com"),  # two +tags: everything from the first + goes
    ("Al.Ice+x+y@GoogleMail.com", "alice@gmail.com"),
    ("x+1@y@example.com", "x@example.com"),  # two @: the domain is after the last one
    ("a.b@c@GoogleMail.com", "ab@c@gmail.com"),
    ("first.last+@gmail.com", "firstlast@gmail.com"),  # an empty +tag
])
def test_normalize_email(address, normalized):
    assert normalize_email(address) == normalized


@pytest.mark.parametrize(("name", "stem"), [
    ("alice01", "alice"), ("Alice 7", "alice"), ("alice_2", "alice"), ("Élise12", "elise"),
    ("alice", None), ("2024", None), ("r2d2", "r2d"), ("", None),
    # punctuation and blanks inside the stem or before the counter are dropped
    ("alice.smith-01", "alicesmith"), ("Jean-Luc_42", "jeanluc"), ("O'Brien#3", "obrien"),
    ("Alice  Martin\t7", "alicemartin"), ("Agent 0 0 7", "agent"), ("__7", None),
    ("alice-", None),  # no counter
])
def test_counter_stem(name, stem):
    assert counter_stem(name) == stem


@pytest.mark.parametrize(("domain", "disposable"), [
    ("mailinator.com", True), ("eu.mailinator.com", True), ("gmail.com", False),
    ("example.org", False), ("mailinator.com.example.org", False),
    ("mailinator.com.", True), ("MAILINATOR.COM", True),  # a trailing-dot domain, any case
    (".mailinator.com", True), ("com", False), ("", False),
])
def test_is_disposable(domain, disposable):
    assert is_disposable(domain) is disposable


@pytest.mark.parametrize(("ip", "network"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:aa:bb::1", "2001:db8:aa::/48"),
    ("::ffff:203.0.113.9", "203.0.113.0/24"),
])
def test_network_of(ip, network):
    assert network_of(ip) == network


LIMITS = DoorLimits(min_seconds=3, max_per_network=3, max_per_device=3, max_per_domain=10,
                    counter_batch=3)
CLEAN = SignupAttempt(email_domain="example.org", honeypot="", elapsed_seconds=10)


def rules(attempt=CLEAN, **counts):
    return [r.rule for r in check_signup(attempt, RecentCounts(**counts), LIMITS)]


def test_clean_signup_passes():
    assert rules() == []


@pytest.mark.parametrize(("elapsed", "expected"), [
    (2.999, [Refusal("too_fast", {"seconds": 3.0, "minimum": 3})]),  # rounded to 0.01 s
    (0.123, [Refusal("too_fast", {"seconds": 0.12, "minimum": 3})]),
    (1.2345, [Refusal("too_fast", {"seconds": 1.23, "minimum": 3})]),
    (0.0, [Refusal("too_fast", {"seconds": 0.0, "minimum": 3})]),
    (3, []),  # sent back at exactly the minimum: accepted
    (3.001, []),
    (None, [Refusal("form_token", {})]),  # no (or a forged) form timestamp
])
def test_the_minimum_time_edge_and_its_evidence(elapsed, expected):
    attempt = SignupAttempt(email_domain="example.org", honeypot="", elapsed_seconds=elapsed)
    assert check_signup(attempt, RecentCounts(), LIMITS) == expected


@pytest.mark.parametrize(("counts", "expected"), [
    ({"same_network": 2}, []),
    ({"same_network": 3}, [Refusal("network_velocity", {"recent": 3, "limit": 3})]),
    ({"same_network": 4}, [Refusal("network_velocity", {"recent": 4, "limit": 3})]),
    ({"same_device": 2}, []),
    ({"same_device": 3}, [Refusal("device_velocity", {"recent": 3, "limit": 3})]),
    ({"same_device": 4}, [Refusal("device_velocity", {"recent": 4, "limit": 3})]),
    ({"same_domain": 9}, []),
    ({"same_domain": 10}, [Refusal("domain_burst", {"recent": 10, "limit": 10})]),
    ({"same_domain": 11}, [Refusal("domain_burst", {"recent": 11, "limit": 10})]),
    ({"same_name_stem": 1, "same_email_stem": 1}, []),
    ({"same_name_stem": 2}, [Refusal("counter_batch", {"recent": 2, "limit": 3})]),
    ({"same_email_stem": 2}, [Refusal("counter_batch", {"recent": 2, "limit": 3})]),
    # the larger of the two stems' counts is the evidence
    ({"same_name_stem": 2, "same_email_stem": 5},
     [Refusal("counter_batch", {"recent": 5, "limit": 3})]),
    ({"same_name_stem": 4, "same_email_stem": 1},
     [Refusal("counter_batch", {"recent": 4, "limit": 3})]),
    ({"duplicate_email": True}, [Refusal("duplicate_email", {})]),
])
def test_each_refusal_carries_its_evidence(counts, expected):
    assert check_signup(CLEAN, RecentCounts(**counts), LIMITS) == expected


@pytest.mark.parametrize(("limits", "counts", "expected"), [
    # each limit is read from its own setting, not from another's
    (DoorLimits(min_seconds=0, max_per_network=1), {"same_network": 1}, ["network_velocity"]),
    (DoorLimits(min_seconds=0, max_per_device=1), {"same_device": 1}, ["device_velocity"]),
    (DoorLimits(min_seconds=0, max_per_domain=2), {"same_domain": 2}, ["domain_burst"]),
    (DoorLimits(min_seconds=0, max_per_domain=2), {"same_domain": 1}, []),
    (DoorLimits(min_seconds=0, counter_batch=5), {"same_name_stem": 3}, []),
    (DoorLimits(min_seconds=0, counter_batch=5), {"same_email_stem": 4}, ["counter_batch"]),
    (DoorLimits(min_seconds=0, counter_batch=1), {}, ["counter_batch"]),  # a batch of one
    (DoorLimits(min_seconds=0.5), {}, []),
    (DoorLimits(min_seconds=0.51), {}, ["too_fast"]),
])
def test_limits_come_from_the_settings(limits, counts, expected):
    attempt = SignupAttempt(email_domain="example.org", honeypot="", elapsed_seconds=0.5)
    assert rules_with(attempt, limits, **counts) == expected


def rules_with(attempt, limits, **counts):
    return [r.rule for r in check_signup(attempt, RecentCounts(**counts), limits)]


def test_the_default_limits():
    assert DoorLimits() == DoorLimits(min_seconds=3.0, max_per_network=3, max_per_device=3,
                                      max_per_domain=10, counter_batch=3)
    assert RecentCounts() == RecentCounts(0, 0, 0, 0, 0, False)
    assert SignupAttempt("example.org", "", 5.0).invited is False


@pytest.mark.parametrize(("counts", "expected"), [
    ({"same_network": 2}, []), ({"same_network": 3}, ["network_velocity"]),
    ({"same_device": 2}, []), ({"same_device": 3}, ["device_velocity"]),
    ({"same_domain": 9}, []), ({"same_domain": 10}, ["domain_burst"]),
    ({"same_name_stem": 1}, []), ({"same_name_stem": 2}, ["counter_batch"]),
    ({"same_email_stem": 2}, ["counter_batch"]),
    ({"duplicate_email": True}, ["duplicate_email"]),
])
def test_thresholds(counts, expected):
    assert rules(**counts) == expected


def test_every_broken_rule_is_reported():
    attempt = SignupAttempt(email_domain="mailinator.com", honeypot="x", elapsed_seconds=0.5)
    assert rules(attempt, same_network=5) == [
        "disposable_email", "honeypot", "too_fast", "network_velocity"]


def test_every_broken_rule_is_reported_with_its_evidence_cheapest_first():
    attempt = SignupAttempt(email_domain="eu.Mailinator.com.", honeypot="http://spam",
                            elapsed_seconds=1.004)
    counts = RecentCounts(same_network=3, same_device=7, same_domain=10, same_name_stem=2,
                          same_email_stem=1, duplicate_email=True)
    assert check_signup(attempt, counts, LIMITS) == [
        Refusal("disposable_email", {"domain": "eu.Mailinator.com."}),
        Refusal("duplicate_email", {}),
        Refusal("honeypot", {"length": 11}),
        Refusal("too_fast", {"seconds": 1.0, "minimum": 3}),
        Refusal("network_velocity", {"recent": 3, "limit": 3}),
        Refusal("device_velocity", {"recent": 7, "limit": 3}),
        Refusal("domain_burst", {"recent": 10, "limit": 10}),
        Refusal("counter_batch", {"recent": 2, "limit": 3}),
    ]


def test_invitation_bypasses_velocity_but_not_the_rest():
    invited = SignupAttempt(email_domain="mailinator.com", honeypot="", elapsed_seconds=10,
                            invited=True)
    assert rules(invited, same_network=9, same_domain=99, same_name_stem=5) == [
        "disposable_email"]
    fast = SignupAttempt(email_domain="example.org", honeypot="x", elapsed_seconds=1,
                         invited=True)
    assert check_signup(fast, RecentCounts(same_device=9, duplicate_email=True), LIMITS) == [
        Refusal("duplicate_email", {}), Refusal("honeypot", {"length": 1}),
        Refusal("too_fast", {"seconds": 1, "minimum": 3})]


def test_missing_form_timestamp_is_refused():
    attempt = SignupAttempt(email_domain="example.org", honeypot="", elapsed_seconds=None)
    assert rules(attempt) == ["form_token"]
