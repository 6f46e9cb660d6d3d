"""Impossible testimonials, table-driven: claims it must catch, honest look-alikes it must not."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors import testimonials as detector
from community.trust.detectors.testimonials import (
    ACCOUNT_SCORE,
    NAME,
    PRODUCT_SCORE,
    claims,
    detect,
)

NOW = datetime(2026, 11, 27, 12, 0)


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


@pytest.mark.parametrize(("text", "days"), [
    ("J'utilise Cercle depuis 2 ans et j'adore.", 730),
    ("Je l'utilise depuis des années.", 730),
    ("Nous sommes clients depuis plus de 3 mois.", 90),
    ("I've been using it for years!", 730),
    ("We have used it for two years now.", 730),
    ("Customer since 2019, never disappointed.", (NOW - datetime(2019, 12, 31)).days),
    ("J'utilise ce logiciel depuis mars 2024.", (NOW - datetime(2024, 12, 31)).days),
    ("Been a user for 18 months.", 540),
    ("Utilisateur depuis un an, rien à redire.", 365),
])
def test_claims_of_use_are_read_in_french_and_english(text, days):
    assert [c.days for c in claims(text, NOW)] == [days]


@pytest.mark.parametrize("text", [
    "I looked for a tool like this for two years.",  # looking is not using
    "It comes with a 2-year warranty.",
    "Great support. For 2 years I had no such tool.",  # the use word is not before the claim
    "Depuis 2 ans je cherchais un outil pareil.",
    "We will be using it from 2030.",  # a year to come
    "",
])
def test_texts_that_claim_no_use(text):
    assert claims(text, NOW) == []


def written(text, account_days, product_days=None, subject=("review", 1)):
    return detector.Testimonial(subject=subject, account_id=7, text=text, written_at=NOW,
                       account_created_at=days_ago(account_days),
                       product_launched_at=days_ago(product_days) if product_days else None)


def test_use_before_the_product_existed_is_flagged_strongly():
    (finding,) = detect([written("J'utilise X depuis 2 ans", 900, product_days=2)])
    assert finding.detector == NAME
    assert finding.subjects == (("review", 1), ("account", 7))
    assert PRODUCT_SCORE <= finding.score <= 1
    assert finding.evidence["against"] == "product"
    assert finding.evidence["claim"] == "depuis 2 ans"
    assert finding.evidence["product_age_days"] == 2


def test_a_claim_longer_than_the_account_is_flagged_weaker():
    (finding,) = detect([written("I've been using it for years", 30, product_days=3000)])
    assert ACCOUNT_SCORE <= finding.score < PRODUCT_SCORE
    assert finding.evidence["against"] == "account"
    assert finding.evidence["account_age_days"] == 30


@pytest.mark.parametrize(("text", "account_days", "product_days"), [
    # a genuine long-time customer, on an account imported two years ago
    ("Je l'utilise depuis 2 ans", 735, 3000),
    ("We have used it daily for a year.", 400, 340),  # rounding: a year, 11-month product
    ("We have used it for 4 weeks.", 400, 20),  # within a fortnight's grace
    ("Customer since 2019", 2600, 3000),
    ("Great product, fast support.", 1, 1),  # no claim at all
])
def test_honest_testimonials_are_not_flagged(text, account_days, product_days):
    assert detect([written(text, account_days, product_days)]) == []


def test_the_further_beyond_the_possible_the_higher_the_score():
    barely = detect([written("using it for 2 months", 30, product_days=3000)])
    far = detect([written("using it for 5 years", 30, product_days=3000)])
    assert barely and far and far[0].score > barely[0].score


def test_evidence_holds_no_text_beyond_the_claim():
    secret = "my email is bob@example.org"
    (finding,) = detect([written(f"Using it for 3 years. {secret}", 5, product_days=3000)])
    assert secret not in str(finding.evidence)
