"""Ideas pages: list, submit (with similar ideas), detail. Votes: ``views_vote.py``."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.decorators import verified_required
from community.extensions import db
from community.forms import ActionForm
from community.ideas import labels, queries, service, similar, triage
from community.ideas.blueprint import bp
from community.ideas.forms import IdeaForm, VoteForm
from community.ideas.forms_triage import CommentForm, MergeForm, OutcomeForm, StatusForm
from community.ideas.models import Status
from community.ids import query_int


def _filters(categories) -> queries.Filters:
    sort = request.args.get("sort", "top")
    status = request.args.get("status")
    category = query_int("category")
    return queries.Filters(
        category=next((c for c in categories if c.id == category), None),
        sort=sort if sort in queries.SORTS else "top",
        status=Status(status) if status in {s.value for s in Status} else None,
        tag=(request.args.get("tag") or "").strip().lower()[:30] or None,
        voted_by=current_user.id if request.args.get("mine") and current_user.is_authenticated
        else None,
    )


def _list_url(filters: queries.Filters):
    """Links of the list page: every active filter kept, ``changes`` applied (a sort, a tag,
    the next page); a link without ``page`` goes back to the first."""
    active = {"sort": filters.sort, "status": filters.status.value if filters.status else None,
              "category": filters.category.id if filters.category else None,
              "tag": filters.tag, "mine": 1 if filters.voted_by is not None else None}
    return lambda **changes: url_for("ideas.index", **{**active, **changes})


def _row_links(list_url) -> dict[str, str]:
    """The parts of a row's links, built once a page (the routes' patterns are fixed): an
    idea's page is ``detail`` + "<id>-<slug>", a tag's list ``tag`` + the tag + ``tag_end``."""
    detail = url_for("ideas.detail", idea_id=0, slug="s")  # …/ideas/0-s
    tag, _mark, tag_end = list_url(tag="TAG").partition("TAG")
    return {"detail": detail[:-len("0-s")], "tag": tag, "tag_end": tag_end}


@bp.route("/ideas")
def index():
    """Ideas, in the chosen ranking, with filters."""
    categories = queries.categories()
    filters = _filters(categories)
    page = query_int("page", 1)
    ideas = queries.list_ideas(filters, limit=current_app.config["IDEAS_PER_PAGE"], page=page)
    my_votes = (queries.votes_of(current_user.id, [i.id for i in ideas])
                if current_user.is_authenticated else {})
    list_url = _list_url(filters)
    return render_template("ideas/list.html", ideas=ideas, filters=filters, page=page,
                           my_votes=my_votes, statuses=list(Status),
                           categories=categories, list_url=list_url,
                           links=_row_links(list_url), badges=labels.status_badges())


@bp.route("/ideas/new", methods=["GET", "POST"])
@verified_required
def create():
    """Submit an idea; "check for similar ideas" first shows close ones (works without JS)."""
    categories = queries.categories()
    form = IdeaForm(categories=categories)
    matches = []
    if form.validate_on_submit():
        matches = similar.similar_ideas(form.title.data, form.body.data or "")
        if form.submit.data:
            category = next((c for c in categories if c.id == form.category.data), None)
            idea = service.create_idea(current_user, form.title.data, form.body.data or "",
                                       category, form.tags.data)
            db.session.commit()
            flash(_("Your idea is published. You follow it: you will hear what becomes of it."),
                  "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug))
    status = 422 if form.errors else 200
    return render_template("ideas/new.html", form=form, matches=matches), status


@bp.route("/ideas/similar")
def similar_json():
    """Similar ideas for a draft title (the page's script calls this while typing)."""
    title = (request.args.get("title") or "")[:140]
    matches = similar.similar_ideas(title) if len(title) >= 4 else []
    return jsonify([{"id": m.idea.id, "title": m.idea.title, "votes": m.idea.vote_count,
                     "url": url_for("ideas.detail", idea_id=m.idea.id, slug=m.idea.slug)}
                    for m in matches])


@bp.route("/ideas/<int:idea_id>")
@bp.route("/ideas/<int:idea_id>-<slug>")
def detail(idea_id: int, slug: str | None = None):
    """One idea, its votes' provenance, and the vote form. Forms (and so a CSRF token, kept
    in the session cookie) are built only for members: a visitor's page sets no cookie."""
    idea = queries.idea_page(idea_id)
    if idea is None:
        abort(404)
    if idea.status is Status.MERGED and idea.merged_into_id:
        return redirect(url_for("ideas.detail", idea_id=idea.merged_into_id), 301)
    if slug != idea.slug:
        return redirect(url_for("ideas.detail", idea_id=idea.id, slug=idea.slug), 301)
    member = current_user.is_authenticated
    my_vote = queries.votes_of(current_user.id, [idea.id]).get(idea.id) if member else None
    team = triage.can_triage(current_user)
    texts = queries.page_texts(idea, team=team)
    forms = {}
    if member:
        forms["action_form"] = ActionForm()  # follow, withdraw one's vote
        if not idea.is_closed:
            forms["form"] = VoteForm(importance=str(my_vote.importance) if my_vote else "2",
                                     why=my_vote.why if my_vote else "")
        elif idea.status is Status.SHIPPED and my_vote:
            forms["outcome_form"] = OutcomeForm()
        if current_user.is_verified:
            forms["comment_form"] = CommentForm()
        if team:
            forms.update(status_form=StatusForm(status=idea.status.value),
                         merge_form=MergeForm())
    return render_template(
        "ideas/detail.html", idea=idea, author=texts.author, my_vote=my_vote,
        comments=texts.comments, notes=texts.notes, whys=texts.whys,
        following=member and queries.follows(current_user.id, idea.id),
        outcomes=triage.outcomes(idea) if idea.status is Status.SHIPPED else {},
        can_triage=team, **forms)
