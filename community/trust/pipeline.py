"""Every detector over one set of plain events: the one code path ``flask trust scan`` and
``bench/trust_eval.py`` share. Pure: events in, findings out (the combiner fuses them).

The scan builds :class:`Inputs` from the activity log and the trust sources; the evaluation
builds them from a labeled file. Each detector gets what it reads, with its own settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from community.trust.detectors import (
    Finding,
    bursts,
    duplicates,
    reviews,
    rings,
    sockpuppets,
    testimonials,
)
from community.trust.detectors.events import (
    Account,
    Interaction,
    Rating,
    Text,
    Trace,
    Vote,
)


@dataclass
class Inputs:
    accounts: dict[int, Account] = field(default_factory=dict)
    votes: list[Vote] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    # The whole community's vote counts when ``votes`` is only part of them (an incremental
    # scan): the ring detector measures chance against it.
    population: rings.Population | None = None


@dataclass(frozen=True)
class Settings:
    reviews: reviews.Settings = reviews.Settings()
    bursts: bursts.Settings = bursts.Settings()
    rings: rings.Settings = rings.Settings()
    sockpuppets: sockpuppets.Settings = sockpuppets.Settings()
    duplicates: duplicates.Settings = duplicates.Settings()
    # The least combined suspicion that opens a flag (TRUST_FLAG_AT in the configuration).
    flag_at: float = 0.5


def finding_for(detector: str, subjects: tuple, score: float, evidence=None) -> Finding:
    return Finding(detector=detector, subjects=tuple(subjects), score=score,
                   evidence=evidence or {})


def _created(inputs: Inputs, account_id: int, fallback: datetime) -> datetime:
    account = inputs.accounts.get(account_id)
    return account.created_at if account else fallback


def burst_actions(inputs: Inputs) -> Iterable[bursts.Action]:
    for vote in inputs.votes:
        yield bursts.Action(vote.subject, vote.account_id, vote.at,
                            _created(inputs, vote.account_id, vote.at))
    for rating in inputs.ratings:
        yield bursts.Action(("product", rating.product_id), rating.account_id, rating.at,
                            _created(inputs, rating.account_id, rating.at))


def testimonials_of(inputs: Inputs) -> Iterable[testimonials.Testimonial]:
    for text in inputs.texts:
        yield testimonials.Testimonial(
            subject=text.subject, account_id=text.account_id, text=text.text,
            written_at=text.at, account_created_at=_created(inputs, text.account_id, text.at),
            product_launched_at=text.product_launched_at, claimed_since=text.claimed_since)


def findings(inputs: Inputs, now: datetime, settings: Settings = Settings(),
             skip: Iterable[str] = (), progress=None) -> list[Finding]:
    """Every detector's findings at ``now`` (those named in ``skip`` are not run);
    ``progress(name)`` is told each detector as it starts."""
    skip = set(skip)
    say = progress or (lambda _name: None)
    found: list[Finding] = []
    if reviews.NAME not in skip and inputs.ratings:
        say(reviews.NAME)
        found += reviews.detect(inputs.ratings, inputs.accounts, now, settings.reviews)
    if bursts.NAME not in skip and (inputs.votes or inputs.ratings):
        say(bursts.NAME)
        found += bursts.detect(burst_actions(inputs), settings.bursts)
    if testimonials.NAME not in skip and inputs.texts:
        say(testimonials.NAME)
        found += testimonials.detect(testimonials_of(inputs))
    if rings.NAME not in skip and inputs.votes:
        say(rings.NAME)
        found += rings.detect(inputs.votes, inputs.accounts.values(), settings=settings.rings,
                              population=inputs.population)
    if sockpuppets.NAME not in skip and inputs.traces and inputs.interactions:
        say(sockpuppets.NAME)
        found += sockpuppets.detect(inputs.traces, inputs.interactions,
                                    settings=settings.sockpuppets)
    if duplicates.NAME not in skip and inputs.texts:
        say(duplicates.NAME)
        found += duplicates.detect(inputs.texts, settings=settings.duplicates)
    return found
