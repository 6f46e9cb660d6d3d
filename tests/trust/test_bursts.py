"""Bursts, table-driven on constructed timelines: a seeded crowd of fresh accounts is caught;
a real launch spike from established accounts, a steadily busy subject, or a handful of votes
is not."""

from datetime import datetime, timedelta

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
