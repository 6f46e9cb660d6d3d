"""`flask trust scan` on the real database (SQLite and PostgreSQL): a planted voting ring
becomes one flag per account with its evidence, honest voters stay unflagged, a second scan
refreshes instead of duplicating, scans are incremental and partitioned, a dismissed flag is
not reopened at the same score, and nothing is ever decided by the scan. With Redis, the same
scan runs as a scheduled RQ job."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.activity import Activity, ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.ideas import service as ideas
from community.moderation import service as moderation
from community.moderation.models import Flag, FlagKind, FlagReason, FlagState
from community.timeutil import utcnow
from community.trust import scan
from community.trust.scan import ScanKind, ScanRun
from tests.conftest import make_user
from tests.ideas.factories import make_idea
from tests.requirements import REDIS_URL, redis_problem, require


def people(app, prefix, count, age_days=400):
    ids = []
    for n in range(count):
        user = make_user(app, f"{prefix} {n}", f"{prefix.lower()}{n}@example.com",
                         created_at=utcnow() - timedelta(days=age_days))
        ids.append(user.id)
    return ids


def vote(app, user_id, idea_id, importance=2):
    with app.app_context():
        user = db.session.get(User, user_id)
        from community.ideas.models import Idea

        ideas.cast_vote(user, db.session.get(Idea, idea_id), importance, None)
        db.session.commit()


@pytest.fixture
def world(app):
    return build_world(app)


def build_world(app):
    """An author with 40 ideas; 30 honest members each voting for three different ideas."""
    author = make_user(app, "Ada Author", "ada@example.com").id
    idea_ids = [make_idea(app, author, title=f"Idea number {n} about things",
                          body=f"Body {n} of a real idea.") for n in range(40)]
    honest = people(app, "Honest", 30)
    for n, user_id in enumerate(honest):
        for idea_id in {idea_ids[n % 40], idea_ids[(n * 7 + 3) % 40], idea_ids[(n * 13 + 5) % 40]}:
            vote(app, user_id, idea_id)
    return {"author": author, "ideas": idea_ids, "honest": honest}


def plant_ring(app, world, size=5):
    ring = people(app, "Ring", size, age_days=2)
    for user_id in ring:
        for idea_id in world["ideas"][30:34]:
            vote(app, user_id, idea_id, importance=3)
    return ring


def run_scan(app, *args):
    result = app.test_cli_runner().invoke(args=["trust", "scan", "--quiet", *args])
    assert result.exit_code == 0, result.output
    return result.output


def detector_flags(app):
    with app.app_context():
        return {(f.subject_type, f.subject_id): (f.state, f.score, f.evidence)
                for f in db.session.scalars(sa.select(Flag).where(
                    Flag.kind == FlagKind.DETECTOR))}


def test_a_planted_ring_is_flagged_account_by_account_with_its_evidence(app, world):
    ring = plant_ring(app, world)
    output = run_scan(app, "--full")
    assert "full scan of part 0/1" in output
    flags = detector_flags(app)
    flagged_accounts = {sid for (kind, sid) in flags if kind == "account"}
    assert set(ring) <= flagged_accounts
    assert not flagged_accounts & set(world["honest"])
    state, score, evidence = flags[("account", ring[0])]
    assert state is FlagState.OPEN and score >= 0.5
    assert evidence["lead"] == "co_voting_ring"
    (ring_finding,) = [f for f in evidence["findings"] if f["detector"] == "co_voting_ring"]
    assert {sid for kind, sid in ring_finding["subjects"] if kind == "account"} == set(ring)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScanRun)) == 1


def test_a_second_scan_refreshes_and_never_duplicates(app, world):
    ring = plant_ring(app, world)
    run_scan(app, "--full")
    first = detector_flags(app)
    output = run_scan(app, "--full")
    assert "0 flags opened" in output and f"{len(first)} refreshed" in output
    assert detector_flags(app).keys() == first.keys()
    with app.app_context():
        open_for = db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(
            Flag.subject_type == "account", Flag.subject_id == ring[0]))
    assert open_for == 1


def test_the_scan_decides_nothing(app, world):
    plant_ring(app, world)
    run_scan(app, "--full")
    assert {state for state, _, _ in detector_flags(app).values()} == {FlagState.OPEN}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(
            Flag.decided_by_id.is_not(None))) == 0


def test_a_dismissed_flag_comes_back_only_with_a_higher_score(app, world, moderator):
    ring = plant_ring(app, world)
    run_scan(app, "--full")
    with app.app_context():
        mod = db.session.get(User, moderator.id)
        moderation.decide_subject(mod, "account", ring[0], "dismiss", "known colleagues")
        db.session.commit()
    run_scan(app, "--full")
    with app.app_context():
        states = list(db.session.scalars(sa.select(Flag.state).where(
            Flag.subject_type == "account", Flag.subject_id == ring[0])))
    assert states == [FlagState.DISMISSED]


def test_the_next_scan_is_incremental_and_reads_only_what_changed(app, world):
    run_scan(app)  # the first scan is always full
    assert detector_flags(app) == {}
    ring = plant_ring(app, world)
    output = run_scan(app)
    assert output.startswith("incremental scan")
    with app.app_context():
        runs = list(db.session.scalars(sa.select(ScanRun).order_by(ScanRun.id)))
        assert [r.kind for r in runs] == [ScanKind.FULL, ScanKind.INCREMENTAL]
        assert runs[1].since == runs[0].started_at
        ring_votes = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
            Activity.kind == ActivityKind.VOTE_CAST, Activity.user_id.in_(ring)))
        # It read the ring's votes and the history of the ideas they touched, not all votes.
        all_votes = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
            Activity.kind == ActivityKind.VOTE_CAST))
        assert ring_votes <= runs[1].events < all_votes + ring_votes
    assert set(ring) <= {sid for (kind, sid) in detector_flags(app) if kind == "account"}
    idle = run_scan(app)  # nothing happened since: nothing read, nothing opened
    assert idle.startswith("incremental scan") and "0 events" in idle


def test_a_full_scan_comes_when_the_last_is_too_old(app, world):
    run_scan(app)
    with app.app_context():
        run = db.session.scalars(sa.select(ScanRun)).one()
        run.started_at -= timedelta(hours=app.config["TRUST_FULL_SCAN_HOURS"] + 1)
        db.session.commit()
    assert run_scan(app).startswith("full scan")


def test_partitions_share_a_scan_without_overlap(app, world):
    plant_ring(app, world, size=6)
    run_scan(app, "--full")
    whole = set(detector_flags(app))
    with app.app_context():
        db.session.execute(sa.delete(Flag))
        db.session.execute(sa.delete(ScanRun))
        db.session.commit()
    parts = []
    for index in range(3):
        run_scan(app, "--full", "--partition", f"{index}/3")
        now = set(detector_flags(app))
        parts.append(now - set().union(*parts) if parts else now)
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)


@pytest.mark.parametrize("bad", ["3/3", "x", "1/0", "-1/2"])
def test_a_bad_partition_is_refused_clearly(app, bad):
    result = app.test_cli_runner().invoke(args=["trust", "scan", "--partition", bad])
    assert result.exit_code != 0
    assert "partition" in result.output.lower()


def test_one_open_flag_per_detector_and_subject_is_enforced_by_the_database(app):
    with app.app_context():
        for _ in range(2):
            db.session.add(Flag(kind=FlagKind.DETECTOR, subject_type="account", subject_id=9,
                                reason=FlagReason.DETECTOR, detector="trust", score=0.6))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # A decided flag and an open one may coexist (a later finding after a dismissal).
        db.session.add(Flag(kind=FlagKind.DETECTOR, subject_type="account", subject_id=9,
                            reason=FlagReason.DETECTOR, detector="trust", score=0.6,
                            state=FlagState.OPEN))
        db.session.commit()


def test_the_scan_runs_as_a_scheduled_job_on_redis(make_app):
    require(redis_problem() is None, redis_problem() or "")
    app = make_app(REDIS_URL=REDIS_URL, TRUST_QUEUE=f"cercle-trust-test-{uuid.uuid4().hex}",
                   TRUST_SCAN_EVERY_SECONDS=3600)
    plant_ring(app, build_world(app))
    runner = app.test_cli_runner()
    try:
        first = runner.invoke(args=["trust", "schedule"])
        assert "scan of part 0/1: queued" in first.output, first.output
        again = runner.invoke(args=["trust", "schedule"])
        assert "already pending" in again.output
        worked = runner.invoke(args=["trust", "worker", "--burst"])
        assert worked.exit_code == 0, worked.output
        with app.app_context():
            assert db.session.scalars(sa.select(ScanRun)).one().kind is ScanKind.FULL
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) >= 5
            from rq.registry import ScheduledJobRegistry

            from community.trust import jobs

            queue = jobs.queue()
            assert ScheduledJobRegistry(queue=queue).count == 1  # the next scan, in an hour
    finally:
        with app.app_context():
            from community.trust import jobs

            queue = jobs.queue()
            keys = queue.connection.keys(f"*{app.config['TRUST_QUEUE']}*")
            if keys:
                queue.connection.delete(*keys)


def test_without_redis_the_schedule_commands_say_what_to_do(app):
    for command in (["trust", "schedule"], ["trust", "worker", "--burst"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_a_partition_owns_a_subject_by_a_stable_hash():
    subjects = [("account", n) for n in range(200)]
    parts = [scan.Partition.parse(f"{k}/4") for k in range(4)]
    owners = [[p for p in parts if p.owns(s)] for s in subjects]
    assert all(len(o) == 1 for o in owners)
    assert all(any(o == [p] for o in owners) for p in parts)  # every part gets some
    assert scan.Partition.parse(None).owns(("account", 1))
    assert str(scan.Partition.parse("2/5")) == "2/5"
