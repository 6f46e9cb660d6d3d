"""Error pages in the visitor's language, rendered without the database.

An error page must not need what may have failed: the 500 and 503 pages are rendered as for a
visitor (no member loaded, so no query), in the language of the cookie or of Accept-Language.
Other error pages are rendered normally, and fall back to the same when the database fails
while they render. A database that cannot be reached, or that stays busy, answers 503 with
``Retry-After`` (``community/database.py`` says which errors are which), never a 500. A rule's
refusal (``community/refusals.py``) that no view caught answers its status with its message.
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from community import database
from community.extensions import db
from community.refusals import Refused

# Seconds a client is asked to wait: a lost race clears in moments, an outage takes longer.
RETRY_AFTER_BUSY = 2
RETRY_AFTER_DOWN = 30


# Lazy: translated while the page renders, once the language is known without the database.
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
}
SOMETHING_WRONG = _l("Something went wrong.")


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("This form has expired or was sent from elsewhere. Reload "
                                    "the page and try again."))

    @app.errorhandler(Refused)
    def refused(refusal: Refused):
        """A rule's refusal no view caught: its status, and its message on the error page.
        Nothing the refused action wrote is kept."""
        db.session.rollback()
        return render_error(refusal.status, refusal.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = error.get_response()
        page, _status = render_error(error.code, MESSAGES.get(error.code, SOMETHING_WRONG))
        response.data = page
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(StaleDataError)
    def database_error(error):
        if database.is_lost_race(error):
            current_app.logger.warning("the database stayed busy: %s", error)
            if database.saved_before_failing():
                return unavailable(
                    _l("Your change was saved, but the site is too busy to show the page. "
                       "Reload it in a moment."), RETRY_AFTER_BUSY)
            return unavailable(
                _l("The site is very busy and your change could not be saved. Please try "
                   "again in a moment."), RETRY_AFTER_BUSY)
        if database.is_unreachable(error):
            current_app.logger.error("the database cannot be reached: %s", error)
            return unavailable(
                _l("%(site)s is temporarily unavailable. Nothing you sent was lost or half "
                   "saved; please try again in a few minutes.",
                   site=current_app.config["SITE_NAME"]), RETRY_AFTER_DOWN)
        current_app.log_exception((type(error), error, error.__traceback__))
        return server_error(error)

    @app.errorhandler(500)
    def server_error(error):
        _forget_database()
        return render_error(500, _l("Something went wrong on our side. It has been logged."))


def unavailable(message, retry_after: int):
    _forget_database()
    page, status = render_error(503, message)
    return page, status, {"Retry-After": str(retry_after)}


def render_error(code: int, message) -> tuple[str, int]:
    """The error page; if rendering it needs a database that fails, rendered without."""
    try:
        return render_template("errors/error.html", code=code, message=message), code
    except SQLAlchemyError:
        _forget_database()
        return render_template("errors/error.html", code=code, message=message), code


def _forget_database() -> None:
    """End the transaction and render as for a visitor: nothing on the page will query."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it on next use
        db.session.close()
    g._login_user = current_app.login_manager.anonymous_user()
