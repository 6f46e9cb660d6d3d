"""Ideas, the product team's pages: triage queue, statuses, merges, bulk, CSV; comments."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from community.accounts.decorators import role_required, verified_required
from community.accounts.models import Role
from community.extensions import db
from community.ideas import triage
from community.ideas.blueprint import bp
from community.ideas.forms_triage import (
    BulkStatusForm,
    CommentForm,
    MergeForm,
    OutcomeForm,
    StatusForm,
)
from community.ideas.models import Idea, Outcome, Status
from community.refusals import carry_out


def _back(idea: Idea):
    return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug))


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@bp.route("/triage")
@role_required(Role.PRODUCT)
def triage_queue():
    """New ideas waiting for the product team, oldest first."""
    ideas = db.session.scalars(sa.select(Idea).where(Idea.status == Status.OPEN)
                               .order_by(Idea.created_at, Idea.id).limit(100)).all()
    return render_template("ideas/triage.html", ideas=ideas, form=BulkStatusForm())


@bp.route("/triage/bulk", methods=["POST"])
@role_required(Role.PRODUCT)
def triage_bulk():
    """One status (and note) for several ideas at once."""
    form = BulkStatusForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return redirect(url_for("ideas.triage_queue"))
    ideas = db.session.scalars(sa.select(Idea).where(Idea.id.in_(form.ideas.data))).all()

    def change_all() -> None:
        for idea in ideas:
            triage.change_status(current_user, idea, Status(form.status.data),
                                 form.note.data or "")

    carry_out(change_all, ngettext("%(num)d idea updated.", "%(num)d ideas updated.",
                                   len(ideas)))
    return redirect(url_for("ideas.triage_queue"))


@bp.route("/triage/export.csv")
@role_required(Role.PRODUCT)
def triage_export():
    """All ideas with vote counts and the voters' "why", as CSV."""
    return Response(triage.export_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ideas.csv"'})


@bp.route("/ideas/<int:idea_id>/status", methods=["POST"])
@role_required(Role.PRODUCT)
def update_status(idea_id: int):
    """Change an idea's status, with a public note."""
    idea = db.get_or_404(Idea, idea_id)
    form = StatusForm()
    if form.validate_on_submit():
        carry_out(lambda: triage.change_status(current_user, idea, Status(form.status.data),
                                               form.note.data or ""),
                  _("The status is changed and followers are told."))
    else:
        flash(_("Choose a status."), "error")
    return _back(idea)


@bp.route("/ideas/<int:idea_id>/merge", methods=["POST"])
@role_required(Role.PRODUCT)
def merge(idea_id: int):
    """Merge this idea (a duplicate) into another."""
    duplicate = db.get_or_404(Idea, idea_id)
    form = MergeForm()
    target = db.session.get(Idea, form.target.data) if form.validate_on_submit() else None
    if target is None:
        flash(_("Choose another idea to merge into."), "error")
        return _back(duplicate)
    if not carry_out(lambda: triage.merge(current_user, duplicate, target),
                     _("Merged: votes, comments and followers moved here.")):
        return _back(duplicate)
    return _back(target)


@bp.route("/ideas/<int:idea_id>/comments", methods=["POST"])
@verified_required
def comment(idea_id: int):
    """Comment on an idea (an official response if the team says so)."""
    idea = db.get_or_404(Idea, idea_id)
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Your comment was not saved: write something (at most 5,000 characters)."),
              "error")
        return _back(idea)
    triage.add_comment(current_user, idea, form.body.data, official=form.official.data)
    db.session.commit()
    return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug,
                            _anchor="comments"))


@bp.route("/ideas/<int:idea_id>/outcome", methods=["POST"])
@verified_required
def outcome(idea_id: int):
    """A voter says whether the shipped idea solved their need."""
    idea = db.get_or_404(Idea, idea_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back(idea)
    carry_out(lambda: triage.record_outcome(current_user, idea, Outcome(form.outcome.data)),
              _("Thank you: the team reads every answer."))
    return _back(idea)
