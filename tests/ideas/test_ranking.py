"""The ranking rules, table-driven, without Flask or a database."""

from datetime import datetime, timedelta

import pytest

from community.ideas.ranking import (
    BallotEntry,
    Ranked,
    VoteValue,
    borda,
    borda_points,
    decayed,
    merge_votes,
    needs_rebase,
    order,
    trending_term,
    vote_weight,
)

EPOCH = datetime(2026, 1, 1)
T0 = datetime(2026, 6, 1)


@pytest.mark.parametrize(("importance", "trust", "weight"), [
    (1, 1.0, 1.0), (2, 1.0, 2.0), (3, 1.0, 3.0), (3, 0.5, 1.5), (2, 0.0, 0.0),
])
def test_vote_weight_is_importance_times_trust(importance, trust, weight):
    assert vote_weight(importance, trust) == weight


@pytest.mark.parametrize(("importance", "trust"), [(0, 1.0), (4, 1.0), (2, 1.5), (2, -0.1)])
def test_vote_weight_refuses_values_out_of_range(importance, trust):
    with pytest.raises(ValueError):
        vote_weight(importance, trust)


def test_trending_term_doubles_every_half_life():
    first = trending_term(1.0, T0, EPOCH, half_life_hours=168)
    assert trending_term(1.0, T0 + timedelta(hours=168), EPOCH, 168) == 2 * first
    assert isinstance(first, int)


def test_rebase_is_due_well_before_terms_could_overflow():
    assert not needs_rebase(EPOCH + timedelta(weeks=24), EPOCH, 168)
    assert needs_rebase(EPOCH + timedelta(weeks=25), EPOCH, 168)
    # Every vote rebases first when due, so no term is cast past 24 half-lives:
    biggest = trending_term(3.0, EPOCH + timedelta(weeks=24), EPOCH, 168)
    assert biggest * 10_000_000 < 2**63  # ten million such votes on one idea still fit


def test_decay_halves_a_score_after_one_half_life():
    stored = trending_term(3.0, T0, EPOCH, 168)
    assert decayed(stored, T0, EPOCH, 168) == pytest.approx(3.0, rel=1e-6)
    assert decayed(stored, T0 + timedelta(hours=168), EPOCH, 168) == pytest.approx(1.5, rel=1e-6)


def test_recent_votes_outrank_older_ones_of_more_weight_once_decayed():
    old = trending_term(3.0, T0, EPOCH, 168)                         # critical, 3 weeks ago
    new = trending_term(1.0, T0 + timedelta(weeks=3), EPOCH, 168)    # nice-to-have, now
    assert new > old  # 1 > 3 / 2**3
    assert order([Ranked(1, old, 1, T0), Ranked(2, new, 1, T0)]) == [2, 1]


def test_order_is_independent_of_when_it_is_computed():
    sums = {i: trending_term(w, T0 + timedelta(hours=h), EPOCH, 168)
            for i, (w, h) in enumerate([(1, 0), (3, 50), (2, 300), (1, 700)], 1)}
    for now in (T0 + timedelta(days=4), T0 + timedelta(days=40)):
        by_decay = sorted(sums, key=lambda i: -decayed(sums[i], now, EPOCH, 168))
        assert by_decay == sorted(sums, key=lambda i: -sums[i])


def test_order_under_ties_more_votes_then_older_then_lower_id():
    day = timedelta(days=1)
    ideas = [
        Ranked(5, 6.0, 2, T0), Ranked(4, 6.0, 3, T0 + day), Ranked(3, 6.0, 3, T0),
        Ranked(2, 6.0, 3, T0), Ranked(1, 9.0, 1, T0 + 2 * day),
    ]
    assert order(ideas) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("position", "points"), [(1, 10), (2, 9), (10, 1)])
def test_borda_points(position, points):
    assert borda_points(position) == points


@pytest.mark.parametrize("position", [0, 11])
def test_borda_refuses_positions_outside_the_ballot(position):
    with pytest.raises(ValueError):
        borda_points(position)


def test_borda_aggregate_is_trust_weighted():
    entries = [
        BallotEntry(1, idea_id=10, position=1, trust_weight=1.0),   # 10
        BallotEntry(1, idea_id=20, position=2, trust_weight=1.0),   # 9
        BallotEntry(2, idea_id=20, position=1, trust_weight=1.0),   # 10
        BallotEntry(3, idea_id=10, position=1, trust_weight=0.5),   # 5 (new account)
        BallotEntry(4, idea_id=30, position=1, trust_weight=0.0),   # staff: 0
    ]
    assert borda(entries) == {10: 15.0, 20: 19.0, 30: 0.0}


def test_merge_moves_lone_votes_and_keeps_the_higher_importance():
    target = [VoteValue(1, 1, None), VoteValue(2, 3, "need it"), VoteValue(4, 2, "mine")]
    source = [VoteValue(1, 3, "export"), VoteValue(2, 1, "x"), VoteValue(3, 2, None),
              VoteValue(4, 1, "other")]
    moves, updates = merge_votes(target, source)
    assert moves == [VoteValue(3, 2, None)]
    assert updates == [VoteValue(1, 3, "export")]  # member 2 and 4 keep theirs unchanged


def test_merge_arithmetic_keeps_one_vote_per_member():
    target = [VoteValue(m, 1, None) for m in range(0, 50, 2)]
    source = [VoteValue(m, 2, None) for m in range(0, 50, 3)]
    moves, updates = merge_votes(target, source)
    members_after = {v.member_id for v in target} | {v.member_id for v in moves}
    assert len(members_after) == len(target) + len(moves)
    assert members_after == {v.member_id for v in target} | {v.member_id for v in source}
    assert {u.member_id for u in updates} == {m for m in range(0, 50, 6)}
