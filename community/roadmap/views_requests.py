"""What happened to our requests: the club's page (its members and staff only), the member's
page in their settings, and for each an Atom feed and a CSV export. Feeds and exports open
with a signed session, or with the signed token of the page's "private feed link" (a feed
reader never signs in)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from community.clubs.membership import CLUBS
from community.clubs.models import Club
from community.roadmap import access, requests
from community.roadmap.blueprint import bp, clubs_bp

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _club_inside(slug: str) -> Club:
    """The club, if the signed-in reader sees its inside; 404 otherwise (it may not exist)."""
    club = CLUBS.find(slug)
    if club is None or not access.sees_club_inside(current_user, club):
        abort(404)
    return club


def _club_reader(slug: str):
    """(club, reader) for a feed or export: the signed-in reader who sees the club's inside,
    else the member named by a valid token; 404 otherwise."""
    club = CLUBS.find(slug) or abort(404)
    if current_user.is_authenticated and access.sees_club_inside(current_user, club):
        return club, current_user
    reader = requests.member_of_token(request.args.get("token"), club)
    return (club, reader) if reader is not None else abort(404)


def _member_reader():
    if current_user.is_authenticated:
        return current_user
    return requests.member_of_token(request.args.get("token")) or abort(404)


def _translated(labels: dict) -> dict[str, str]:
    """Each label translated once for the whole page, not once a row."""
    return {key: str(label) for key, label in labels.items()}


def _item_pages() -> bool:
    return "roadmap.item" in current_app.view_functions


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _idea_url(row) -> str:
    return url_for("ideas.detail", idea_id=row.idea_id, slug=row.slug, _external=True)


def _feed(found, title: str, self_url: str, page_url: str, labels) -> Response:
    xml = render_template("roadmap/requests.atom.xml", found=found, feed_title=title,
                          self_url=self_url, page_url=page_url, labels=_translated(labels))
    return Response(xml, mimetype="application/atom+xml", headers=PRIVATE)


def _csv(found, filename: str) -> Response:
    return Response(requests.to_csv(found.rows, _idea_url), mimetype="text/csv", headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'})


@clubs_bp.route("/clubs/<slug>/requests", endpoint="requests")
def requests_page(slug: str):
    """What happened to the ideas the club's members asked for, voted for, put on its ballot."""
    club = _club_inside(slug)
    found = requests.for_club(club, current_user, page=_page(), per_page=requests.PER_PAGE)
    token = requests.feed_token(current_user, club)
    return render_template("clubs/requests.html", club=club, tab="requests", found=found,
                           labels=_translated(requests.CLUB_REASON_LABELS), token=token,
                           item_pages=_item_pages())


@clubs_bp.route("/clubs/<slug>/requests.atom")
def requests_feed(slug: str):
    """The club's requests as an Atom feed, each idea an entry dated by its last change."""
    club, reader = _club_reader(slug)
    found = requests.for_club(club, reader, per_page=requests.FEED_SIZE)
    return _feed(found, club.name, request.url, url_for(
        "clubs.requests", slug=club.slug, _external=True), requests.CLUB_REASON_LABELS)


@clubs_bp.route("/clubs/<slug>/requests.csv")
def requests_csv(slug: str):
    """The club's requests as CSV (most recent change first, up to EXPORT_LIMIT rows)."""
    club, reader = _club_reader(slug)
    found = requests.for_club(club, reader, per_page=requests.EXPORT_LIMIT)
    return _csv(found, f"requests-{club.slug}.csv")


@bp.route("/settings/requests")
@login_required
def my_requests():
    """What happened to the ideas I asked for, voted for, put in my priorities or my clubs'
    ballots."""
    found = requests.for_member(current_user, page=_page(), per_page=requests.PER_PAGE)
    return render_template("roadmap/requests.html", found=found,
                           token=requests.feed_token(current_user), item_pages=_item_pages(),
                           labels=_translated(requests.MEMBER_REASON_LABELS))


@bp.route("/settings/requests.atom")
def my_requests_feed():
    """The member's requests as an Atom feed."""
    member = _member_reader()
    found = requests.for_member(member, per_page=requests.FEED_SIZE)
    return _feed(found, member.public_name, request.url, url_for(
        "roadmap.my_requests", _external=True), requests.MEMBER_REASON_LABELS)


@bp.route("/settings/requests.csv")
def my_requests_csv():
    """The member's requests as CSV."""
    member = _member_reader()
    return _csv(requests.for_member(member, per_page=requests.EXPORT_LIMIT), "my-requests.csv")
