"""``flask trust scan``: the detectors over the activity log, their findings fused and turned
into moderation flags. It opens or refreshes flags and never decides one.

A scan reads plain events (``trust/detectors/events.py``): accounts from the accounts table,
standing votes and where members acted from (keyed hashes) from the activity log, ratings,
texts and interactions from what content domains register (``trust/sources.py``). It runs
every detector through ``pipeline.findings``, fuses the findings (``combiner.Combined``) and
opens one flag per suspicious subject whose suspicion reaches TRUST_FLAG_AT, refreshing the
open one if there is one (``moderation.service.open_detector_flag`` under the detector name
``trust``; a unique index keeps one open flag per subject and detector).

**Incremental**: a scan reads what happened since the last scan started (the accounts and
subjects it touched) and runs only the detectors those events feed, over the history they
need: votes on the touched subjects and by the touched accounts, every rating when a review
was written, recent texts when one was. A full scan runs when none ran within
TRUST_FULL_SCAN_HOURS. **Partitioned**: ``--partition k/n`` keeps the flags of subjects whose
stable hash falls in part *k* of *n*, so several workers share one scan without ever writing
the same flag.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from community.accounts.activity import Activity, ActivityKind
from community.accounts.models import STAFF_ROLES, User
from community.extensions import db, enum_column
from community.moderation import reduced
from community.moderation import service as moderation
from community.timeutil import utcnow
from community.trust import pipeline, sources
from community.trust.combiner import Combined
from community.trust.detectors import Finding, rings
from community.trust.detectors.events import Account, Trace, Vote

FLAG_DETECTOR = "trust"
VOTE_KINDS = (ActivityKind.VOTE_CAST, ActivityKind.VOTE_CHANGED, ActivityKind.VOTE_WITHDRAWN)


class ScanKind(enum.Enum):
    FULL = "full"
    INCREMENTAL = "incremental"


class ScanRun(db.Model):
    """One scan: when it ran, what it read and what it opened."""

    __tablename__ = "trust_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ScanKind] = mapped_column(enum_column(ScanKind, "trust_scan_kind"))
    part: Mapped[str] = mapped_column(sa.String(20), default="0/1")
    since: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    events: Mapped[int] = mapped_column(default=0)
    findings: Mapped[int] = mapped_column(default=0)
    flags_opened: Mapped[int] = mapped_column(default=0)
    flags_refreshed: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Partition:
    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str | None) -> Partition:
        if not text:
            return cls()
        index, _, count = text.partition("/")
        part = cls(int(index), int(count))
        if part.count < 1 or not 0 <= part.index < part.count:
            raise ValueError(f"a partition is k/n with 0 <= k < n, not {text!r}")
        return part

    def owns(self, subject: tuple[str, int]) -> bool:
        if self.count == 1:
            return True
        return zlib.crc32(f"{subject[0]}:{subject[1]}".encode()) % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass
class Touched:
    """What changed since the last scan: None means everything (a full scan)."""

    accounts: set[int] = field(default_factory=set)
    subjects: set[tuple[str, int]] = field(default_factory=set)
    kinds: set[ActivityKind] = field(default_factory=set)

    @property
    def votes(self) -> bool:
        return bool(self.kinds & set(VOTE_KINDS))

    @property
    def reviews(self) -> bool:
        return bool(self.kinds & {ActivityKind.REVIEW_WRITTEN, ActivityKind.REVIEW_EDITED})

    @property
    def texts(self) -> bool:
        return self.reviews or ActivityKind.POST_WRITTEN in self.kinds


@dataclass
class Result:
    run: ScanRun
    findings: list[Finding]
    suspicions: dict[tuple[str, int], float]


Progress = Callable[[str], None]


# --- reading the events ------------------------------------------------------------------

def settings_from_config() -> pipeline.Settings:
    return pipeline.Settings(flag_at=current_app.config["TRUST_FLAG_AT"])


def load_accounts(ids: Iterable[int] | None = None) -> dict[int, Account]:
    domains = {d.lower() for d in current_app.config.get("COMPANY_DOMAINS", ())}
    query = sa.select(User.id, User.created_at, User.role, User.email, User.email_verified_at,
                      User.votes_discounted_at, User.deleted_at)
    wanted = None if ids is None else sorted(set(ids))
    accounts = {}
    for chunk in _chunks(wanted):
        rows = db.session.execute(query if chunk is None else query.where(User.id.in_(chunk)))
        for row in rows:
            verified = row.email_verified_at is not None and row.deleted_at is None
            domain = (row.email or "").rpartition("@")[2].lower()
            accounts[row.id] = Account(
                id=row.id, created_at=row.created_at, verified=verified,
                staff=row.role in STAFF_ROLES or (verified and domain in domains),
                discounted=row.votes_discounted_at is not None)
    return accounts


def _chunks(ids: list[int] | None, size: int = 900):
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def load_votes(subjects: set[tuple[str, int]] | None = None,
               accounts: set[int] | None = None) -> list[Vote]:
    """The votes standing in the activity log (the last event of each account on a subject,
    unless it is a withdrawal), optionally only on ``subjects`` or by ``accounts``.

    A full scan reads a million rows here: the database says whether each is a withdrawal
    (no enum converted per row), and each vote is held as a plain tuple until the end (one
    ``Vote`` per standing vote, not per event)."""
    withdrawal = (Activity.kind == ActivityKind.VOTE_WITHDRAWN).label("withdrawal")
    query = (sa.select(Activity.user_id, Activity.subject_type, Activity.subject_id,
                       withdrawal, Activity.value, Activity.at)
             .where(Activity.kind.in_(VOTE_KINDS)).order_by(Activity.at, Activity.id))
    if subjects is not None or accounts is not None:
        conditions = []
        for kind in {t for t, _ in subjects or ()}:
            ids = sorted(i for t, i in subjects if t == kind)
            for chunk in _chunks(ids):
                conditions.append(sa.and_(Activity.subject_type == kind,
                                          Activity.subject_id.in_(chunk)))
        for chunk in _chunks(sorted(accounts or ())):
            conditions.append(Activity.user_id.in_(chunk))
        if not conditions:
            return []
        query = query.where(sa.or_(*conditions))
    # (account, subject type, subject id) -> (first cast, importance), None once withdrawn
    standing: dict[tuple[int, str, int], tuple[datetime, int] | None] = {}
    rows = db.session.execute(query.execution_options(yield_per=10_000))
    for user_id, subject_type, subject_id, withdrawn, value, at in rows:
        key = (user_id, subject_type, subject_id)
        if withdrawn:
            standing[key] = None
            continue
        held = standing.get(key)
        # a vote stands from when it was cast, with its latest importance
        standing[key] = (at if held is None else held[0], value or 1)
    return [Vote(user_id, (subject_type, subject_id), held[0], held[1])
            for (user_id, subject_type, subject_id), held in standing.items()
            if held is not None]


def load_population(subjects: set[tuple[str, int]]) -> rings.Population:
    """The community's standing votes, voters, and voters of each of ``subjects``, counted
    from the activity log (casts less withdrawals), for an incremental scan."""
    cast, withdrawn = ActivityKind.VOTE_CAST, ActivityKind.VOTE_WITHDRAWN
    net = sa.func.sum(sa.case((Activity.kind == cast, 1), (Activity.kind == withdrawn, -1),
                              else_=0))
    votes = db.session.scalar(sa.select(net).where(Activity.kind.in_((cast, withdrawn)))) or 0
    voters = db.session.scalar(sa.select(sa.func.count(sa.distinct(Activity.user_id)))
                               .where(Activity.kind == cast)) or 0
    per_subject: dict[tuple[str, int], int] = {}
    for kind in {t for t, _ in subjects}:
        ids = sorted(i for t, i in subjects if t == kind)
        for chunk in _chunks(ids):
            query = (sa.select(Activity.subject_id, net)
                     .where(Activity.kind.in_((cast, withdrawn)), Activity.subject_type == kind,
                            Activity.subject_id.in_(chunk))
                     .group_by(Activity.subject_id))
            per_subject.update({(kind, sid): count for sid, count in db.session.execute(query)})
    return rings.Population(votes=int(votes), voters=int(voters),
                            subject_voters=per_subject)


def load_traces(accounts: set[int] | None = None) -> list[Trace]:
    """One trace per account and network or device hash it acted from (the latest time).

    One pass over the log, grouped by account, network and device together, folded here into
    the latest time per account and network and per account and device (two GROUP BYs, one
    per column, cost twice the sort on SQLite)."""
    latest: dict[tuple[int, str, str], datetime] = {}
    query = (sa.select(Activity.user_id, Activity.net_hash, Activity.device_hash,
                       sa.func.max(Activity.at))
             .where(sa.or_(Activity.net_hash.is_not(None), Activity.device_hash.is_not(None)))
             .group_by(Activity.user_id, Activity.net_hash, Activity.device_hash))
    for chunk in _chunks(None if accounts is None else sorted(accounts)):
        q = query if chunk is None else query.where(Activity.user_id.in_(chunk))
        for user_id, net, device, at in db.session.execute(q):
            for key in (("net", net), ("device", device)):
                if key[1] is not None:
                    seen = latest.get((user_id, *key))
                    if seen is None or at > seen:
                        latest[(user_id, *key)] = at
    return [Trace(user_id, kind, value, at)
            for (user_id, kind, value), at in latest.items()]


def touched_since(since: datetime) -> Touched:
    touched = Touched()
    query = (sa.select(Activity.user_id, Activity.subject_type, Activity.subject_id,
                       Activity.kind).where(Activity.at >= since)
             .execution_options(yield_per=10_000))
    for user_id, subject_type, subject_id, kind in db.session.execute(query):
        touched.accounts.add(user_id)
        touched.kinds.add(kind)
        if subject_type is not None and subject_id is not None:
            touched.subjects.add((subject_type, subject_id))
    return touched


def build_inputs(touched: Touched | None, now: datetime, settings: pipeline.Settings,
                 text_window: timedelta) -> pipeline.Inputs:
    """The events the detectors need: everything (``touched`` None), or what the touched
    accounts and subjects need."""
    inputs = pipeline.Inputs()
    if touched is None:
        inputs.votes = load_votes()
        inputs.ratings = list(sources.ratings(None))
        inputs.texts = list(sources.texts(None))
        inputs.interactions = list(sources.interactions(None))
        inputs.traces = load_traces()
        inputs.accounts = load_accounts()
        return inputs
    if touched.votes:
        vote_subjects = {s for s in touched.subjects if s[0] not in ("account", "review",
                                                                        "post", "product")}
        inputs.votes = load_votes(vote_subjects, touched.accounts)
        inputs.population = load_population({v.subject for v in inputs.votes})
        inputs.traces = load_traces(touched.accounts)
        since = now - settings.bursts.baseline - settings.bursts.window
        inputs.interactions = [i for i in sources.interactions(since)
                               if i.account_id in touched.accounts
                               or i.target_account_id in touched.accounts]
    if touched.reviews:
        inputs.ratings = list(sources.ratings(None))
    if touched.texts:
        inputs.texts = list(sources.texts(now - text_window))
    ids = {v.account_id for v in inputs.votes} | {r.account_id for r in inputs.ratings}
    ids |= {t.account_id for t in inputs.texts} | {t.account_id for t in inputs.traces}
    ids |= {i.account_id for i in inputs.interactions}
    ids |= {i.target_account_id for i in inputs.interactions}
    inputs.accounts = load_accounts(ids)
    return inputs


# --- flags ---------------------------------------------------------------------------------

def suspicions(combined: Combined) -> dict[tuple[str, int], float]:
    """Each subject's fused suspicion; a review's includes its author's (``Combined.review``)."""
    result = combined.subjects()
    for subject in list(result):
        if subject[0] == "review":
            authors = [sid for f in combined.findings[subject] for kind, sid in f.subjects
                       if kind == "account"]
            result[subject] = combined.review(subject[1], authors[0] if authors else None)
    return result


def open_flags(combined: Combined, flag_at: float, partition: Partition,
               touched: Touched | None) -> tuple[int, int, dict]:
    opened = refreshed = 0
    flagged_accounts: list[int] = []
    scores = suspicions(combined)
    open_before = _open_flag_subjects()  # one query, not one per subject flagged
    for subject, suspicion in sorted(scores.items()):
        if suspicion < flag_at or not partition.owns(subject):
            continue
        if touched is not None and not _concerns(subject, combined, touched):
            continue
        existing = subject in open_before
        flag = moderation.open_detector_flag(FLAG_DETECTOR, subject[0], subject[1],
                                             round(suspicion, 3),
                                             combined.evidence(subject, suspicion))
        if flag is None:
            continue
        if subject[0] == "account":
            flagged_accounts.append(subject[1])
        if existing:
            refreshed += 1
        else:
            opened += 1
    # Until a moderator decides, a flagged account weighs less (TRUST_REDUCED_WEIGHT).
    reduced.refresh_reduced(flagged_accounts)
    return opened, refreshed, scores


def _concerns(subject, combined: Combined, touched: Touched) -> bool:
    """An incremental scan flags only what its new events are about."""
    if subject in touched.subjects or (subject[0] == "account" and subject[1] in touched.accounts):
        return True
    return any(s in touched.subjects or (s[0] == "account" and s[1] in touched.accounts)
               for f in combined.findings.get(subject, []) for s in f.subjects)


def _open_flag_subjects() -> set[tuple[str, int]]:
    """The subjects with an open flag of this detector (a partition only ever writes its own
    subjects' flags, so what it reads here stays true while it opens its flags)."""
    from community.moderation.models import Flag, FlagKind, FlagState

    return {(subject_type, subject_id) for subject_type, subject_id in db.session.execute(
        sa.select(Flag.subject_type, Flag.subject_id).where(
            Flag.kind == FlagKind.DETECTOR, Flag.detector == FLAG_DETECTOR,
            Flag.state == FlagState.OPEN))}


# --- the scan -------------------------------------------------------------------------------

def last_run(kind: ScanKind | None = None, partition: Partition = Partition()) -> ScanRun | None:
    query = sa.select(ScanRun).where(ScanRun.finished_at.is_not(None),
                                     ScanRun.part == str(partition))
    if kind is not None:
        query = query.where(ScanRun.kind == kind)
    return db.session.scalars(query.order_by(ScanRun.started_at.desc()).limit(1)).first()


def scan(*, full: bool = False, partition: Partition = Partition(),
         now: datetime | None = None, progress: Progress | None = None) -> Result:
    """Run the detectors and open or refresh flags. Flushes; the caller commits."""
    now = now or utcnow()
    cfg = current_app.config
    settings = settings_from_config()
    say = progress or (lambda _step: None)
    last = last_run(partition=partition)
    last_full = last_run(ScanKind.FULL, partition)
    stale = last_full is None or now - last_full.started_at > timedelta(
        hours=cfg["TRUST_FULL_SCAN_HOURS"])
    run = ScanRun(kind=ScanKind.FULL if (full or stale or last is None) else
                  ScanKind.INCREMENTAL, part=str(partition), started_at=now)
    touched = None
    if run.kind is ScanKind.INCREMENTAL:
        run.since = last.started_at
        say("reading what changed")
        touched = touched_since(run.since)
    say("reading events")
    inputs = build_inputs(touched, now, settings,
                          timedelta(days=cfg["TRUST_TEXT_WINDOW_DAYS"]))
    run.events = (len(inputs.votes) + len(inputs.ratings) + len(inputs.texts)
                  + len(inputs.traces) + len(inputs.interactions))
    findings = pipeline.findings(inputs, now, settings, progress=say)
    run.findings = len(findings)
    say("opening flags")
    combined = Combined(findings)
    run.flags_opened, run.flags_refreshed, scores = open_flags(
        combined, settings.flag_at, partition, touched)
    run.finished_at = utcnow()
    db.session.add(run)
    db.session.flush()
    return Result(run=run, findings=findings, suspicions=scores)
