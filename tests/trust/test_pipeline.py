"""The pipeline, table-driven: which detector runs on which inputs, with which settings, in which
order, and the plain events it hands them. Each detector is replaced by a recorder here (they
have their own tests), so this is about the wiring only."""

from collections.abc import Iterator, ValuesView
from datetime import datetime, timedelta

import pytest

from community.trust.detectors import (
    Finding,
    bursts,
    duplicates,
    reviews,
    rings,
    sockpuppets,
    testimonials,
)
from community.trust.detectors.events import Account, Interaction, Rating, Text, Trace, Vote
from community.trust.pipeline import Inputs, Settings, burst_actions, finding_for, findings

NOW = datetime(2026, 11, 27, 12, 0)
DAY = timedelta(days=1)
ORDER = ["review_behaviour", "burst", "impossible_testimonial", "co_voting_ring",
         "sockpuppets", "near_duplicate"]
MODULES = {"review_behaviour": reviews, "burst": bursts, "impossible_testimonial": testimonials,
           "co_voting_ring": rings, "sockpuppets": sockpuppets, "near_duplicate": duplicates}


def test_the_detectors_names():
    assert {name: module.NAME for name, module in MODULES.items()} == {n: n for n in ORDER}


@pytest.fixture
def calls(monkeypatch):
    """Every detector replaced by one that records its arguments and returns one finding."""
    recorded = {}
    for name, module in MODULES.items():
        def fake(*args, _name=name, **kwargs):
            recorded[_name] = ([list(a) if isinstance(a, Iterator | ValuesView) else a
                                for a in args], kwargs)
            return [Finding(detector=_name, subjects=(("account", 1),), score=0.5)]
        monkeypatch.setattr(module, "detect", fake)
    return recorded


ALICE = Account(id=1, created_at=NOW - 400 * DAY)
BOB = Account(id=2, created_at=NOW - 2 * DAY)


def full_inputs():
    return Inputs(
        accounts={1: ALICE, 2: BOB},
        votes=[Vote(account_id=2, subject=("idea", 5), at=NOW - DAY),
               Vote(account_id=3, subject=("idea", 5), at=NOW - 2 * DAY)],  # 3: no account
        ratings=[Rating(review_id=40, account_id=1, product_id=7, rating=5, at=NOW - 3 * DAY),
                 Rating(review_id=41, account_id=4, product_id=8, rating=1, at=NOW)],
        texts=[Text(subject=("review", 40), account_id=1, at=NOW - 3 * DAY, text="Used it",
                    product_launched_at=NOW - 9 * DAY, claimed_since=NOW - 99 * DAY),
               Text(subject=("post", 9), account_id=5, at=NOW - DAY, text="Hello")],
        traces=[Trace(account_id=1, kind="net", hash="h1", at=NOW)],
        interactions=[Interaction(account_id=2, target_account_id=1, kind="vote",
                                  subject=("idea", 5), at=NOW)],
        population=rings.Population(votes=40, voters=12, subject_voters={("idea", 5): 9}),
    )


def test_every_detector_gets_what_it_reads_with_its_settings(calls):
    inputs = full_inputs()
    settings = Settings(
        reviews=reviews.Settings(), bursts=bursts.Settings(min_events=3),
        rings=rings.Settings(), sockpuppets=sockpuppets.Settings(),
        duplicates=duplicates.Settings())
    said = []
    found = findings(inputs, NOW, settings, progress=said.append)
    assert said == ORDER
    assert [f.detector for f in found] == ORDER
    assert calls["review_behaviour"] == (
        [inputs.ratings, inputs.accounts, NOW, settings.reviews], {})
    assert calls["burst"] == ([[
        bursts.Action(("idea", 5), 2, NOW - DAY, BOB.created_at),
        bursts.Action(("idea", 5), 3, NOW - 2 * DAY, NOW - 2 * DAY),  # unknown: new at once
        bursts.Action(("product", 7), 1, NOW - 3 * DAY, ALICE.created_at),
        bursts.Action(("product", 8), 4, NOW, NOW),
    ], settings.bursts], {})
    assert calls["impossible_testimonial"] == ([[
        testimonials.Testimonial(subject=("review", 40), account_id=1, text="Used it",
                                 written_at=NOW - 3 * DAY, account_created_at=ALICE.created_at,
                                 product_launched_at=NOW - 9 * DAY, claimed_since=NOW - 99 * DAY),
        testimonials.Testimonial(subject=("post", 9), account_id=5, text="Hello",
                                 written_at=NOW - DAY, account_created_at=NOW - DAY,
                                 product_launched_at=None, claimed_since=None),
    ]], {})
    assert calls["co_voting_ring"] == (
        [inputs.votes, [ALICE, BOB]],
        {"settings": settings.rings, "population": inputs.population})
    assert calls["sockpuppets"] == (
        [inputs.traces, inputs.interactions], {"settings": settings.sockpuppets})
    assert calls["near_duplicate"] == ([inputs.texts], {"settings": settings.duplicates})


@pytest.mark.parametrize(("emptied", "run"), [
    ({}, ORDER),
    ({"ratings": []}, ["burst", "impossible_testimonial", "co_voting_ring", "sockpuppets",
                       "near_duplicate"]),
    ({"votes": []}, ["review_behaviour", "burst", "impossible_testimonial", "sockpuppets",
                     "near_duplicate"]),
    ({"votes": [], "ratings": []}, ["impossible_testimonial", "sockpuppets", "near_duplicate"]),
    ({"texts": []}, ["review_behaviour", "burst", "co_voting_ring", "sockpuppets"]),
    ({"traces": []}, ["review_behaviour", "burst", "impossible_testimonial", "co_voting_ring",
                      "near_duplicate"]),
    ({"interactions": []}, ["review_behaviour", "burst", "impossible_testimonial",
                            "co_voting_ring", "near_duplicate"]),
    ({"votes": [], "ratings": [], "texts": [], "traces": [], "interactions": []}, []),
])
def test_a_detector_runs_only_when_it_has_something_to_read(calls, emptied, run):
    inputs = full_inputs()
    for name, value in emptied.items():
        setattr(inputs, name, value)
    said = []
    found = findings(inputs, NOW, progress=said.append)
    assert said == run
    assert [f.detector for f in found] == run
    assert sorted(calls) == sorted(run)


@pytest.mark.parametrize("skipped", [[name] for name in ORDER] + [ORDER[::2], ORDER])
def test_skipped_detectors_are_not_run(calls, skipped):
    said = []
    found = findings(full_inputs(), NOW, skip=iter(skipped), progress=said.append)
    run = [name for name in ORDER if name not in skipped]
    assert said == run
    assert [f.detector for f in found] == run
    assert sorted(calls) == sorted(run)


def test_without_progress_or_settings_the_defaults_are_used(calls):
    found = findings(full_inputs(), NOW)
    assert [f.detector for f in found] == ORDER
    assert calls["review_behaviour"][0][3] == reviews.Settings()
    assert calls["burst"][0][1] == bursts.Settings()
    assert calls["co_voting_ring"][1]["settings"] == rings.Settings()
    assert calls["sockpuppets"][1]["settings"] == sockpuppets.Settings()
    assert calls["near_duplicate"][1]["settings"] == duplicates.Settings()


def test_the_default_settings_and_inputs():
    assert Settings() == Settings(
        reviews=reviews.Settings(), bursts=bursts.Settings(), rings=rings.Settings(),
        sockpuppets=sockpuppets.Settings(), duplicates=duplicates.Settings(), flag_at=0.5)
    empty = Inputs()
    assert (empty.accounts, empty.votes, empty.ratings, empty.texts, empty.traces,
            empty.interactions, empty.population) == ({}, [], [], [], [], [], None)
    assert Inputs().votes is not empty.votes  # each its own lists
    assert list(burst_actions(empty)) == []


@pytest.mark.parametrize(("args", "expected"), [
    (("burst", [("idea", 1), ("account", 2)], 0.5),
     Finding(detector="burst", subjects=(("idea", 1), ("account", 2)), score=0.5, evidence={})),
    (("burst", (("idea", 1),), 0.25, {"count": 3}),
     Finding(detector="burst", subjects=(("idea", 1),), score=0.25, evidence={"count": 3})),
    (("burst", [], 0.0, None), Finding(detector="burst", subjects=(), score=0.0, evidence={})),
])
def test_finding_for(args, expected):
    found = finding_for(*args)
    assert found == expected
    assert isinstance(found.subjects, tuple)
