"""Ideas, the member's pages: priorities, my ideas and votes, following, how ranking works,
the Atom feed of status changes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.decorators import verified_required
from community.extensions import db
from community.forms import ActionForm
from community.ideas import priorities, service
from community.ideas.blueprint import bp
from community.ideas.forms import PriorityForm
from community.ideas.models import Idea, Status, StatusChange, Vote
from community.refusals import carry_out


@bp.route("/priorities")
@login_required
def priorities_page():
    """My ballot (ordered), the ideas I voted for that I could add, and the aggregate."""
    ballot = priorities.ballot_of(current_user)
    on_ballot = {e.idea_id for e in ballot}
    voted = db.session.scalars(sa.select(Idea).join(Vote, Vote.idea_id == Idea.id).where(
        Vote.user_id == current_user.id, Idea.status != Status.MERGED).order_by(Idea.title)
        .limit(200)).all()
    return render_template("ideas/priorities.html", ballot=ballot, action_form=ActionForm(),
                           candidates=[i for i in voted if i.id not in on_ballot])


@bp.route("/priorities", methods=["POST"])
@verified_required
def priorities_update():
    """Reorder (drag-and-drop sends the whole order; buttons move one idea), add or remove."""
    form = PriorityForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("ideas.priorities_page"))
    carry_out(lambda: _update_ballot(form))
    return redirect(url_for("ideas.priorities_page"))


def _update_ballot(form: PriorityForm) -> None:
    action, idea_id = form.action.data, form.idea.data
    if action == "order":
        priorities.set_ballot(current_user, form.order_ids)
    elif action in ("up", "down") and idea_id:
        priorities.move(current_user, idea_id, -1 if action == "up" else 1)
    elif action == "add" and idea_id:
        priorities.add(current_user, idea_id)
    elif action == "remove" and idea_id:
        priorities.remove(current_user, idea_id)


@bp.route("/ideas/mine")
@login_required
def mine():
    """My ideas and votes, each with its current status."""
    proposed = db.session.scalars(sa.select(Idea).where(Idea.author_id == current_user.id)
                                  .order_by(Idea.created_at.desc())).all()
    votes = db.session.scalars(sa.select(Vote).where(Vote.user_id == current_user.id)
                               .order_by(Vote.created_at.desc())).all()
    return render_template("ideas/mine.html", proposed=proposed, votes=votes)


@bp.route("/ideas/<int:idea_id>/follow", methods=["POST"])
@login_required
def follow(idea_id: int):
    """Follow or stop following an idea (one click)."""
    idea = db.get_or_404(Idea, idea_id)
    if request.form.get("stop"):
        service.unfollow(current_user, idea)
        flash(_("You no longer follow this idea."), "info")
    else:
        service.follow(current_user, idea)
        flash(_("You follow this idea."), "info")
    db.session.commit()
    return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug))


@bp.route("/ideas/ranking")
def how_ranking_works():
    """The public page that explains each ranking, with the live settings."""
    return render_template("ideas/ranking.html", cfg=current_app.config)


@bp.route("/feeds/status.atom")
def status_feed():
    """Atom feed of ideas' status changes (public ideas only)."""
    changes = db.session.scalars(sa.select(StatusChange).order_by(StatusChange.id.desc())
                                 .limit(50)).all()
    xml = render_template("ideas/status.atom.xml", changes=changes)
    return Response(xml, mimetype="application/atom+xml")
