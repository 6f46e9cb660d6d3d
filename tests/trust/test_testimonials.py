"""Impossible testimonials, table-driven: claims it must catch, honest look-alikes it must not."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors import Finding
from community.trust.detectors import testimonials as detector
from community.trust.detectors.testimonials import (
    ACCOUNT_SCORE,
    NAME,
    PRODUCT_SCORE,
    Claim,
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


@pytest.mark.parametrize(("text", "expected"), [
    ("J'utilise X depuis 1,5 an.", [Claim("depuis 1,5 an", 547)]),  # a French decimal comma
    ("Customer for 2.5 years.", [Claim("for 2.5 years", 912)]),  # a decimal point
    ("Used it for 1.5 years. Great!", [Claim("for 1.5 years", 547)]),
    ("I USE IT FOR A COUPLE OF YEARS", [Claim("FOR A COUPLE OF YEARS", 730)]),
    ("Used it for douze semaines", [Claim("for douze semaines", 84)]),
    ("I've been using it for years!", [Claim("for years", 730)]),
    ("Je l'utilise depuis des mois.", [Claim("depuis des mois", 60)]),
    ("utilisé pendant des années", [Claim("pendant des années", 730)]),
    ("Customer since 2019, never disappointed.", [Claim("since 2019", 2523)]),
    ("We use it since March 2024", [Claim("since March 2024", 696)]),
    ("Client depuis 2026.", [Claim("depuis 2026", 0)]),  # this very year: at the least 0 days
    ("Client depuis 2027.", []),  # next year
    # two claims in one sentence, durations before years
    ("Customer since 2019; used it for 2 months.",
     [Claim("for 2 months", 60), Claim("since 2019", 2523)]),
    ("Used it for 3 weeks! Then for 2 days.", [Claim("for 3 weeks", 21)]),  # one use word
    # the word of use must come before the claim, in the same sentence
    ("For 2 years I looked for a tool, now I use this one.", []),
    ("Depuis 2 ans je cherchais ; maintenant je l'utilise.", []),
    ("We use it. For 2 years.", []),
    ("Used it\nfor 2 years", []),
    (None, []),
])
def test_claims_exactly(text, expected):
    assert claims(text, NOW) == expected


@pytest.mark.parametrize(("word", "count"), [
    ("3", 3.0), ("1,5", 1.5), ("2.5", 2.5), ("A Couple Of", 2.0), ("Douze", 12.0),
    ("un", 1.0), ("several", 2.0),
    ("dozen", 1.0),  # a word the pattern never yields counts as one
])
def test_count(word, count):
    assert detector._count(word) == count


FLAGGED_AT = "2026-11-27T12:00:00"


def review_by(text, account_days, product_days, since=None):
    """Review 4 by account 9; ``product_days`` None when the launch date is unknown (0 is a
    product launched today); ``since`` the review's "using it since" date, if given."""
    return detector.Testimonial(
        subject=("review", 4), account_id=9, text=text, written_at=NOW,
        account_created_at=days_ago(account_days),
        product_launched_at=days_ago(product_days) if product_days is not None else None,
        claimed_since=since)


@pytest.mark.parametrize(("text", "account_days", "product_days", "score", "evidence"), [
    # product 100 days old, claim 730 days: 0.9 + 0.1 * (630 / 830)
    ("J'utilise X depuis 2 ans", 900, 100, 0.976,
     {"claim": "depuis 2 ans", "claimed_days": 730, "against": "product",
      "product_age_days": 100, "account_age_days": 900}),
    # no launch date: weighed against the account alone, 0.5 + 0.3 * (59 / 61)
    ("Using it for 2 months", 1, None, 0.79,
     {"claim": "for 2 months", "claimed_days": 60, "against": "account",
      "product_age_days": None, "account_age_days": 1}),
    ("Using it for 2 months", 0, None, 0.79,  # an account of today counts as one day old
     {"claim": "for 2 months", "claimed_days": 60, "against": "account",
      "product_age_days": None, "account_age_days": 0}),
    # launched today: 15 days is beyond the fortnight's grace; 0.9 + 0.1 * (14 / 16)
    ("Used it for 15 days", 900, 0, 0.988,
     {"claim": "for 15 days", "claimed_days": 15, "against": "product",
      "product_age_days": 0, "account_age_days": 900}),
    # launched in three days (a date in the future counts as today)
    ("Used it for 15 days", 900, -3, 0.988,
     {"claim": "for 15 days", "claimed_days": 15, "against": "product",
      "product_age_days": -3, "account_age_days": 900}),
    # the longest claim of a text is the one weighed
    ("Customer since 2019; used it for 2 months.", 3000, 100, 0.992,
     {"claim": "since 2019", "claimed_days": 2523, "against": "product",
      "product_age_days": 100, "account_age_days": 3000}),
])
def test_findings_exactly(text, account_days, product_days, score, evidence):
    assert detect([review_by(text, account_days, product_days)]) == [Finding(
        detector="impossible_testimonial", subjects=(("review", 4), ("account", 9)),
        score=score, evidence={**evidence, "written_at": FLAGGED_AT})]


@pytest.mark.parametrize(("claimed", "account_days", "product_days", "against"), [
    # the grace: a claim must exceed possible * 1.25 + 14 days; 4 days * 1.25 + 14 = 19
    (19, 900, 4, None), (20, 900, 4, "product"),
    (19, 4, None, None), (20, 4, None, "account"),
    (14, 900, 0, None), (15, 900, 0, "product"),
    (139, 900, 100, None), (140, 900, 100, "product"),
    (139, 100, 3000, None), (140, 100, 3000, "account"),
])
def test_the_edge_of_the_grace(claimed, account_days, product_days, against):
    found = detect([review_by(f"Used it for {claimed} days", account_days, product_days)])
    assert [f.evidence["against"] for f in found] == ([against] if against else [])


def test_every_testimonial_is_weighed_after_one_with_no_claim_or_an_honest_one():
    items = [written("Great product.", 900, 3000, subject=("review", 1)),
             written("Used it for 2 weeks.", 900, 3000, subject=("review", 2)),
             written("Used it for 5 years.", 900, 100, subject=("review", 3)),
             written("Nice.", 900, 3000, subject=("review", 4))]
    assert [f.subjects[0] for f in detect(items)] == [("review", 3)]


@pytest.mark.parametrize(("text", "account_days", "product_days", "since", "expected"), [
    # a "using it since" date is a claim like the text's: 400 days against a 100-day product,
    # 0.9 + 0.1 * (300 / 500)
    ("Great.", 900, 100, days_ago(400), (0.96, "using it since 2025-10", 400, "product")),
    # against the account, the date is no claim: a customer used the product before joining
    ("Great.", 30, None, datetime(2026, 1, 1), None),
    ("Great.", 30, 1000, datetime(2026, 1, 1), None),
    # ...but the text's own claim still is (0.5 + 0.3 * (30 / 90)), and the date longer than
    # it does not take its place against the account
    ("Used it for 2 months.", 30, None, datetime(2026, 1, 1),
     (0.6, "for 2 months", 60, "account")),
    # the longer of the text's claim and the date is weighed
    ("Used it for 5 years.", 900, 100, days_ago(400), (0.99, "for 5 years", 1825, "product")),
    ("Used it for 2 weeks.", 900, 100, days_ago(400),
     (0.96, "using it since 2025-10", 400, "product")),
    ("Great.", 900, 100, days_ago(100), None),  # since the launch: possible
    ("Great.", 0, 0, NOW, None),  # since today, or a date to come: no claim
    ("Great.", 0, 0, NOW + timedelta(days=30), None),
])
def test_a_using_since_date_is_a_claim(text, account_days, product_days, since, expected):
    found = detect([review_by(text, account_days, product_days, since)])
    if expected is None:
        assert found == []
        return
    score, words, days, against = expected
    (finding,) = found
    assert finding.score == score
    assert (finding.evidence["claim"], finding.evidence["claimed_days"],
            finding.evidence["against"]) == (words, days, against)
