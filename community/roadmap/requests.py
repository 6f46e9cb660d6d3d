"""What happened to our requests: for a club, every idea its members asked for or voted for and
every idea it put on a published ballot; for a member, every idea they asked for, voted for or
put in their priorities, and the ideas on the ballots of their clubs. Each row tells why it is
listed, the idea's status, the last official response, the roadmap item it sits on (only if the
reader may see it: ``access.visible_items``) and its dates, most recent change first.

A page reads a fixed number of queries whatever its size: one for the rows (the reasons
aggregated and the order computed in SQL), one for the official responses, one for the roadmap
items, and on a member's page one for their clubs' names.

Feeds and CSV exports are fetched by programs that never sign in: their URLs carry a signed
token naming the member (and the club). It is renewed, and the old one stops working, when the
member's sessions are (a password change, "log out everywhere"): see :func:`feed_token`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.ext.compiler import compiles

from community.accounts.models import User
from community.clubs.models import Club, ClubMember
from community.extensions import db
from community.ideas.labels import status_label
from community.ideas.models import Comment, Idea, PriorityEntry, Status, Vote
from community.roadmap import access, items
from community.roadmap.models import BallotLine, ClubBallot, RoadmapItem, RoadmapLink
from community.text import csv_cell, plain_text

PER_PAGE = 50
MAX_PAGE = 100_000  # past it, a page number is nonsense (and would overflow an OFFSET)
FEED_SIZE = 50
EXPORT_LIMIT = 5000  # rows of a CSV export (most recent change first)
EXCERPT_CHARS = 240
TOKEN_SALT = "cercle.roadmap.requests-feed"

# Why an idea is listed (the columns of the aggregate, in display order).
ASKED, VOTED, PRIORITY, BALLOT = "asked", "voted", "priority", "ballot"
REASONS = (ASKED, VOTED, PRIORITY, BALLOT)
CLUB_REASON_LABELS = {ASKED: _l("Asked by a member"), VOTED: _l("Voted for by members"),
                      BALLOT: _l("On our ballot")}
MEMBER_REASON_LABELS = {ASKED: _l("I asked"), VOTED: _l("I voted"),
                        PRIORITY: _l("In my priorities"), BALLOT: _l("On my club's ballot")}


@dataclass
class OfficialResponse:
    at: datetime
    excerpt: str


@dataclass
class Item:
    id: int
    title: str
    horizon: str  # "now", "next", "later" or the quarter ("2027-Q1")
    status: str

    horizon_label: str = ""
    status_label: str = ""


@dataclass
class Row:
    idea_id: int
    title: str
    slug: str
    status: Status
    reasons: tuple[str, ...]
    asked_at: datetime
    status_changed_at: datetime
    changed_at: datetime  # the later of the status change and the last official response
    response: OfficialResponse | None = None
    item: Item | None = None
    clubs: list[str] = field(default_factory=list)  # a member's clubs that balloted it

    status_label: str = ""  # translated once per status a page shows


@dataclass
class Requests:
    rows: list[Row]
    page: int
    has_next: bool  # an older page exists


# ---- the scope: which ideas, and why ----


def _flagged(select_ids, reason: str):
    """``(idea_id, asked, voted, priority, ballot)`` with 1 in this reason's column."""
    return select_ids.add_columns(*(sa.literal_column("1" if r == reason else "0").label(r)
                                    for r in REASONS))


def _club_ballot_ideas(which_clubs):
    """The ideas on any published ballot of the clubs ``which_clubs`` (a condition) names."""
    return (sa.select(BallotLine.idea_id.label("idea_id"))
            .join(ClubBallot, ClubBallot.id == BallotLine.ballot_id).where(which_clubs))


def club_scope(club_id: int):
    """The ideas a club's members asked for or voted for, and those on any of its ballots."""
    members = sa.select(ClubMember.user_id).where(ClubMember.club_id == club_id)
    return sa.union_all(
        _flagged(sa.select(Idea.id.label("idea_id")).where(Idea.author_id.in_(members)), ASKED),
        _flagged(sa.select(Vote.idea_id.label("idea_id")).where(Vote.user_id.in_(members)),
                 VOTED),
        _flagged(_club_ballot_ideas(ClubBallot.club_id == club_id), BALLOT),
    )


def member_scope(user_id: int):
    """The ideas a member asked for, voted for or put in their priorities, and those on the
    ballots of the clubs they belong to."""
    clubs = sa.select(ClubMember.club_id).where(ClubMember.user_id == user_id)
    return sa.union_all(
        _flagged(sa.select(Idea.id.label("idea_id")).where(Idea.author_id == user_id), ASKED),
        _flagged(sa.select(Vote.idea_id.label("idea_id")).where(Vote.user_id == user_id),
                 VOTED),
        _flagged(sa.select(PriorityEntry.idea_id.label("idea_id"))
                 .where(PriorityEntry.user_id == user_id), PRIORITY),
        _flagged(_club_ballot_ideas(ClubBallot.club_id.in_(clubs)), BALLOT),
    )


# ---- reading ----


def for_club(club: Club, reader: User | None, *, page: int = 1,
             per_page: int = PER_PAGE) -> Requests:
    """The club's requests (the caller checked ``access.sees_club_inside``)."""
    return _read(club_scope(club.id), reader, page, per_page)


def for_member(member: User, reader: User | None = None, *, page: int = 1,
               per_page: int = PER_PAGE) -> Requests:
    """The member's own requests, and the names of their clubs that balloted each idea."""
    found = _read(member_scope(member.id), reader or member, page, per_page)
    _add_club_names(found.rows, member.id)
    return found


class later_of(sa.sql.functions.ReturnTypeFromArgs):
    """The later of two datetimes: ``greatest`` on PostgreSQL, the two-argument ``max`` on
    SQLite (both NULL-free here: the caller coalesces)."""

    inherit_cache = True


@compiles(later_of)
def _later_of(element, compiler, **kw):
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(later_of, "sqlite")
def _later_of_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"


def _read(scope, reader: User | None, page: int, per_page: int) -> Requests:
    """One page of the scope's ideas, most recent change first: the reasons aggregated and the
    order computed in SQL; no total (a count would walk the scope a second time), but
    ``per_page + 1`` rows read to know whether an older page exists."""
    scope = scope.subquery("request_scope")
    flags = (sa.select(scope.c.idea_id, *(sa.func.max(scope.c[r]).label(r) for r in REASONS))
             .group_by(scope.c.idea_id).subquery("request_flags"))
    responded = (sa.select(sa.func.max(Comment.created_at))
                 .where(Comment.idea_id == Idea.id, Comment.official.is_(True))
                 .correlate(Idea).scalar_subquery())
    changed = later_of(Idea.status_changed_at,
                       sa.func.coalesce(responded, Idea.status_changed_at)).label("changed_at")
    page = min(max(page, 1), MAX_PAGE)
    query = (sa.select(Idea.id, Idea.title, Idea.slug, Idea.status, Idea.created_at,
                       Idea.status_changed_at, changed, *(flags.c[r] for r in REASONS))
             .join(flags, flags.c.idea_id == Idea.id)
             .order_by(changed.desc(), Idea.id.desc())
             .limit(per_page + 1).offset((page - 1) * per_page))
    found = db.session.execute(query).all()
    labels: dict[Status, str] = {}
    rows = []
    for r in found[:per_page]:
        if r.status not in labels:
            labels[r.status] = status_label(r.status.value)
        rows.append(Row(idea_id=r.id, title=r.title, slug=r.slug, status=r.status,
                        reasons=tuple(reason for reason in REASONS if r._mapping[reason]),
                        asked_at=r.created_at, status_changed_at=r.status_changed_at,
                        changed_at=r.changed_at, status_label=labels[r.status]))
    _add_responses(rows)
    _add_items(rows, reader)
    return Requests(rows=rows, page=page, has_next=len(found) > per_page)


def _add_responses(rows: list[Row]) -> None:
    """Each row's latest official response, its date and words (one query)."""
    by_id = {row.idea_id: row for row in rows}
    if not by_id:
        return
    found = db.session.execute(
        sa.select(Comment.idea_id, Comment.created_at, Comment.body_html)
        .where(Comment.official.is_(True), Comment.idea_id.in_(list(by_id)))
        .order_by(Comment.idea_id, Comment.created_at.desc(), Comment.id.desc()))
    for idea_id, created_at, body_html in found:
        if by_id[idea_id].response is None:
            by_id[idea_id].response = OfficialResponse(created_at, excerpt(body_html))


def excerpt(html: str, limit: int = EXCERPT_CHARS) -> str:
    """The plain text of cooked HTML, cut at a word within ``limit`` characters."""
    words = plain_text(html)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def _add_items(rows: list[Row], reader: User | None) -> None:
    """The roadmap item of each row, if the reader may see it (one query)."""
    by_id = {row.idea_id: row for row in rows}
    if not by_id:
        return
    found = db.session.execute(
        sa.select(RoadmapLink.idea_id, RoadmapItem.id, RoadmapItem.title, RoadmapItem.horizon,
                  RoadmapItem.quarter, RoadmapItem.status)
        .join(RoadmapItem, RoadmapItem.id == RoadmapLink.item_id)
        .where(RoadmapLink.idea_id.in_(list(by_id)), access.visible_items(reader)))
    for idea_id, item_id, title, horizon, quarter, status in found:
        by_id[idea_id].item = Item(
            id=item_id, title=title, horizon=quarter or horizon.value, status=status.value,
            horizon_label=items.where_label(horizon, quarter),
            status_label=items.status_label(status))


def _add_club_names(rows: list[Row], user_id: int) -> None:
    """For a member's rows on a ballot: the names of their clubs that balloted it."""
    by_id = {row.idea_id: row for row in rows if BALLOT in row.reasons}
    if not by_id:
        return
    found = db.session.execute(
        sa.select(BallotLine.idea_id, Club.name).distinct()
        .join(ClubBallot, ClubBallot.id == BallotLine.ballot_id)
        .join(Club, Club.id == ClubBallot.club_id)
        .join(ClubMember, sa.and_(ClubMember.club_id == Club.id, ClubMember.user_id == user_id))
        .where(BallotLine.idea_id.in_(list(by_id))).order_by(Club.name))
    for idea_id, name in found:
        by_id[idea_id].clubs.append(name)


# ---- the CSV export ----


CSV_HEADER = ("idea_id", "title", "url", "reasons", "status", "asked_at", "status_changed_at",
              "last_response_at", "last_response", "roadmap_item", "roadmap_horizon",
              "roadmap_status", "clubs")


def to_csv(rows: list[Row], url_of) -> str:
    """The rows as CSV (``url_of(row)`` gives each idea's address); every free text cell is
    made spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        item = row.item
        writer.writerow([
            row.idea_id, csv_cell(row.title), url_of(row), " ".join(row.reasons),
            row.status.value, _iso(row.asked_at), _iso(row.status_changed_at),
            _iso(row.response.at) if row.response else "",
            csv_cell(row.response.excerpt) if row.response else "",
            csv_cell(item.title) if item else "", item.horizon if item else "",
            item.status if item else "", csv_cell(", ".join(row.clubs))])
    return out.getvalue()


def _iso(value: datetime | None) -> str:
    return value.replace(microsecond=0).isoformat() + "Z" if value else ""


# ---- feed tokens ----


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _session_mark(user: User) -> str:
    # A digest, not the nonce itself: the nonce is part of the session id, and a signed token
    # is readable by whoever holds it.
    return hashlib.sha256(f"requests-feed:{user.session_nonce}".encode()).hexdigest()[:12]


def feed_token(user: User, club: Club | None = None) -> str:
    """The secret part of a feed or CSV link: the member (and the club), signed. Renewed when
    the member's sessions are (password change, "log out everywhere")."""
    payload = {"m": user.id, "s": _session_mark(user)}
    if club is not None:
        payload["c"] = club.id
    return _serializer().dumps(payload)


def member_of_token(token: str | None, club: Club | None = None) -> User | None:
    """The member a token was given to, if it is genuine, for this club (or for the member's
    own feed when ``club`` is None), and the member still exists, is active, has not renewed
    their sessions since, and (for a club) may still see the club's inside; else None."""
    if not token:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), int):
        return None
    if payload.get("c") != (club.id if club is not None else None):
        return None
    user = db.session.get(User, payload["m"])
    if user is None or not user.is_active or payload.get("s") != _session_mark(user):
        return None
    if club is not None and not access.sees_club_inside(user, club):
        return None
    return user
