"""Co-voting rings, table-driven on constructed vote sets: accounts voting for the same uncommon
ideas within minutes of each other are caught; a launch spike of established members on the
popular ideas, friends with the same tastes voting days apart, or honest members with varied
votes are not. Every setting is tried at its edge."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors.events import Account, Vote
from community.trust.detectors.rings import NAME, Population, Settings, detect

T0 = datetime(2026, 10, 1, 9, 0)
RING_AT = T0 + timedelta(days=3)
BACKGROUND = 28  # honest accounts, four votes each: 112 votes


def idea(n):
    return ("idea", n)


def background(n=BACKGROUND, first=1000):
    """Honest members: four varied votes each, on 60 ideas, hours and days apart."""
    return [Vote(first + i, idea(100 + (i * 7 + k * 13) % 60),
                 T0 + timedelta(hours=i * 37 + k * 101)) for i in range(n) for k in range(4)]


def ring(members, subjects, at=RING_AT, every=timedelta(minutes=5)):
    """Each member votes for each subject, the subjects a day apart, the members ``every``
    apart on each."""
    return [Vote(m, idea(x), at + timedelta(days=j) + i * every)
            for j, x in enumerate(subjects) for i, m in enumerate(members)]


def accounts_of(finding):
    return [n for kind, n in finding.subjects if kind == "account"]


def test_the_defaults():
    assert Settings() == Settings(
        min_votes=3, jaccard=0.6, lift=3.0, lockstep=timedelta(hours=1), lockstep_share=0.5,
        min_size=3, popular_share=0.05, popular_min=50, pushed_share=0.5, num_perm=128,
        max_pairs=100)


def test_honest_members_with_varied_votes_make_no_ring():
    assert detect(background()) == []


def test_a_ring_voting_together_is_caught_with_its_evidence():
    (finding,) = detect(background() + ring([1, 2, 3, 4], [1, 2, 3, 4, 5]))
    assert finding.detector == NAME == "co_voting_ring"
    assert finding.subjects == (("account", 1), ("account", 2), ("account", 3),
                                ("account", 4), idea(1), idea(2), idea(3), idea(4), idea(5))
    # four accounts, identical sets, every vote in step: (1 - 1/4) * (1 + 1) / 2
    assert finding.score == 0.75
    evidence = finding.evidence
    assert evidence["size"] == 4
    assert evidence["jaccard"] == 1.0
    assert evidence["lockstep_share"] == 1.0
    assert evidence["lockstep_minutes"] == 60.0
    assert evidence["accounts"] == [{"account": m, "votes": 5, "created_at": None}
                                    for m in (1, 2, 3, 4)]
    assert evidence["subjects"][0] == {
        "subject": ["idea", 1], "voters": 4, "ring_voters": [1, 2, 3, 4],
        "first": "2026-10-04T09:00:00", "last": "2026-10-04T09:15:00", "spread_minutes": 15.0}
    assert [s["subject"] for s in evidence["subjects"]] == [["idea", n] for n in range(1, 6)]
    assert [s["first"][:10] for s in evidence["subjects"]] == [
        "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"]
    # 132 votes in all; each member's 5 votes would hit a ring idea (4 voters) with the chance
    # 5 * 4 / 132, so 100/132 shared ideas expected: the lift is 5 / (100/132) = 6.6
    assert evidence["pair_count"] == 6
    assert evidence["pairs"] == [
        {"accounts": [a, b], "shared": 5, "jaccard": 1.0, "lift": 6.6, "lockstep_share": 1.0}
        for a, b in ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))]


def test_the_evidence_names_when_each_account_was_created():
    created = T0 - timedelta(days=2)
    accounts = [Account(1, created), Account(2, created + timedelta(hours=1))]
    (finding,) = detect(background() + ring([1, 2, 3], [1, 2, 3]), accounts)
    assert finding.evidence["accounts"] == [
        {"account": 1, "votes": 3, "created_at": "2026-09-29T09:00:00"},
        {"account": 2, "votes": 3, "created_at": "2026-09-29T10:00:00"},
        {"account": 3, "votes": 3, "created_at": None}]


def test_votes_count_once_at_their_earliest_time():
    again = [Vote(1, idea(1), RING_AT + timedelta(days=30))]  # a changed vote, much later
    (finding,) = detect(background() + again + ring([1, 2, 3], [1, 2, 3]))
    assert finding.evidence["accounts"][0]["votes"] == 3
    assert finding.evidence["lockstep_share"] == 1.0
    (finding,) = detect(background() + ring([1, 2, 3], [1, 2, 3]) + again)  # either order
    assert finding.evidence["lockstep_share"] == 1.0


def launch(members, ideas, at=RING_AT):
    return [Vote(m, idea(x), at + timedelta(minutes=i)) for i, m in enumerate(members)
            for x in ideas]


@pytest.mark.parametrize("events", [
    # a launch spike: forty established members vote for the three launch ideas within the
    # hour; identical sets in lockstep, but everybody votes for them: 232 votes in all, each
    # member's 3 votes would hit a launch idea with the chance 3 * 40 / 232, so 360/232 shared
    # ideas are expected and 3 shared is a lift of only 232/120 = 1.93
    pytest.param(background() + launch(range(1, 41), [1, 2, 3]), id="launch-spike"),
    # the same members with their usual varied votes and one popular idea at launch
    pytest.param(background() + launch(range(1000, 1000 + BACKGROUND), [1]),
                 id="one-popular-idea"),
    # friends with the same tastes, voting days apart
    pytest.param(background() + ring([1, 2, 3, 4], [1, 2, 3, 4], every=timedelta(days=1)),
                 id="same-tastes-days-apart"),
    # accounts with fewer than three votes
    pytest.param(background() + ring([1, 2, 3, 4], [1, 2]), id="too-few-votes"),
    # a pair is not a ring
    pytest.param(background() + ring([1, 2], [1, 2, 3, 4, 5]), id="a-pair"),
])
def test_honest_look_alikes_are_no_ring(events):
    assert detect(events) == []


def test_a_launch_spike_is_a_ring_only_when_popularity_is_ignored():
    """The spike above has a lift of 232/120 = 1.933: a lift threshold that low flags it."""
    events = background() + launch(range(1, 41), [1, 2, 3])
    assert detect(events, settings=Settings(lift=1.94)) == []
    (finding,) = detect(events, settings=Settings(lift=1.93))
    assert finding.evidence["size"] == 40
    assert {p["lift"] for p in finding.evidence["pairs"]} == {1.93}


def test_staff_are_never_ring_members():
    events = background() + ring([1, 2, 3, 4], [1, 2, 3])
    staff = [Account(4, T0, staff=True)]
    assert accounts_of(detect(events, staff)[0]) == [1, 2, 3]
    assert detect(events, staff + [Account(3, T0, staff=True)]) == []
    assert accounts_of(detect(events, [Account(3, T0, staff=False)])[0]) == [1, 2, 3, 4]
    # a staff member first in the log leaves the others judged
    assert accounts_of(detect(events, [Account(1, T0, staff=True)])[0]) == [2, 3, 4]


def test_min_size_edge():
    events = background() + ring([1, 2, 3], [1, 2, 3])
    assert accounts_of(detect(events)[0]) == [1, 2, 3]
    assert detect(background() + ring([1, 2], [1, 2, 3])) == []
    assert detect(events, settings=Settings(min_size=4)) == []
    four = background() + ring([1, 2, 3, 4], [1, 2, 3])
    assert len(detect(four, settings=Settings(min_size=4))) == 1
    assert len(detect(background() + ring([1, 2], [1, 2, 3]), settings=Settings(min_size=2))) == 1


def test_min_votes_edge():
    three = background() + ring([1, 2, 3], [1, 2, 3])
    assert len(detect(three)) == 1
    assert detect(three, settings=Settings(min_votes=4)) == []
    two = background() + ring([1, 2, 3], [1, 2])
    assert len(detect(two, settings=Settings(min_votes=2))) == 1


def loose_ring(extra_start=50):
    """Three accounts sharing ideas 1-3, each with one idea of its own: Jaccard 3/5 = 0.6."""
    events = ring([1, 2, 3], [1, 2, 3])
    events += [Vote(m, idea(extra_start + m), RING_AT) for m in (1, 2, 3)]
    return events


def test_jaccard_edge():
    (finding,) = detect(background() + loose_ring())
    assert finding.evidence["jaccard"] == 0.6
    # 124 votes; each member's 4 votes: 3 shared ideas of 3 voters and one of its own, so
    # 3 * 4 * 3 / 124 + 4 * 1 / 124 = 40/124 shared expected: lift 3 * 124 / 40 = 9.3
    assert finding.evidence["pairs"] == [
        {"accounts": [a, b], "shared": 3, "jaccard": 0.6, "lift": 9.3, "lockstep_share": 1.0}
        for a, b in ((1, 2), (1, 3), (2, 3))]
    assert detect(background() + loose_ring(), settings=Settings(jaccard=0.61)) == []


def stepped(step, members=(1, 2, 3), subjects=(1, 2, 3)):
    """Member i votes ``i * step`` after the first, on every subject."""
    return ring(list(members), list(subjects), every=step)


def test_lockstep_edge():
    # members 1 hour apart: 1-2 and 2-3 in step (exactly the window), 1-3 not; the chain of
    # two verified pairs still makes a ring of three
    (finding,) = detect(background() + stepped(timedelta(hours=1)))
    assert [p["accounts"] for p in finding.evidence["pairs"]] == [[1, 2], [2, 3]]
    assert detect(background() + stepped(timedelta(hours=1, seconds=1))) == []
    assert len(detect(background() + stepped(timedelta(hours=2)),
                      settings=Settings(lockstep=timedelta(hours=2)))) == 1
    (finding,) = detect(background() + stepped(timedelta(minutes=30)))
    assert len(finding.evidence["pairs"]) == 3  # 1-3 exactly one hour apart


def half_in_step():
    """Three accounts, four ideas: ideas 1 and 2 voted together, 3 and 4 hours apart."""
    return ring([1, 2, 3], [1, 2]) + ring([1, 2, 3], [3, 4], at=RING_AT + timedelta(days=5),
                                          every=timedelta(hours=2))


def test_lockstep_share_edge():
    (finding,) = detect(background() + half_in_step())
    assert finding.evidence["lockstep_share"] == 0.5
    # (1 - 1/3) * (1.0 + 0.5) / 2
    assert finding.score == pytest.approx(0.5, abs=5e-4)
    assert detect(background() + half_in_step(), settings=Settings(lockstep_share=0.51)) == []


def test_lift_edge():
    # 112 + 20 votes: lift 132/20 = 6.6 for each pair
    events = background() + ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    assert len(detect(events, settings=Settings(lift=6.6))) == 1
    assert detect(events, settings=Settings(lift=6.61)) == []


def test_a_subject_counts_at_most_once_in_the_prediction():
    """Six accounts vote together for ideas 1-3, ten others only for idea 1 (28 votes): with
    3 votes a member would hit idea 1 with a "chance" of 3 * 16 / 28 > 1, counted as 1; ideas
    2 and 3 with 3 * 6 / 28 each: lift 3 / (1 + 36/28) = 1.3125."""
    events = ring(range(1, 7), [1, 2, 3]) + launch(range(11, 21), [1])
    (finding,) = detect(events, settings=Settings(lift=1.0))
    assert {p["lift"] for p in finding.evidence["pairs"]} == {1.31}
    assert detect(events, settings=Settings(lift=1.32)) == []


def test_common_subjects_are_left_out_of_the_sets():
    # 32 voting accounts; the ring's ideas have 4 voters each
    events = background() + ring([1, 2, 3, 4], [1, 2, 3])
    assert len(detect(events, settings=Settings(popular_min=4, popular_share=0.0))) == 1
    assert detect(events, settings=Settings(popular_min=3, popular_share=0.0)) == []
    assert len(detect(events, settings=Settings(popular_min=0, popular_share=4 / 32))) == 1
    assert detect(events, settings=Settings(popular_min=0, popular_share=3.9 / 32)) == []
    # the larger of the two bounds applies
    assert len(detect(events, settings=Settings(popular_min=4, popular_share=0.0001))) == 1
    assert len(detect(events, settings=Settings(popular_min=0, popular_share=0.5))) == 1


def test_common_subjects_count_as_votes_but_not_as_shared():
    """Account 1 also voted for a very common idea: it shows in its votes, not in the ring."""
    events = background() + ring([1, 2, 3], [1, 2, 3]) + [Vote(1, idea(99), T0)]
    events += [Vote(1000 + i, idea(99), T0) for i in range(BACKGROUND)]
    (finding,) = detect(events, settings=Settings(popular_min=10, popular_share=0.0))
    assert finding.evidence["accounts"][0] == {"account": 1, "votes": 4, "created_at": None}
    assert finding.evidence["jaccard"] == 1.0
    assert idea(99) not in finding.subjects


def test_pushed_share_edge():
    """Members 1 and 2 also voted for idea 6 together: half of a ring of four."""
    events = background() + ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    events += ring([1, 2], [6], at=RING_AT + timedelta(days=9))
    (finding,) = detect(events)
    assert idea(6) in finding.subjects
    assert finding.evidence["subjects"][-1] == {
        "subject": ["idea", 6], "voters": 2, "ring_voters": [1, 2],
        "first": "2026-10-13T09:00:00", "last": "2026-10-13T09:05:00", "spread_minutes": 5.0}
    (finding,) = detect(events, settings=Settings(pushed_share=0.51))
    assert idea(6) not in finding.subjects
    assert idea(5) in finding.subjects
    (finding,) = detect(events, settings=Settings(pushed_share=1.0))
    assert idea(5) in finding.subjects  # voted by all four
    (finding,) = detect(events, settings=Settings(pushed_share=0.0))
    assert idea(6) in finding.subjects  # at least two members, whatever the share


def test_pushed_needs_two_members_in_a_small_ring():
    """A subject only one member voted for is never pushed, even in a ring of three where half
    the ring rounds up to two."""
    (finding,) = detect(background() + loose_ring(), settings=Settings(pushed_share=0.0))
    assert [x for x in finding.subjects if x[0] == "idea"] == [idea(1), idea(2), idea(3)]


@pytest.mark.parametrize(("members", "events", "score"), [
    ([1, 2, 3, 4, 5, 6], ring(range(1, 7), [1, 2, 3, 4]), 0.833),  # (1 - 1/6) * 1
    ([1, 2, 3, 4], ring([1, 2, 3, 4], [1, 2, 3, 4]), 0.75),  # (1 - 1/4) * 1
    ([1, 2, 3], ring([1, 2, 3], [1, 2, 3, 4]), 0.667),  # (1 - 1/3) * 1
    ([1, 2, 3], half_in_step(), 0.5),  # (1 - 1/3) * (1 + 0.5) / 2
    ([1, 2, 3], loose_ring(), 0.533),  # (1 - 1/3) * (0.6 + 1) / 2
])
def test_scores(members, events, score):
    (finding,) = detect(background() + events)
    assert accounts_of(finding) == members
    assert finding.score == pytest.approx(score, abs=5e-4)


def test_a_bigger_tighter_ring_ranks_first():
    big = ring(range(1, 7), [1, 2, 3, 4])
    small = ring([11, 12, 13], [21, 22, 23], at=RING_AT + timedelta(days=20))
    loose = [Vote(v.account_id + 20, idea(v.subject[1] + 40), v.at) for v in loose_ring()]
    found = detect(background() + loose + small + big)
    assert [accounts_of(f) for f in found] == [[1, 2, 3, 4, 5, 6], [11, 12, 13], [21, 22, 23]]
    assert [f.score for f in found] == [0.833, 0.667, 0.533]
    assert all(0 <= f.score <= 1 for f in found)


def test_equal_scores_are_ordered_by_their_accounts():
    first = ring([7, 8, 9], [1, 2, 3])
    second = ring([4, 5, 6], [11, 12, 13], at=RING_AT + timedelta(days=10))
    found = detect(background() + first + second)
    assert [accounts_of(f) for f in found] == [[4, 5, 6], [7, 8, 9]]


def test_fewer_permutations_still_find_a_ring():
    events = background() + ring([1, 2, 3], [1, 2, 3])
    assert len(detect(events, settings=Settings(num_perm=16))) == 1


@pytest.mark.parametrize(("failing", "passing"), [
    # candidates that fail one check each, with lower ids than the ring: checked first; each
    # passes with that check relaxed (so LSH did propose it)
    pytest.param(ring([1, 2], [1, 2, 3, 4]) + ring([1], [91, 92]) + ring([2], [93, 94]),
                 Settings(jaccard=0.5, min_size=2), id="jaccard"),  # 4 shared of 8
    pytest.param(launch(range(1, 41), [81, 82, 83]), Settings(lift=1.0), id="lift"),
    pytest.param(ring([1, 2], [1, 2, 3], every=timedelta(days=1)),
                 Settings(lockstep=timedelta(days=1), min_size=2), id="lockstep"),
])
def test_candidates_that_fail_do_not_hide_a_ring(failing, passing):
    events = background() + failing + ring([50, 51, 52], [61, 62, 63, 64])
    assert [accounts_of(f) for f in detect(events)] == [[50, 51, 52]]
    assert any(accounts_of(f)[:2] == [1, 2] for f in detect(events, settings=passing))


def test_the_evidence_is_rounded():
    """Ideas 1-4 voted together (317 s apart), 5-6 two hours apart per member; member 1 has an
    idea of its own: Jaccard 6/7 with it, 1 between the others; lockstep 4/6 for every pair."""
    events = ring([1, 2, 3], [1, 2, 3, 4], every=timedelta(seconds=317))
    events += ring([1, 2, 3], [5, 6], at=RING_AT + timedelta(days=7), every=timedelta(hours=2))
    events += [Vote(1, idea(70), RING_AT)]
    (finding,) = detect(background() + events,
                        settings=Settings(lockstep=timedelta(seconds=5434)))
    evidence = finding.evidence
    assert evidence["jaccard"] == 0.905  # (6/7 + 6/7 + 1) / 3
    assert evidence["lockstep_share"] == 0.667
    assert evidence["lockstep_minutes"] == 90.6
    assert [(p["jaccard"], p["lockstep_share"]) for p in evidence["pairs"]] == [
        (0.857, 0.667), (0.857, 0.667), (1.0, 0.667)]
    assert [s["spread_minutes"] for s in evidence["subjects"]] == [10.6] * 4 + [240.0] * 2
    assert finding.score == 0.524  # (1 - 1/3) * (0.9048 + 0.6667) / 2


def test_max_pairs_edge():
    events = background() + ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    (finding,) = detect(events, settings=Settings(max_pairs=6))
    assert len(finding.evidence["pairs"]) == 6
    (finding,) = detect(events, settings=Settings(max_pairs=5))
    assert finding.evidence["pair_count"] == 6
    assert [p["accounts"] for p in finding.evidence["pairs"]] == [
        [1, 2], [1, 3], [1, 4], [2, 3], [2, 4]]
    assert finding.score == 0.75  # every pair counts, listed or not


def community(subject_voters=None, votes=132, voters=32):
    """The counts of background() + the ring of four on ideas 1-5: 132 votes, 32 voters."""
    if subject_voters is None:
        subject_voters = {idea(n): 4 for n in range(1, 6)}
    return Population(votes=votes, voters=voters, subject_voters=subject_voters)


def test_a_partial_read_is_judged_against_the_whole_community():
    """An incremental scan reads only the ring's votes: alone, they are the whole "community",
    every idea voted by everybody (lift 1); against the community's counts, lift 6.6."""
    partial = ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    assert detect(partial) == []
    (finding,) = detect(partial, population=community())
    assert finding == detect(background() + partial)[0]
    # counts below what the votes show are stale: the votes' own counts stand
    assert detect(partial, population=community({}, votes=1, voters=1)) == []
    assert detect(background() + partial, population=community({}, votes=1, voters=1)) == \
        detect(background() + partial)


def test_the_communitys_subject_counts_replace_the_partial_ones():
    partial = ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    # forty voters each: 5 * 40 / 132 > 1, every idea expected: lift 1
    crowded = community({idea(n): 40 for n in range(1, 6)})
    assert detect(partial, population=crowded) == []
    (finding,) = detect(partial, population=crowded, settings=Settings(lift=1.0))
    assert {s["voters"] for s in finding.evidence["subjects"]} == {40}
    # a subject the community's counts do not name keeps its own count
    (finding,) = detect(partial, population=community({idea(1): 40}))
    assert [s["voters"] for s in finding.evidence["subjects"]] == [40, 4, 4, 4, 4]


def test_the_communitys_voters_decide_what_is_common():
    partial = ring([1, 2, 3, 4], [1, 2, 3, 4, 5])
    share = Settings(popular_min=0, popular_share=0.125)  # 4 of 32 voters is not common
    assert len(detect(partial, population=community(voters=32), settings=share)) == 1
    assert detect(partial, population=community(voters=31), settings=share) == []
