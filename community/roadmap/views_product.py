"""The product team's pages: the crowd's rankings and the clubs' ballots side by side, and the
insight on one idea (who wants it, why, since when) with its CSV."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from community.clubs.membership import CLUBS
from community.clubs.models import Club
from community.extensions import db
from community.ideas.models import Idea
from community.ids import query_int
from community.roadmap import access, ballots, insight, page_cache
from community.roadmap.blueprint import bp
from community.timeutil import utcnow


def _product_only() -> None:
    if not access.manages_roadmap(current_user):
        abort(403)


def _club_filter() -> Club | None:
    """The ``?club=<slug>`` filter: a club the reader may see, or 404."""
    slug = request.args.get("club") or None
    if slug is None:
        return None
    club = CLUBS.find(slug[:60])
    if club is None or not access.may_see_club(current_user, club):
        abort(404)
    return club


def _idea_or_404(idea_id: int) -> Idea:
    if idea_id > ballots.INT32_MAX:  # ideas.id is 32-bit: PostgreSQL refuses to compare more
        abort(404)
    return db.get_or_404(Idea, idea_id)


def _address_of(endpoint: str, template: str):
    """A function giving ``endpoint``'s address for an idea, from one ``url_for`` per page:
    ``template`` is the part after the route's fixed prefix ("{id}-{slug}", "{id}/insight").
    The rule is checked on a second idea, so a route that changed shape fails loudly."""
    def built(idea_id: int, slug: str) -> str:
        return url_for(endpoint, idea_id=idea_id, **({"slug": slug} if "{slug}" in template
                                                     else {}))
    sample = built(1, "s")
    tail = template.format(id=1, slug="s")
    if not sample.endswith(tail) or built(2, "t") != sample[:-len(tail)] + template.format(
            id=2, slug="t"):
        return lambda idea: built(idea.id, idea.slug)
    prefix = sample[:-len(tail)]
    return lambda idea: prefix + template.format(id=idea.id, slug=idea.slug)


@bp.route("/triage/clubs")
@login_required
def side_by_side():
    """The crowd's trusted ranking, the members' priorities and each club's current ballot.
    Its columns' HTML is reused while nothing on them changed (``page_cache``): only the
    product team reads this page, and they all see every club."""
    _product_only()
    club = _club_filter()
    trusted = ballots.crowd_top(Idea.trusted_score)
    priorities = ballots.crowd_top(Idea.priority_score)
    page = query_int("page", 1)

    def columns_html() -> str:
        club_ballots, pages = ballots.club_ballots_page(current_user, page, club)
        crowd = {idea.id for idea in trusted} | {idea.id for idea in priorities}
        shown = crowd | {line.idea_id for b in club_ballots for line in b.lines}
        held = ballots.clubs_holding(shown, current_user)
        in_columns = {idea_id: (idea_id in {i.id for i in trusted})
                      + (idea_id in {i.id for i in priorities}) + held.get(idea_id, 0)
                      for idea_id in shown}
        return render_template(
            "roadmap/_side_by_side_columns.html", trusted=trusted, priorities=priorities,
            idea_url=_address_of("ideas.detail", "{id}-{slug}"),
            insight_url=_address_of("roadmap.insight", "{id}/insight"),
            club_ballots=club_ballots, crowd=crowd, in_columns=in_columns, club=club,
            choices=ballots.balloting_club_choices(current_user), page=min(page, pages),
            pages=pages)

    key = ("side_by_side", page, club.id if club else None, str(get_locale()),
           page_cache.audience(current_user),
           tuple((i.id, i.title, i.slug) for i in trusted),
           tuple((i.id, i.title, i.slug) for i in priorities))
    return render_template("roadmap/side_by_side.html",
                           columns_html=Markup(page_cache.rendered(key, columns_html)))


@bp.route("/ideas/<int:idea_id>/insight", endpoint="insight")
@login_required
def insight_page(idea_id: int):
    """Who wants the idea (by club, importance, trust level), why, and since when."""
    _product_only()
    idea = _idea_or_404(idea_id)
    club = _club_filter()
    per_day = insight.votes_per_day(idea, club)
    chart = insight.timeline(per_day, idea.created_at.date(), utcnow().date())
    return render_template("roadmap/insight.html", idea=idea, club=club,
                           counts=insight.counts(idea, current_user, club),
                           whys=insight.whys(idea, club), chart=chart,
                           choices=insight.voters_clubs(idea, current_user))


@bp.route("/ideas/<int:idea_id>/insight.csv")
@login_required
def insight_csv(idea_id: int):
    """One row per vote on the idea, as CSV (no names, no e-mails)."""
    _product_only()
    idea = _idea_or_404(idea_id)
    club = _club_filter()
    suffix = f"-{club.slug}" if club is not None else ""
    return Response(insight.export_csv(idea, current_user, club), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="idea-{idea.id}-votes{suffix}.csv"'})
