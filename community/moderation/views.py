"""Moderators' pages: the flag queue, one subject's flags, the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from community.accounts.decorators import role_required
from community.accounts.models import Role
from community.extensions import db
from community.ids import query_int
from community.moderation import service
from community.moderation.blueprint import bp
from community.moderation.forms import KIND_LABELS, REASON_LABELS, STATE_LABELS, DecisionForm
from community.refusals import Refused

LABELS = {"reason_label": REASON_LABELS.get, "state_label": STATE_LABELS.get,
          "kind_label": KIND_LABELS.get, "evidence_text": service.evidence_text}


@bp.route("/flags")
@role_required(Role.MODERATOR)
def index():
    """The queue: one row per flagged subject, the longest waiting first."""
    page = service.open_flags(after=query_int("after"))
    return render_template("moderation/flags.html", page=page, form=DecisionForm(), **LABELS)


@bp.route("/flags/<subject_type>/<int:subject_id>")
@role_required(Role.MODERATOR)
def detail(subject_type: str, subject_id: int):
    """Every flag and audit row about one subject, with the decision form."""
    history = service.subject_history(subject_type, subject_id)
    if not history.flags and not history.entries:
        abort(404)
    return render_template("moderation/detail.html", history=history, form=DecisionForm(),
                           subject_type=subject_type, subject_id=subject_id, **LABELS)


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


@bp.route("/audit")
@role_required(Role.MODERATOR)
def audit():
    """The audit log, newest first; optionally only actions starting with ``?action=``."""
    prefix = (request.args.get("action") or "").strip()[:40]
    page = service.audit_log(before=query_int("before"), action_prefix=prefix)
    return render_template("moderation/audit.html", page=page, prefix=prefix)
