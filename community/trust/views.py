"""Trust's pages and its request hook: the public /trust figures, and the daily visit."""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from community import database
from community.extensions import db
from community.timeutil import utcnow
from community.trust import leveling, provenance
from community.trust.blueprint import bp


def note_visit() -> None:
    """Before each request (``trust.init_app`` registers it): a logged-in member's first
    request of a day counts a day visited and recomputes their level; given up when it loses
    a race with another writer (the next request tries again). Only where someone may be
    logged in (Flask-Login's session key or a remember-me cookie): a visitor's request never
    loads a user, so the session protection is never woken for nothing."""
    if request.endpoint in (None, "static") or (
        "_user_id" not in session and REMEMBER_COOKIE not in request.cookies
    ) or not current_user.is_authenticated:
        return
    if current_user.last_visit_on == utcnow().date():
        return
    database.best_effort(_visit, db.session.rollback)


def _visit() -> None:
    if leveling.count_visit(current_user._get_current_object()):
        db.session.commit()


@bp.route("/trust")
def figures():
    """The month's trust figures, in public (``?month=YYYY-MM``; anything else, or a month to
    come, shows the current one)."""
    today = utcnow().date()
    month = provenance.parse_month(request.args.get("month"), today)
    current = today.replace(day=1)
    first = provenance.first_month(current)
    return render_template(
        "trust/figures.html", figures=provenance.figures(month), current=current,
        previous=provenance.previous_month(month) if month > first else None,
        following=provenance.next_month(month) if month < current else None,
        first=first)
