"""Site-wide pages: home, health check, language switch; and the hook noting members' visits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from markupsafe import Markup

from community import database, home
from community.accounts.forms import LanguageForm
from community.core import visits
from community.core.blueprint import bp
from community.extensions import db
from community.i18n import LANG_COOKIE
from community.security import safe_next
from community.timeutil import utcnow


@bp.route("/")
def index():
    """The home page: what is new for a member since their last visit; for a visitor, the
    landing page with the latest public activity."""
    if current_user.is_authenticated:
        reader = current_user._get_current_object()
        since = visits.since(reader)
        return render_template("core/member_home.html", since=since,
                               first_visit=visits.is_first_visit(reader),
                               sections=home.sections_for(reader, since))
    # Every visitor gets the same landing page: the page cache keeps it until a table it
    # read is written (community/pagecache.py).
    activity = render_template(
        "core/_public_activity.html",
        sections=home.sections_for(None, utcnow() - visits.FIRST_VISIT_WINDOW))
    return render_template("core/index.html", activity=Markup(activity))


def note_member_visit() -> None:
    """Before each request (``core.init_app`` registers it): note a signed-in member's
    activity, at most once an hour, starting a new visit after an hour without any
    (``core/visits.py``). Only where someone may be logged in, so a visitor's request is
    unchanged; given up when it loses a race with another writer (the next request notes it)."""
    if request.endpoint in (None, "static") or (
        "_user_id" not in session and REMEMBER_COOKIE not in request.cookies
    ) or not current_user.is_authenticated or not visits.is_due(current_user):
        return
    database.best_effort(_note_visit, db.session.rollback)


def _note_visit() -> None:
    if visits.note_visit(current_user._get_current_object()):
        db.session.commit()
    else:  # another tab noted it first: end the write transaction (SQLite's lock) at once
        db.session.rollback()


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.route("/language", methods=["GET", "POST"])
def language():
    """Switch the interface language: a cookie for visitors (GET, no server state), the
    account's setting for members (POST with CSRF)."""
    if request.method == "GET":
        form = LanguageForm(request.args, meta={"csrf": False})
        valid = form.validate()
    else:
        form = LanguageForm()
        valid = form.validate_on_submit()
    response = make_response(redirect(safe_next(form.next.data) or url_for("core.index")))
    if not valid:
        return response
    response.set_cookie(LANG_COOKIE, form.lang.data, max_age=365 * 86400, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    if request.method == "POST" and current_user.is_authenticated:
        current_user.locale = form.lang.data
        db.session.commit()
    return response
