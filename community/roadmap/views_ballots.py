"""The club's ballot pages: the published ballot (anyone who may see the club), the members'
ranking (the club's members and staff), the managers' form to publish, and the history."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.clubs.membership import CLUBS
from community.clubs.models import Club, ClubRole
from community.extensions import db
from community.ideas.models import Idea
from community.refusals import Refused
from community.roadmap import access, ballots
from community.roadmap.blueprint import clubs_bp
from community.roadmap.forms_ballots import BallotForm, idea_number
from community.roadmap.models import BALLOT_SIZE, ClubBallot


def _club_or_404(slug: str) -> Club:
    club = CLUBS.find(slug)
    if club is None or not access.may_see_club(current_user, club):
        abort(404)  # a members-only club does not exist for outsiders
    return club


@clubs_bp.route("/clubs/<slug>/ballot", methods=["GET", "POST"])
def ballot(slug: str):
    """The club's published ballot; its members' ranking; the managers' form to publish."""
    club = _club_or_404(slug)
    manager = access.has_club_role(current_user, club, ClubRole.MANAGER)
    form = None
    if request.method == "POST":
        if not manager:
            abort(403)
        form = BallotForm()
        if _publish(club, form):
            flash(_("The club's ballot is published."), "success")
            return redirect(url_for("clubs.ballot", slug=club.slug))
    current = ballots.current_with_ideas(club)
    inside = access.sees_club_inside(current_user, club)
    ranked = ballots.club_ranking(club) if inside else []
    if manager and form is None:
        form = BallotForm(data={"rows": _prefill(current, ranked)})
    return render_template("clubs/ballot.html", club=club, tab="ballot", current=current,
                           ranked=ranked, inside=inside, form=form,
                           candidates=_candidates(current, ranked, form),
                           idea_number=idea_number, failed=request.method == "POST"), \
        422 if request.method == "POST" else 200


def _publish(club: Club, form: BallotForm) -> bool:
    """Validate the rows, show each line's problem beside it, publish; True once committed."""
    if not form.validate_on_submit():
        return False
    rows, lines = form.filled_rows(), form.lines()
    problems = ballots.line_problems(lines)
    for index, refusal in problems.items():
        field = rows[index].reason if "reason" in refusal.code else rows[index].idea
        field.errors = [*field.errors, refusal.message]
    if problems:
        return False
    try:
        ballots.publish(current_user, club, lines)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(refusal.message)
        return False
    db.session.commit()
    return True


def _prefill(current: ClubBallot | None, ranked: list[ballots.Ranked]) -> list[dict]:
    """The form's rows: the published ballot, or else the members' ranking (top ten)."""
    if current is not None:
        filled = [(line.idea_id, line.reason) for line in current.lines]
    else:
        filled = [(entry.idea.id, "") for entry in ranked]
    rows = [{"position": n, "idea": str(idea_id), "reason": reason}
            for n, (idea_id, reason) in enumerate(filled[:BALLOT_SIZE], 1)]
    return rows + [{"position": n} for n in range(len(rows) + 1, BALLOT_SIZE + 1)]


def _candidates(current, ranked, form) -> dict[int, Idea]:
    """The ideas a manager may pick (ranking and ballot) and those the rows name, by id."""
    if form is None:
        return {}
    known = {entry.idea.id: entry.idea for entry in ranked}
    known.update({line.idea_id: line.idea for line in (current.lines if current else [])})
    named = {idea_number(row.form.idea.data) for row in form.rows} - set(known) - {None}
    named = {idea_id for idea_id in named if idea_id <= ballots.INT32_MAX}
    if named:
        known.update({idea.id: idea for idea in db.session.scalars(
            sa.select(Idea).where(Idea.id.in_(named)))})
    return known


@clubs_bp.route("/clubs/<slug>/ballot/history")
def ballot_history(slug: str):
    """Every published version, newest first, with what changed (members and staff)."""
    club = _club_or_404(slug)
    if not access.sees_club_inside(current_user, club):
        abort(404)
    return render_template("clubs/ballot_history.html", club=club, tab="ballot",
                           versions=ballots.history(club))
