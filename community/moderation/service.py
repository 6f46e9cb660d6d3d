"""Moderation use cases: open flags, decide them, and keep the audit log.

Domains call in (``open_flag``, ``open_detector_flag``, ``record_action``) and teach moderation
how to show and hide their content through ``register_subject``; moderation imports no domain.
Every function flushes and never commits; the actor is a parameter.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from community import registry
from community.accounts.data import register_exporter
from community.accounts.models import Role, User
from community.extensions import db
from community.ids import to_int
from community.moderation import reduced
from community.moderation.models import AuditEntry, Flag, FlagKind, FlagReason, FlagState
from community.refusals import Refused
from community.text import csv_cell
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
    # Who wrote it (the account itself for "account"): members cannot report their own.
    author_id: int | None = None


@dataclass(frozen=True)
class SubjectHandler:
    """A domain's callables: ``describe(id)``, ``hide(actor, id, reason)``, and optionally
    ``describe_many(ids) -> {id: SubjectView}`` so a queue page costs one query per type, and
    ``visible_to(reader, id)``: whether that member may read the subject, so the report page
    may show its title and excerpt (without it, the page names only the kind of content and
    links to it, where the domain checks access: never a private post's words)."""

    describe: Callable[[int], SubjectView | None]
    hide: Callable[[User, int, str], None] | None = None
    describe_many: Callable[[Sequence[int]], dict[int, SubjectView]] | None = None
    visible_to: Callable[[User, int], bool] | None = None
    # ``show(actor, id, reason)``: undo ``hide`` (a moderator restores a decision).
    show: Callable[[User, int, str], None] | None = None


def register_subject(subject_type: str, handler: Any) -> None:
    """Teach moderation to show (and hide) one subject type, e.g. "post" or "topic"."""
    registry.table("moderation_subjects")[subject_type] = handler


def subject_handler(subject_type: str) -> Any:
    """The handler registered for ``subject_type``, or None."""
    return registry.table("moderation_subjects").get(subject_type)


def subject_types() -> list[str]:
    """Every registered subject type, sorted."""
    return sorted(registry.table("moderation_subjects"))


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


# ---- accounts as subjects: detectors flag them, members report profiles ----

ACCOUNT = "account"  # the subject type of an account (the detectors' ("account", id))


def describe_accounts(ids: Sequence[int]) -> dict[int, SubjectView]:
    """Accounts as the queue and the report page show them: the public name and the profile
    (a deleted account is gone: described as "account #12"). Never an e-mail address."""
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids)))
    return {u.id: SubjectView(title=u.public_name or u.handle, url=f"/u/{u.handle}",
                              excerpt=(u.bio or "")[:300], author_id=u.id)
            for u in users if not u.is_deleted}


def account_subject() -> SubjectHandler:
    """The "account" subject, registered by ``moderation.init_app``. Profiles are public to
    members: the report page may name the account. No ``hide`` here: what moderators do to
    an account is an account action (``moderation/actions.py``), not hiding content."""
    return SubjectHandler(describe=lambda i: describe_accounts([i]).get(i),
                          describe_many=describe_accounts, visible_to=lambda reader, i: True)


# ---- opening flags ----

def open_flag(reporter: User, subject_type: str, subject_id: int, reason: FlagReason | str,
              note: str = "") -> Flag:
    """A member reports a subject (once: the database refuses a second report)."""
    reason = FlagReason(reason)
    if reason is FlagReason.DETECTOR:
        raise ValueError("members report with spam, abuse, fake, off_topic or other")
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

def has_reported(reporter: User, subject_type: str, subject_id: int) -> bool:
    """Whether this member already reported the subject (a member reports a subject once)."""
    return db.session.scalar(sa.select(Flag.id).where(
        Flag.reporter_id == reporter.id, Flag.subject_type == subject_type,
        Flag.subject_id == subject_id).limit(1)) is not None


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
    if decision == "dismiss" and not note:
        raise Refused("moderation.reason_required", 422)  # a dismissal says why
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
    if subject_type == reduced.ACCOUNT:  # decided: the account's weight is its own again
        reduced.refresh_reduced([subject_id])
    return flags


def restore_decision(moderator: User, subject_type: str, subject_id: int,
                     note: str) -> list[Flag]:
    """Undo the last decision on a subject exactly: the content it hid is shown again, and
    the flags it decided are open again (a detector flag stays decided if the detector has
    opened a new one since: that one carries the finding). One audit row, "flag.restore"."""
    if not moderator.has_role(Role.MODERATOR):
        raise Refused("moderation.forbidden")
    note = (note or "").strip()[:500]
    if not note:
        raise Refused("moderation.reason_required", 422)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(
            Flag.subject_type == subject_type, Flag.subject_id == subject_id,
            Flag.state == FlagState.OPEN, Flag.kind == FlagKind.MEMBER_REPORT)):
        raise Refused("moderation.still_open", 409)  # decide what is open first
    last = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id,
        AuditEntry.action.in_(("flag.dismiss", "flag.hide", "flag.restore")))
        .order_by(AuditEntry.id.desc()).limit(1))
    if last is None or last.action == "flag.restore":
        raise Refused("moderation.nothing_to_undo", 409)
    if last.action == "flag.hide":
        show = getattr(subject_handler(subject_type), "show", None)
        if show is None:
            raise Refused("moderation.cannot_hide", 422)
        show(moderator, subject_id, note)
    ids = [int(i) for i in (last.data or {}).get("flags", [])]
    flags = list(db.session.scalars(sa.select(Flag).where(Flag.id.in_(ids))
                                    .order_by(Flag.id).with_for_update()))
    reopened = []
    for flag in flags:
        if flag.kind is FlagKind.DETECTOR and db.session.scalar(sa.select(Flag.id).where(
                Flag.kind == FlagKind.DETECTOR, Flag.detector == flag.detector,
                Flag.subject_type == subject_type, Flag.subject_id == subject_id,
                Flag.state == FlagState.OPEN).limit(1)) is not None:
            continue
        flag.state, flag.decided_by_id, flag.decided_at = FlagState.OPEN, None, None
        flag.decision_note = ""
        db.session.flush()
        reopened.append(flag)
    record_action(moderator, "flag.restore", subject_type, subject_id, note,
                  {"flags": [f.id for f in reopened], "undid": last.action,
                   "entry": last.id})
    if subject_type == reduced.ACCOUNT:
        reduced.refresh_reduced([subject_id])
    return reopened


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

    @property
    def can_hide(self) -> bool:
        """Whether the subject's domain can hide it (ideas and accounts cannot)."""
        return getattr(subject_handler(self.subject_type), "hide", None) is not None


@dataclass
class Page:
    items: list
    next_cursor: int | str | None  # an audit entry id; the queue's keyset cursor


# The queue's order gives a member report this score: a detector flag above it comes first, one
# below it after (detector scores run from 0 to 1). The app's MODERATION_REPORT_SCORE sets it.
REPORT_SCORE = 0.5
# The detector filter's value for "member reports" (a detector is never named so).
MEMBER_REPORTS = FlagKind.MEMBER_REPORT.value


@dataclass(frozen=True)
class QueueFilters:
    """Which flags the queue lists: a state (open by default), one subject type, and one
    source (a detector's name, or ``MEMBER_REPORTS``); None keeps every value."""

    state: FlagState = FlagState.OPEN
    subject_type: str | None = None
    detector: str | None = None


def encode_queue_cursor(top: float, first_id: int) -> str:
    """The queue's keyset cursor: the last row's sort score and oldest flag id ("0.91:12")."""
    return f"{top!r}:{first_id}"


def decode_queue_cursor(value: str | None) -> tuple[float, int] | None:
    """``encode_queue_cursor``'s pair, or None for anything else (a hand-made cursor)."""
    if not value or len(value) > 60 or ":" not in value:
        return None
    score, _sep, first = value.partition(":")
    try:
        top = float(score)
    except ValueError:
        return None
    first_id = to_int(first)
    if not math.isfinite(top) or abs(top) > 1e9 or first_id is None:
        return None
    return top, first_id


def open_flags(after: str | None = None, per_page: int = 30, *,
               filters: QueueFilters | None = None,
               report_score: float = REPORT_SCORE) -> Page:
    """The queue: one item per subject with flags in the chosen state, ordered by score, then
    by age, so that what is most likely bad and has waited longest comes first.

    - **Score**: a subject's score is the highest of its flags' scores, where a detector flag
      counts its own score and a member report (which has none) counts ``report_score``
      (``REPORT_SCORE``, 0.5, unless the app sets ``MODERATION_REPORT_SCORE``). So a subject a
      detector scored 0.9 comes before a reported one, and one scored 0.3 after it; several
      reports on one subject do not add up (one row, all its flags listed).
    - **Age**: among equal scores, the subject whose oldest flag (in that state) came first;
      flag ids are handed out in creation order, so the smallest id is the oldest flag.
    - **Filters** choose the subjects: those with a flag of the chosen source (a detector, or
      member reports) and of the chosen subject type; each row then shows and scores all its
      flags in that state, since a decision applies to every open flag of the subject.
    - **Pages**: ``after`` is the previous page's keyset cursor (``Page.next_cursor``: the last
      row's score and oldest flag id), so a page never repeats or skips a row as flags come in,
      whatever the filters; a malformed cursor gives the first page.

    Four queries at most (five with the decided states' moderators), whatever the page holds.
    """
    filters = filters or QueueFilters()
    top = sa.func.max(sa.func.coalesce(Flag.score, sa.literal(report_score, sa.Float)))
    top = top.label("top_score")
    first = sa.func.min(Flag.id).label("first_id")
    query = (sa.select(Flag.subject_type, Flag.subject_id, top, first)
             .where(Flag.state == filters.state)
             .group_by(Flag.subject_type, Flag.subject_id)
             .order_by(top.desc(), first).limit(per_page + 1))
    if filters.subject_type:
        query = query.where(Flag.subject_type == filters.subject_type)
    if filters.detector == MEMBER_REPORTS:
        query = query.having(sa.func.sum(sa.case((Flag.kind == FlagKind.MEMBER_REPORT, 1),
                                                 else_=0)) > 0)
    elif filters.detector:
        query = query.having(sa.func.sum(sa.case((Flag.detector == filters.detector, 1),
                                                 else_=0)) > 0)
    cursor = decode_queue_cursor(after)
    if cursor is not None:
        query = query.having(sa.or_(top < cursor[0],
                                    sa.and_(top == cursor[0], first > cursor[1])))
    groups = db.session.execute(query).all()
    more = len(groups) > per_page
    groups = groups[:per_page]
    if not groups:
        return Page([], None)
    keys = [(g.subject_type, g.subject_id) for g in groups]
    loads = [selectinload(Flag.reporter)]
    if filters.state is not FlagState.OPEN:
        loads.append(selectinload(Flag.decided_by))
    flags = db.session.scalars(sa.select(Flag).where(
        Flag.state == filters.state,
        Flag.subject_type.in_({k[0] for k in keys}), Flag.subject_id.in_({k[1] for k in keys}),
    ).options(*loads).order_by(Flag.id))
    views = describe_subjects(keys)
    items = {k: QueueItem(k[0], k[1], views[k]) for k in keys}
    for flag in flags:
        item = items.get((flag.subject_type, flag.subject_id))
        if item is not None:
            item.flags.append(flag)
    last = groups[-1]
    return Page(list(items.values()),
                encode_queue_cursor(last.top_score, last.first_id) if more else None)


def queue_choices() -> tuple[list[str], list[str]]:
    """What the queue's filters offer: the detectors that ever flagged something, and the
    subject types registered or named by a flag (one query), each sorted."""
    rows = db.session.execute(sa.select(Flag.detector, Flag.subject_type).distinct()).all()
    detectors = sorted({d for d, _t in rows if d})
    return detectors, sorted({t for _d, t in rows} | set(subject_types()))


def open_subject_count() -> int:
    """How many subjects wait for a decision (distinct subjects with an open flag): the
    number beside the moderators' menu link. One COUNT."""
    subjects = (sa.select(Flag.subject_type, Flag.subject_id)
                .where(Flag.state == FlagState.OPEN).distinct().subquery())
    return db.session.scalar(sa.select(sa.func.count()).select_from(subjects)) or 0


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


@dataclass(frozen=True)
class AuditFilters:
    """Which audit rows to read: actions starting with a prefix, by one actor (a handle), on
    one subject type, from one day to another (UTC days, both included). Empty keeps all."""

    action_prefix: str = ""
    actor: str = ""
    subject_type: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.action_prefix or self.actor or self.subject_type or self.since
                    or self.until)


def _audit_conditions(filters: AuditFilters) -> list:
    conditions = []
    if filters.action_prefix:
        conditions.append(AuditEntry.action.startswith(filters.action_prefix, autoescape=True))
    if filters.actor:
        conditions.append(AuditEntry.actor_id.in_(
            sa.select(User.id).where(User.handle == filters.actor)))
    if filters.subject_type:
        conditions.append(AuditEntry.subject_type == filters.subject_type)
    if filters.since is not None:
        conditions.append(AuditEntry.created_at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        conditions.append(AuditEntry.created_at
                          < datetime.combine(filters.until + timedelta(days=1), time.min))
    return conditions


def audit_log(before: int | None = None, action_prefix: str = "", per_page: int = 50, *,
              filters: AuditFilters | None = None) -> Page:
    """The audit log, newest first; ``before`` is the previous page's cursor (an entry id);
    ``filters`` (or just ``action_prefix``) choose the rows."""
    filters = filters or AuditFilters(action_prefix=action_prefix)
    query = (sa.select(AuditEntry).options(selectinload(AuditEntry.actor))
             .where(*_audit_conditions(filters))
             .order_by(AuditEntry.id.desc()).limit(per_page + 1))
    if before is not None:
        query = query.where(AuditEntry.id < before)
    entries = list(db.session.scalars(query))
    more = len(entries) > per_page
    entries = entries[:per_page]
    return Page(entries, entries[-1].id if more else None)


AUDIT_CSV_COLUMNS = ("id", "created_at", "actor", "action", "subject_type", "subject_id",
                     "reason", "flags")
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+")
_ADDRESS_LIKE = re.compile(r"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*")


def _is_ip(token: str) -> bool:
    try:
        ipaddress.ip_address(token.strip(".:"))
    except ValueError:
        return False
    return True


def without_addresses(text: str) -> str:
    """Free text with e-mail addresses and IP addresses replaced by "[…]": a moderator may
    have typed one in a reason, and the export must never carry them."""
    text = _EMAIL.sub("[…]", text)
    return _ADDRESS_LIKE.sub(lambda m: "[…]" if _is_ip(m.group(0)) else m.group(0), text)


def audit_rows(filters: AuditFilters, batch: int = 500) -> Iterator[list]:
    """Every audit row the filters keep, newest first, as the cells of
    ``AUDIT_CSV_COLUMNS``: the actor's handle (never an e-mail address), the flag ids of
    ``data["flags"]`` separated by spaces, and no address of any kind. Read in batches by id,
    so a long export neither holds a cursor open nor loads the log at once."""
    conditions = _audit_conditions(filters)
    before = None
    while True:
        query = (sa.select(AuditEntry.id, AuditEntry.created_at, User.handle, AuditEntry.action,
                           AuditEntry.subject_type, AuditEntry.subject_id, AuditEntry.reason,
                           AuditEntry.data)
                 .outerjoin(User, User.id == AuditEntry.actor_id)
                 .where(*conditions).order_by(AuditEntry.id.desc()).limit(batch))
        if before is not None:
            query = query.where(AuditEntry.id < before)
        rows = db.session.execute(query).all()
        for row in rows:
            flags = (row.data or {}).get("flags") if isinstance(row.data, dict) else None
            flag_ids = " ".join(str(f) for f in flags if isinstance(f, int)) if isinstance(
                flags, list) else ""
            yield [row.id, iso(row.created_at), csv_cell(row.handle or ""),
                   csv_cell(row.action), csv_cell(row.subject_type), row.subject_id,
                   csv_cell(without_addresses(row.reason or "")), flag_ids]
        if len(rows) < batch:
            return
        before = rows[-1].id


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
