"""Impossible testimonials: a text that claims use of the product for longer than the product,
or the account, has existed ("j'utilise X depuis 2 ans" on a product launched last month, "I've
been using it for years" from an account opened two days ago, "since 2019").

Pure: plain events in, findings out. One pass over the events, each text read once by a few
regular expressions: O(n) in the number of events (times the length of the texts).

What counts as a claim of use: a duration ("for 2 years", "depuis 3 mois", "for years", "depuis
des années") or a starting year ("since 2019", "depuis 2019") in the same sentence as, and
after, a word of using or being a customer ("use", "using", "customer", "utilise", "client",
"abonné"…). "I looked for a tool like this for two years" or "a 2-year warranty" claim nothing.
Vague durations count at their least: "years" is two years, "months" two months.

A claim is weighed against the product's launch date (using it before it existed is
impossible: a strong signal) and the account's creation (a member may have used the product
before joining the community, so an account younger than its claim is only suspicious: a weaker
signal, and none when the account is older than the claim, as for a long-time customer whose
account was imported). A grace period covers rounding ("for a year" about a product launched
eleven months ago is not a lie).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from community.trust.detectors import Finding

NAME = "impossible_testimonial"
GRACE = 0.25  # a claim must exceed what was possible by a quarter (and by GRACE_DAYS) to count
GRACE_DAYS = 14
PRODUCT_SCORE = 0.9  # claimed use before the product existed
ACCOUNT_SCORE = 0.5  # claimed use longer than the account existed, at the least

_NUMBERS = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 2,
    "a few": 2, "a couple of": 2, "many": 2,
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "plusieurs": 2, "quelques": 2,
}
_DAYS = {"year": 365, "month": 30, "week": 7, "day": 1}
_UNITS = {
    "year": "year", "years": "year", "yr": "year", "yrs": "year",
    "month": "month", "months": "month", "week": "week", "weeks": "week",
    "day": "day", "days": "day",
    "an": "year", "ans": "year", "année": "year", "années": "year", "annee": "year",
    "annees": "year", "mois": "month", "semaine": "week", "semaines": "week",
    "jour": "day", "jours": "day",
}
_NUMBER = (r"(?P<n>\d{1,3}(?:[.,]5)?|a couple of|a few|an?|one|two|three|four|five|six|seven|"
           r"eight|nine|ten|eleven|twelve|several|many|une?|deux|trois|quatre|cinq|six|sept|"
           r"huit|neuf|dix|onze|douze|plusieurs|quelques)")
_UNIT = (r"(?P<unit>years?|yrs?|months?|weeks?|days?|ans?|ann[ée]es?|mois|semaines?|"
         r"jours?)")
# "for 2 years", "for over 3 months", "depuis 2 ans", "depuis plus de 3 mois", "il y a 2 ans"
_DURATION = re.compile(
    rf"\b(?:for|depuis|pendant|since|il y a|ça fait|ca fait|cela fait)\s+"
    rf"(?:(?:over|more than|almost|nearly|about|around|plus de|presque|près de|environ)\s+)?"
    rf"{_NUMBER}\s+{_UNIT}\b", re.IGNORECASE)
# "for years", "for many years", "depuis des années", "depuis des mois"
_VAGUE = re.compile(r"\b(?:for(?: many)?|depuis des|pendant des|since)\s+"
                    r"(?P<unit>years|months|années|annees|mois)\b", re.IGNORECASE)
# "since 2019", "depuis 2019", "since March 2019", "depuis mars 2019"
_SINCE_YEAR = re.compile(r"\b(?:since|depuis|from)\s+(?:(?:early|late|the start of|début|fin)\s+)?"
                         r"(?:[a-zéû]+\s+)?(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
# Words of using the product or being its customer, before the claim in the same sentence.
_USE = re.compile(
    r"\b(?:us(?:e|es|ed|ing)|customer|client(?:e|s)?|subscriber|user|had it|owned|"
    r"been with|utilis\w*|abonn[ée]e?s?|adh[ée]rent)\b", re.IGNORECASE)
# A sentence ends at . ! ? or a line break, but not at the point of a decimal ("for 1.5 years").
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+")


@dataclass(frozen=True)
class Claim:
    """What a text says of its writer's use: the words, and the least number of days."""

    words: str
    days: int


@dataclass(frozen=True)
class Testimonial:
    """A text written by an account about a product (a review, a post)."""

    subject: tuple[str, int]  # ("review", 40)
    account_id: int
    text: str
    written_at: datetime
    account_created_at: datetime
    product_launched_at: datetime | None = None
    # A date the writer gave for "using it since" (a review's field), a claim like any other.
    claimed_since: datetime | None = None


def _count(word: str) -> float:
    word = word.lower().replace(",", ".")
    try:
        return float(word)
    except ValueError:
        return float(_NUMBERS.get(word, 1))


def claims(text: str, written_at: datetime) -> list[Claim]:
    """The claims of use in ``text`` (one per match, in reading order)."""
    found: list[Claim] = []
    for sentence in _SENTENCE.finditer(text or ""):
        part = sentence.group(0)
        for match in _DURATION.finditer(part):
            if _uses_before(part, match.start()):
                days = _count(match.group("n")) * _DAYS[_UNITS[match.group("unit").lower()]]
                found.append(Claim(match.group(0).strip(), int(days)))
        for match in _VAGUE.finditer(part):
            if _uses_before(part, match.start()):
                unit = _UNITS[match.group("unit").lower()]
                found.append(Claim(match.group(0).strip(), 2 * _DAYS[unit]))
        for match in _SINCE_YEAR.finditer(part):
            year = int(match.group("year"))
            if _uses_before(part, match.start()) and year <= written_at.year:
                # "since 2019": at the least since the last day of 2019
                start = datetime(year, 12, 31)
                found.append(Claim(match.group(0).strip(), max(0, (written_at - start).days)))
    return found


def _uses_before(sentence: str, position: int) -> bool:
    return _USE.search(sentence, 0, position) is not None


def _exceeds(claimed_days: int, possible: timedelta) -> bool:
    days = max(0, possible.days)
    return claimed_days > days * (1 + GRACE) + GRACE_DAYS


def detect(testimonials: Iterable[Testimonial]) -> list[Finding]:
    """A finding per text whose strongest claim is impossible for the product, or whose
    strongest claim *in its words* is longer than the account has existed. A review's "using
    it since" field is weighed against the product only: the form asks when the member began
    using the product, which a customer naturally did before joining the community."""
    findings = []
    for item in testimonials:
        found = claims(item.text, item.written_at)
        field = []
        if item.claimed_since is not None and item.claimed_since < item.written_at:
            field.append(Claim(f"using it since {item.claimed_since:%Y-%m}",
                               (item.written_at - item.claimed_since).days))
        if not found and not field:
            continue
        claim = max(found + field, key=lambda c: c.days)
        product_age = (item.written_at - item.product_launched_at
                       if item.product_launched_at is not None else None)
        account_age = item.written_at - item.account_created_at
        if product_age is not None and _exceeds(claim.days, product_age):
            score = PRODUCT_SCORE + (1 - PRODUCT_SCORE) * _overshoot(claim.days, product_age)
            against = "product"
        elif found and _exceeds((claim := max(found, key=lambda c: c.days)).days,
                                account_age):
            score = ACCOUNT_SCORE + 0.3 * _overshoot(claim.days, account_age)
            against = "account"
        else:
            continue
        findings.append(Finding(
            detector=NAME,
            subjects=(item.subject, ("account", item.account_id)),
            score=round(min(1.0, score), 3),
            evidence={
                "claim": claim.words, "claimed_days": claim.days, "against": against,
                "product_age_days": product_age.days if product_age is not None else None,
                "account_age_days": account_age.days,
                "written_at": item.written_at.isoformat(timespec="seconds"),
            }))
    return findings


def _overshoot(claimed_days: int, possible: timedelta) -> float:
    """0 when the claim barely exceeds what was possible, towards 1 when it is far beyond."""
    days = max(1, possible.days)
    return min(1.0, (claimed_days - days) / (claimed_days + days))
