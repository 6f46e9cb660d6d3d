"""The door's pure rules, table-driven (no app, no database)."""

import pytest

from community.accounts.emails import normalize_email
from community.netaddr import network_of
from community.trust.door import (
    DoorLimits,
    RecentCounts,
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
])
def test_normalize_email(address, normalized):
    assert normalize_email(address) == normalized


@pytest.mark.parametrize(("name", "stem"), [
    ("alice01", "alice"), ("Alice 7", "alice"), ("alice_2", "alice"), ("Élise12", "elise"),
    ("alice", None), ("2024", None), ("r2d2", "r2d"), ("", None),
])
def test_counter_stem(name, stem):
    assert counter_stem(name) == stem


@pytest.mark.parametrize(("domain", "disposable"), [
    ("mailinator.com", True), ("eu.mailinator.com", True), ("gmail.com", False),
    ("example.org", False), ("mailinator.com.example.org", False),
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


def test_invitation_bypasses_velocity_but_not_the_rest():
    invited = SignupAttempt(email_domain="mailinator.com", honeypot="", elapsed_seconds=10,
                            invited=True)
    assert rules(invited, same_network=9, same_domain=99, same_name_stem=5) == [
        "disposable_email"]


def test_missing_form_timestamp_is_refused():
    attempt = SignupAttempt(email_domain="example.org", honeypot="", elapsed_seconds=None)
    assert rules(attempt) == ["form_token"]
