"""Site-wide pages: home, health check, language switch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from community.accounts.forms import LanguageForm
from community.core.blueprint import bp
from community.extensions import db
from community.i18n import LANG_COOKIE
from community.security import safe_next


@bp.route("/")
def index():
    """The home page."""
    return render_template("core/index.html")


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
