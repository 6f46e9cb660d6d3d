"""Moderators' pages: the flag queue, one subject's flags; the audit log (administrators)."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from community.accounts.decorators import role_required
from community.accounts.models import Role
from community.extensions import db
from community.ids import query_int
from community.moderation import evidence, service
from community.moderation.blueprint import bp
from community.moderation.forms import (
    KIND_LABELS,
    REASON_LABELS,
    STATE_LABELS,
    DecisionForm,
    subject_label,
)
from community.moderation.forms_actions import RestoreForm
from community.moderation.models import FlagState
from community.refusals import Refused

LABELS = {"reason_label": REASON_LABELS.get, "state_label": STATE_LABELS.get,
          "kind_label": KIND_LABELS.get, "evidence_text": service.evidence_text}


STATES = {s.value: s for s in FlagState}
HANDLE = re.compile(r"[a-z0-9-]{1,40}")
SUBJECT_TYPE = re.compile(r"[a-z0-9_]{1,20}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _arg(name: str, limit: int = 60) -> str:
    """A query argument as plain text: trimmed, control characters dropped, at most
    ``limit`` characters (PostgreSQL refuses NUL in a string, which would be a 500)."""
    return _CONTROL.sub("", request.args.get(name) or "").strip()[:limit]


def _report_score() -> float:
    """The score a member report counts for in the queue's order (``service.open_flags``)."""
    try:
        value = float(current_app.config.get("MODERATION_REPORT_SCORE", service.REPORT_SCORE))
    except (TypeError, ValueError):
        return service.REPORT_SCORE
    return value if math.isfinite(value) else service.REPORT_SCORE


def _queue_filters(detectors: list[str], types: list[str]):
    """The queue's filters from the query string: (filters or None, the values as sent, what
    was not understood). A value no list offers is refused (400), never guessed."""
    values = {name: _arg(name) for name in ("detector", "subject_type", "state")}
    problems = []
    if values["detector"] and values["detector"] not in (service.MEMBER_REPORTS, *detectors):
        problems.append(_("Unknown value for “%(filter)s”: choose one from the list.",
                          filter=_("Source")))
    if values["subject_type"] and values["subject_type"] not in types:
        problems.append(_("Unknown value for “%(filter)s”: choose one from the list.",
                          filter=_("Kind of content")))
    if values["state"] and values["state"] not in STATES:
        problems.append(_("Unknown value for “%(filter)s”: choose one from the list.",
                          filter=_("State")))
    if problems:
        return None, values, problems
    return service.QueueFilters(state=STATES.get(values["state"], FlagState.OPEN),
                                subject_type=values["subject_type"] or None,
                                detector=values["detector"] or None), values, []


@bp.route("/flags")
@role_required(Role.MODERATOR)
def index():
    """The queue: one row per flagged subject, the highest score first, then the longest
    waiting (``service.open_flags``), filtered by source, kind of content and state through a
    plain GET form; the "more" link keeps the filters."""
    detectors, types = service.queue_choices()
    filters, values, problems = _queue_filters(detectors, types)
    report_score = _report_score()
    if filters is None:
        page = service.Page([], None)
    else:
        page = service.open_flags(after=_arg("after"), filters=filters,
                                  report_score=report_score)
    kept = {name: value for name, value in values.items() if value and filters is not None}
    return render_template(
        "moderation/flags.html", page=page, form=DecisionForm(), values=values, kept=kept,
        problems=problems, detectors=detectors, member_reports=service.MEMBER_REPORTS,
        subject_types=[(t, subject_label(t)) for t in types],
        states=[(s.value, STATE_LABELS[s]) for s in FlagState],
        is_open=filters is None or filters.state is FlagState.OPEN,
        report_score=report_score, can_audit=current_user.has_role(Role.ADMIN), **LABELS,
    ), 400 if problems else 200


@bp.route("/flags/<subject_type>/<int:subject_id>")
@role_required(Role.MODERATOR)
def detail(subject_type: str, subject_id: int):
    """Every flag and audit row about one subject, with the decision form."""
    history = service.subject_history(subject_type, subject_id)
    if not history.flags and not history.entries:
        abort(404)
    can_hide = getattr(service.subject_handler(subject_type), "hide", None) is not None
    decisions = [e for e in history.entries
                 if e.action in ("flag.dismiss", "flag.hide", "flag.restore")]
    undoable = bool(decisions) and decisions[-1].action != "flag.restore"
    return render_template("moderation/detail.html", history=history, form=DecisionForm(),
                           subject_type=subject_type, subject_id=subject_id, can_hide=can_hide,
                           undoable=undoable, restore_form=RestoreForm(),
                           evidence={flag.id: evidence.present(flag)
                                     for flag in history.flags if flag.evidence}, **LABELS)


@bp.route("/flags/<subject_type>/<int:subject_id>/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(subject_type: str, subject_id: int):
    """Dismiss every open flag of a subject, or hide the content; the audit log keeps why."""
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose to dismiss the flags or to hide the content (a note has at most 500 "
                "characters, on one line)."), "error")
        return redirect(url_for("moderation.detail", subject_type=subject_type,
                                subject_id=subject_id))
    try:
        flags = service.decide_subject(current_user, subject_type, subject_id,
                                       form.decision.data, form.note.data or "")
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(ngettext("%(num)d flag decided.", "%(num)d flags decided.", len(flags)), "success")
    return redirect(url_for("moderation.index"))


def _day(text: str) -> date | None:
    """A day written YYYY-MM-DD (what <input type=date> sends), or None."""
    if not text or len(text) > 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9998 else None


def _audit_filters():
    """The audit log's filters from the query string: (filters or None, the values as sent,
    what was not understood)."""
    values = {name: _arg(name) for name in ("action", "actor", "subject_type", "from", "to")}
    values["action"] = values["action"][:40]
    actor = values["actor"].removeprefix("@").lower()
    problems = []
    if actor and not HANDLE.fullmatch(actor):
        problems.append(_("A handle has only lowercase letters, digits and dashes."))
    if values["subject_type"] and not SUBJECT_TYPE.fullmatch(values["subject_type"]):
        problems.append(_("Unknown value for “%(filter)s”: choose one from the list.",
                          filter=_("Kind of content")))
    since, until = _day(values["from"]), _day(values["to"])
    if (values["from"] and since is None) or (values["to"] and until is None):
        problems.append(_("Write dates as YYYY-MM-DD, for example 2026-11-27."))
    if problems:
        return None, values, problems
    return service.AuditFilters(action_prefix=values["action"], actor=actor,
                                subject_type=values["subject_type"], since=since,
                                until=until), values, []


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    """The audit log for administrators, newest first, filtered by action prefix, actor
    (handle), kind of content and days (from, to: UTC, both included); the "older" link and
    the CSV link keep the filters."""
    filters, values, problems = _audit_filters()
    page = (service.audit_log(before=query_int("before"), filters=filters)
            if filters is not None else service.Page([], None))
    kept = {name: value for name, value in values.items() if value and filters is not None}
    types = service.subject_types()
    if values["subject_type"] and values["subject_type"] not in types and not problems:
        types.append(values["subject_type"])  # an old kind the log still names
    return render_template(
        "moderation/audit.html", page=page, values=values, kept=kept, problems=problems,
        subject_types=[(t, subject_label(t)) for t in types],
    ), 400 if problems else 200


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv():
    """The audit log as CSV, with the page's filters, every matching row, newest first,
    streamed (``service.audit_rows``: handles, never an e-mail or IP address; cells that a
    spreadsheet would run as formulas are quoted)."""
    filters, _values, problems = _audit_filters()
    if filters is None:
        return Response("\n".join(problems) + "\n", 400, mimetype="text/plain")

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(service.AUDIT_CSV_COLUMNS)
        for row in service.audit_rows(filters):
            writer.writerow(row)
            if out.tell() > 16_384:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
