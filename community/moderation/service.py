"""Moderation use cases: open flags, decide them, and keep the audit log.

Domains call in (``open_flag``, ``open_detector_flag``, ``record_action``) and teach moderation
how to show and hide their content through ``register_subject``; moderation imports no domain.
Every function flushes and never commits; the actor is a parameter.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from community import registry
from community.accounts.data import register_exporter
from community.accounts.models import Role, User
from community.extensions import db
from community.moderation.models import AuditEntry, Flag, FlagKind, FlagReason, FlagState
from community.refusals import Refused
from community.timeutil import iso, utcnow

DECISIONS = {"dismiss": FlagState.DISMISSED, "hide": FlagState.ACTIONED}


# ---- the registry: how each domain shows and hides what can be flagged ----

@dataclass(frozen=True)
class SubjectView:
    """What the queue shows of a subject: plain text only (the template escapes it)."""

    title: str
    url: str | None = None
    excerpt: str = ""
    author_name: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class SubjectHandler:
    """A domain's callables: ``describe(id)``, ``hide(actor, id, reason)``, and optionally
    ``describe_many(ids) -> {id: SubjectView}`` so a queue page costs one query per type."""

    describe: Callable[[int], SubjectView | None]
    hide: Callable[[User, int, str], None] | None = None
    describe_many: Callable[[Sequence[int]], dict[int, SubjectView]] | None = None


def register_subject(subject_type: str, handler: Any) -> None:
    """Teach moderation to show (and hide) one subject type, e.g. "post" or "topic"."""
    registry.table("moderation_subjects")[subject_type] = handler


def unknown_subject(subject_type: str, subject_id: int) -> SubjectView:
    """How a subject without a handler (or gone) is shown: "post #12"."""
    return SubjectView(title=f"{subject_type} #{subject_id}")


def describe_subjects(keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SubjectView]:
    """Describe many subjects, one ``describe_many`` call per type when the handler has one."""
    by_type: dict[str, list[int]] = {}
    for subject_type, subject_id in keys:
        by_type.setdefault(subject_type, []).append(subject_id)
    views: dict[tuple[str, int], SubjectView] = {}
    for subject_type, ids in by_type.items():
        handler = registry.table("moderation_subjects").get(subject_type)
        many = getattr(handler, "describe_many", None)
        if many is not None:
            found = many(ids)
        elif handler is not None:
            found = {i: handler.describe(i) for i in ids}
        else:
            found = {}
        for i in ids:
            views[(subject_type, i)] = found.get(i) or unknown_subject(subject_type, i)
    return views


# ---- opening flags ----

def open_flag(reporter: User, subject_type: str, subject_id: int, reason: FlagReason | str,
              note: str = "") -> Flag:
    """A member reports a subject (once: the database refuses a second report)."""
    reason = FlagReason(reason)
    if reason is FlagReason.DETECTOR:
        raise ValueError("members report with spam, abuse, off_topic or other")
    flag = Flag(kind=FlagKind.MEMBER_REPORT, subject_type=subject_type, subject_id=subject_id,
                reporter_id=reporter.id, reason=reason, note=(note or "").strip()[:500])
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        raise Refused("moderation.duplicate", 409) from None
    return flag


def open_detector_flag(detector: str, subject_type: str, subject_id: int, score: float,
                       evidence: dict | None) -> Flag | None:
    """A detector's finding: refreshes the open flag of the same detector and subject; after a
    dismissal it comes back only with a higher score (scans run again and again)."""
    last = db.session.scalars(sa.select(Flag).where(
        Flag.kind == FlagKind.DETECTOR, Flag.detector == detector,
        Flag.subject_type == subject_type, Flag.subject_id == subject_id,
    ).order_by(Flag.id.desc()).limit(1)).first()
    if last is not None and last.state is FlagState.OPEN:
        last.score, last.evidence = score, evidence
        db.session.flush()
        return last
    if (last is not None and last.state is FlagState.DISMISSED
            and score <= (last.score or 0.0)):
        return None
    flag = Flag(kind=FlagKind.DETECTOR, subject_type=subject_type, subject_id=subject_id,
                reason=FlagReason.DETECTOR, detector=detector, score=score, evidence=evidence)
    db.session.add(flag)
    db.session.flush()
    return flag


# ---- deciding ----

def decide_subject(moderator: User, subject_type: str, subject_id: int, decision: str,
                   note: str = "") -> list[Flag]:
    """Decide every open flag of a subject at once: dismiss them, or hide the content."""
    if not moderator.has_role(Role.MODERATOR):
        raise Refused("moderation.forbidden")
    if decision not in DECISIONS:
        raise Refused("moderation.bad_decision", 422)
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.subject_type == subject_type, Flag.subject_id == subject_id,
        Flag.state == FlagState.OPEN,
    ).order_by(Flag.id).with_for_update()))
    if not flags:
        raise Refused("moderation.nothing_open", 409)
    note = (note or "").strip()[:500]
    if decision == "hide":
        hide = getattr(registry.table("moderation_subjects").get(subject_type), "hide", None)
        if hide is None:
            raise Refused("moderation.cannot_hide", 422)
        hide(moderator, subject_id, note)
    now = utcnow()
    for flag in flags:
        flag.state, flag.decided_by_id = DECISIONS[decision], moderator.id
        flag.decided_at, flag.decision_note = now, note
    reasons = Counter(f.reason.value for f in flags)
    record_action(moderator, f"flag.{decision}", subject_type, subject_id, note,
                  {"flags": [f.id for f in flags], "reasons": dict(sorted(reasons.items()))})
    return flags


def decide_flag(moderator: User, flag: Flag, decision: str, note: str = "") -> list[Flag]:
    """Decide a flag, and with it every other open flag of the same subject."""
    return decide_subject(moderator, flag.subject_type, flag.subject_id, decision, note)


def record_action(actor: User | None, action: str, subject_type: str, subject_id: int,
                  reason: str = "", data: dict | None = None) -> AuditEntry:
    """Append one row to the audit log (who, what, on what, why, when); never updated."""
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, action=action[:40],
                       subject_type=subject_type, subject_id=subject_id,
                       reason=(reason or "").strip()[:500], data=data)
    db.session.add(entry)
    db.session.flush()
    return entry


# ---- reading: the queue, one subject, the audit log ----

@dataclass
class QueueItem:
    """One flagged subject in the queue, with all its open flags."""

    subject_type: str
    subject_id: int
    subject: SubjectView
    flags: list[Flag] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[FlagReason, int]]:
        return Counter(f.reason for f in self.flags).most_common()

    @property
    def first_at(self) -> datetime:
        return min(f.created_at for f in self.flags)

    @property
    def top_score(self) -> float | None:
        return max((f.score for f in self.flags if f.score is not None), default=None)


@dataclass
class Page:
    items: list
    next_cursor: int | None


def open_flags(after: int | None = None, per_page: int = 30) -> Page:
    """The queue: one item per subject with open flags, the longest waiting first (by its
    oldest open flag's id); ``after`` is the previous page's cursor. Four queries at most."""
    first = sa.func.min(Flag.id).label("first_id")
    query = (sa.select(Flag.subject_type, Flag.subject_id, first)
             .where(Flag.state == FlagState.OPEN)
             .group_by(Flag.subject_type, Flag.subject_id).order_by(first).limit(per_page + 1))
    if after is not None:
        query = query.having(first > after)
    groups = db.session.execute(query).all()
    more = len(groups) > per_page
    groups = groups[:per_page]
    if not groups:
        return Page([], None)
    keys = [(g.subject_type, g.subject_id) for g in groups]
    flags = db.session.scalars(sa.select(Flag).where(
        Flag.state == FlagState.OPEN,
        Flag.subject_type.in_({k[0] for k in keys}), Flag.subject_id.in_({k[1] for k in keys}),
    ).options(selectinload(Flag.reporter)).order_by(Flag.id))
    views = describe_subjects(keys)
    items = {k: QueueItem(k[0], k[1], views[k]) for k in keys}
    for flag in flags:
        item = items.get((flag.subject_type, flag.subject_id))
        if item is not None:
            item.flags.append(flag)
    return Page(list(items.values()), groups[-1].first_id if more else None)


@dataclass
class SubjectHistory:
    subject: SubjectView
    flags: list[Flag]
    entries: list[AuditEntry]

    @property
    def open_count(self) -> int:
        return sum(f.state is FlagState.OPEN for f in self.flags)


def subject_history(subject_type: str, subject_id: int) -> SubjectHistory:
    """Every flag (open and decided) and every audit row about one subject, oldest first."""
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.subject_type == subject_type, Flag.subject_id == subject_id,
    ).options(selectinload(Flag.reporter), selectinload(Flag.decided_by)).order_by(Flag.id)))
    entries = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id,
    ).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id)))
    view = describe_subjects([(subject_type, subject_id)])[(subject_type, subject_id)]
    return SubjectHistory(view, flags, entries)


def audit_log(before: int | None = None, action_prefix: str = "", per_page: int = 50) -> Page:
    """The audit log, newest first; ``before`` is the previous page's cursor (an entry id)."""
    query = (sa.select(AuditEntry).options(selectinload(AuditEntry.actor))
             .order_by(AuditEntry.id.desc()).limit(per_page + 1))
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    entries = list(db.session.scalars(query))
    more = len(entries) > per_page
    entries = entries[:per_page]
    return Page(entries, entries[-1].id if more else None)


def evidence_text(value: dict | None) -> str:
    """A detector's evidence as indented JSON, for a <pre> (escaped like any text)."""
    if not value:
        return ""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


# ---- the member's export ----

def _flags_filed(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(Flag).where(Flag.reporter_id == user.id)
                              .order_by(Flag.id))
    return [{"subject_type": f.subject_type, "subject_id": f.subject_id,
             "reason": f.reason.value, "note": f.note, "state": f.state.value,
             "created_at": iso(f.created_at)} for f in rows]


def register_export() -> None:
    """Add the flags a member filed to their export (never who decided them)."""
    register_exporter("flags_filed", _flags_filed)
