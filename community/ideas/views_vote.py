"""Ideas: casting, refining and withdrawing a vote.

Two ways in, one route each:

* the idea page's form (importance and "why"): cast or change the vote, back to the idea;
* the one-click button on the list and at the top of the idea page (its submit button sends
  ``quick=1``): a member without a vote casts an "Important" one; the button then shows
  pressed (``aria-pressed``) and posts to ``unvote``, so a second click withdraws it. A
  repeated cast (a double click, a stale page) keeps the member's vote as it is. Without
  JavaScript it comes back to ``next`` (a local path, ``security.safe_next``) with a message;
  ``static/js/cercle.js`` posts it with ``fetch`` asking for JSON and swaps the button and
  the vote line in place (same CSRF token, same rules, same limits).
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.decorators import verified_required
from community.extensions import db
from community.ideas import queries, service
from community.ideas.blueprint import bp
from community.ideas.forms import QuickVoteForm, VoteForm
from community.refusals import Refused, carry_out
from community.security import safe_next


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def _idea_or_404(idea_id: int) -> queries.Listed:
    """The idea voted on, as a plain row (its id, slug, status and counters): what the rules
    and the answer need, read once, and still readable after the commit."""
    idea = queries.listed(idea_id)
    if idea is None:
        abort(404)
    return idea


def _to_idea(idea: queries.Listed):
    return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug))


def _one_click(idea: queries.Listed, work, done: str):
    """Run the button's action; answer JSON (the new button and vote line) or come back."""
    form = QuickVoteForm()
    status, message = 200, done
    try:
        work()
    except Refused as refusal:
        db.session.rollback()
        status, message = refusal.status, refusal.message
    else:
        db.session.commit()
    back = safe_next(form.next.data) or url_for("ideas.detail", idea_id=idea.id,
                                                slug=idea.slug)
    if not _wants_json():
        flash(message, "success" if status < 400 else "error")
        return redirect(back)
    idea = queries.listed(idea.id) or idea  # its counters after the vote
    my_vote = queries.votes_of(current_user.id, [idea.id]).get(idea.id)
    page = "detail" if request.form.get("view") == "detail" else "list"
    origin = queries.provenance(idea.id) if page == "detail" else None
    parts = render_template("ideas/_vote_parts.html", idea=idea, my_vote=my_vote,
                            next_url=back, page=page, origin=origin)
    return jsonify(ok=status < 400, voted=my_vote is not None, votes=idea.vote_count,
                   message=str(message), html=parts), status


@bp.route("/ideas/<int:idea_id>/vote", methods=["POST"])
@verified_required
def vote(idea_id: int):
    """Vote, or change the importance of one's vote; the one-click button casts "Important"."""
    idea = _idea_or_404(idea_id)
    if request.form.get("quick"):
        return _one_click(
            idea, lambda: service.cast_vote(current_user, idea, service.AUTHOR_IMPORTANCE, None,
                                            keep_existing=True),
            _("Your vote is counted as “Important”. You follow this idea; say how much it "
              "matters and why on its page."))
    form = VoteForm()
    if not form.validate_on_submit():
        flash(_("Your vote was not saved: %(reason)s",
                reason=" ".join(str(e) for errors in form.errors.values() for e in errors)),
              "error")
        return _to_idea(idea)
    carry_out(lambda: service.cast_vote(current_user, idea, int(form.importance.data),
                                        form.why.data),
              _("Your vote is saved. You follow this idea."))
    return _to_idea(idea)


@bp.route("/ideas/<int:idea_id>/unvote", methods=["POST"])
@verified_required
def unvote(idea_id: int):
    """Withdraw one's vote (the idea page's link, or the pressed one-click button)."""
    idea = _idea_or_404(idea_id)
    if request.form.get("quick"):
        return _one_click(idea, lambda: service.remove_vote(current_user, idea),
                          _("Your vote is withdrawn."))
    if service.remove_vote(current_user, idea):
        db.session.commit()
        flash(_("Your vote is withdrawn."), "info")
    return _to_idea(idea)
