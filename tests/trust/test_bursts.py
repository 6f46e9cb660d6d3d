"""Bursts, table-driven on constructed timelines: a seeded crowd of fresh accounts is caught;
a real launch spike from established accounts, a steadily busy subject, or a handful of votes
is not."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors import bursts
from community.trust.detectors.bursts import Settings, detect

T0 = datetime(2026, 10, 1, 9, 0)
IDEA = ("idea", 1)
OTHER = ("idea", 2)


def act(subject, account, at, age_days):
    return bursts.Action(subject, account, at, at - timedelta(days=age_days))


def background(subject=IDEA, days=30, per_day=1, age_days=400, first_account=1000):
    """A quiet, honest history: ``per_day`` votes a day from established accounts."""
    return [act(subject, first_account + d * per_day + i, T0 + timedelta(days=d, hours=i),
                age_days) for d in range(days) for i in range(per_day)]


def crowd(n, at, age_days, subject=IDEA, first_account=1, every=timedelta(minutes=5)):
    return [act(subject, first_account + i, at + i * every, age_days) for i in range(n)]


BURST_AT = T0 + timedelta(days=30, hours=2)


def test_a_seeded_crowd_of_fresh_accounts_is_caught():
    (finding,) = detect(background() + crowd(20, BURST_AT, age_days=0.5))
    assert finding.detector == "burst"
    assert finding.subjects[0] == IDEA
    assert {a for kind, a in finding.subjects[1:]} >= set(range(1, 21))
    assert finding.evidence["count"] >= 20
    assert finding.evidence["young_share"] >= 0.6
    assert finding.evidence["expected"] >= 1.0
    assert 0 < finding.score <= 1


def test_a_launch_spike_from_established_accounts_is_not_a_burst():
    assert detect(background() + crowd(40, BURST_AT, age_days=300)) == []


def test_a_steadily_busy_subject_is_its_own_baseline():
    """Established members first, then 20 new members a day, every day (onboarding): the
    young crowd arrives at the subject's usual rate, so no window stands out."""
    settled = background(days=10, per_day=20, age_days=400)
    onboarding = [act(IDEA, 9000 + d * 20 + i, T0 + timedelta(days=d, hours=i * 1.2), 2)
                  for d in range(10, 31) for i in range(20)]
    assert detect(settled + onboarding) == []


def test_a_handful_of_votes_is_not_a_burst():
    assert detect(background() + crowd(7, BURST_AT, age_days=0)) == []


def test_only_the_subject_with_the_burst_is_flagged():
    events = background() + background(OTHER, first_account=5000)
    events += crowd(20, BURST_AT, age_days=0)
    assert [f.subjects[0] for f in detect(events)] == [IDEA]


def test_a_younger_crowd_scores_higher():
    young = detect(background() + crowd(20, BURST_AT, age_days=0))
    mixed = crowd(13, BURST_AT, age_days=0) + crowd(7, BURST_AT + timedelta(minutes=2),
                                                    age_days=300, first_account=100)
    mostly = detect(background() + mixed)
    assert young and mostly and young[0].score > mostly[0].score


def test_the_edges_of_the_thresholds():
    s = Settings(min_events=5, spread=0.0, floor_per_window=4.0, young_share=0.6)
    # 5 events, 3 young: exactly the young share, above the expected 4: a burst
    five = crowd(3, BURST_AT, age_days=0) + crowd(2, BURST_AT + timedelta(minutes=30),
                                                  age_days=300, first_account=50)
    assert len(detect(five, s)) == 1
    # 4 events against an expected 4: not above it
    assert detect(crowd(4, BURST_AT, age_days=0), Settings(min_events=4, spread=0.0,
                                                            floor_per_window=4.0)) == []
    # 5 events, 2 young: below the young share
    two = crowd(2, BURST_AT, age_days=0) + crowd(3, BURST_AT + timedelta(minutes=30),
                                                 age_days=300, first_account=50)
    assert detect(two, s) == []


def test_the_window_is_the_setting():
    spread_out = crowd(10, BURST_AT, age_days=0, every=timedelta(hours=4))  # over 36 hours
    assert detect(spread_out) == []  # at most 7 in any 24 hours
    assert len(detect(spread_out, Settings(window=timedelta(hours=40)))) == 1


HOUR = timedelta(hours=1)


def at(account, when, age, subject=IDEA):
    """An action by ``account`` at ``when`` from an account ``age`` old (a timedelta)."""
    return bursts.Action(subject, account, when, when - age)


def test_a_finding_exactly_without_history():
    """Three actions in an hour, two of them young; no history, so the floor (0.5) is the
    expected count: threshold 0.5 + 2 * sqrt(0.5) = 1.914, surprise 3 / 1.914 = 1.567."""
    s = Settings(window=HOUR, min_events=3, spread=2.0, floor_per_window=0.5, young_share=0.6)
    events = [at(3, T0 + timedelta(minutes=20), timedelta(hours=1.5)),
              at(1, T0, timedelta(days=1)),
              at(2, T0 + timedelta(minutes=10), timedelta(days=5000))]
    assert detect(events, s) == [bursts.Finding(
        detector="burst",
        subjects=(IDEA, ("account", 1), ("account", 2), ("account", 3)),
        score=0.324,  # 2/3 * (1 - 1 / (1 + log1p(1.567)))
        evidence={
            "from": "2026-10-01T09:00:00", "to": "2026-10-01T09:20:00", "count": 3,
            "expected": 0.5, "young_share": 0.67,
            "accounts": [{"account": 1, "age_days": 1.0}, {"account": 2, "age_days": 5000.0},
                         {"account": 3, "age_days": 0.1}],
        })]


def test_a_finding_exactly_against_its_baseline():
    """History: one action 30 h before (outside the 7 h baseline), two 6 h and 5 h before
    (inside it): 2 actions over 7 h is 2/7 per hour expected; four young actions in 30 min.
    The young account in the history does not count in the window's young share."""
    s = Settings(window=HOUR, baseline=timedelta(hours=7), min_events=3, spread=1.0,
                 floor_per_window=0.01, young_share=0.5)
    history = [at(10, T0 - 30 * HOUR, timedelta(days=5000)),
               at(11, T0 - 6 * HOUR, timedelta(days=5000)),
               at(12, T0 - 5 * HOUR, timedelta(days=2))]
    crowd_ = [at(20 + i, T0 + timedelta(minutes=10 * i), timedelta(hours=6)) for i in range(4)]
    (finding,) = detect(history + crowd_, s)
    assert finding.subjects == (IDEA, *(("account", a) for a in (20, 21, 22, 23)))
    assert finding.score == 0.639  # 1.0 * (1 - 1 / (1 + log1p(4 / (2/7 + sqrt(2/7)))))
    assert finding.evidence == {
        "from": "2026-10-01T09:00:00", "to": "2026-10-01T09:30:00", "count": 4,
        "expected": 0.29, "young_share": 1.0,
        "accounts": [{"account": a, "age_days": 0.2} for a in (20, 21, 22, 23)]}


def test_one_action_before_the_window_sets_the_rate():
    """One established action 5 h before three young ones: the subject's rate is one per
    5 h, 0.2 an hour, above the 0.01 floor."""
    s = Settings(window=HOUR, min_events=3, spread=0.0, floor_per_window=0.01)
    events = [at(1, T0 - 5 * HOUR, timedelta(days=400))]
    events += [at(2 + i, T0 + timedelta(minutes=10 * i), timedelta(0)) for i in range(3)]
    (finding,) = detect(events, s)
    assert finding.evidence["expected"] == 0.2
    assert finding.evidence["count"] == 3
    assert [a for kind, a in finding.subjects[1:]] == [2, 3, 4]


def test_equally_surprising_windows_report_the_first():
    """Windows 0-50 min and 40-90 min both hold 3 actions against the floor of 2 (the second
    window's own rate, 1 per 40 min = 1.5 an hour, is under the floor): the first is kept,
    and holds exactly its three actions."""
    s = Settings(window=HOUR, min_events=3, spread=0.0, floor_per_window=2.0, young_share=0.0)
    events = [at(i + 1, T0 + timedelta(minutes=m), timedelta(days=400))
              for i, m in enumerate((0, 40, 50, 90))]
    (finding,) = detect(events, s)
    assert (finding.evidence["from"], finding.evidence["to"]) == (
        "2026-10-01T09:00:00", "2026-10-01T09:50:00")
    assert finding.evidence["count"] == 3
    assert finding.subjects == (IDEA, ("account", 1), ("account", 2), ("account", 3))


@pytest.mark.parametrize(("gap", "caught"), [
    (HOUR, True),  # two actions exactly a window apart are in one window
    (HOUR + timedelta(seconds=1), False),
])
def test_the_edge_of_the_window(gap, caught):
    s = Settings(window=HOUR, min_events=2, spread=0.0, floor_per_window=1.0)
    events = [at(1, T0, timedelta(0)), at(2, T0 + gap, timedelta(0))]
    assert len(detect(events, s)) == (1 if caught else 0)


@pytest.mark.parametrize(("age", "caught"), [
    (timedelta(days=7), False),  # exactly young_age old: not young any more
    (timedelta(days=7) - timedelta(seconds=1), True),
])
def test_the_edge_of_young(age, caught):
    s = Settings(min_events=3, spread=0.0, floor_per_window=1.0, young_share=1.0)
    events = [at(1, T0, timedelta(0)), at(2, T0 + HOUR, timedelta(0)), at(3, T0 + 2 * HOUR, age)]
    assert len(detect(events, s)) == (1 if caught else 0)


def test_a_later_denser_window_wins_after_a_gap():
    """A first group, then more than a window later a larger one: the start of the window
    moves past the first group one action at a time."""
    s = Settings(window=HOUR, min_events=3, spread=0.0, floor_per_window=1.0)
    first = [at(1 + i, T0 + timedelta(minutes=i), timedelta(0)) for i in range(3)]
    later = [at(10 + i, T0 + 3 * HOUR + timedelta(minutes=i), timedelta(0)) for i in range(5)]
    (finding,) = detect(first + later, s)
    assert finding.evidence["count"] == 5
    assert finding.evidence["from"] == "2026-10-01T12:00:00"
    assert [a for kind, a in finding.subjects[1:]] == [10, 11, 12, 13, 14]


def test_the_default_settings():
    assert Settings() == Settings(
        window=timedelta(hours=24), baseline=timedelta(days=30), min_events=8, spread=4.0,
        floor_per_window=1.0, young_age=timedelta(days=7), young_share=0.6)
