"""What every template can use: the language form, demo mode, the current path."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from community.accounts.forms import LanguageForm
from community.accounts.models import Role
from community.forms import ActionForm
from community.ideas.labels import importance_label, status_label
from community.notify.service import unread_count
from community.text import cooked
from community.timeutil import iso


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["cooked"] = cooked
    app.jinja_env.filters["atomdate"] = atom_date
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["importance_label"] = importance_label

    @app.context_processor
    def globals_for_templates():
        locale = str(get_locale() or "en")
        here = request.full_path if request.query_string else request.path
        # Forms with a CSRF token put a token in the session, and so a Set-Cookie on the
        # response: only members (who have a session anyway) get them. Visitors' pages stay
        # cookie-free and cacheable; their language picker is a GET that only sets a cookie.
        member = current_user.is_authenticated
        language_form = LanguageForm(formdata=None, lang=locale, next=here,
                                     meta={"csrf": member})
        return {
            "language_form": language_form,
            "logout_form": ActionForm(formdata=None) if member else None,
            "unread_count": unread_count(current_user) if member else 0,
            "demo_mode": app.config["CERCLE_ENV"] == "demo",
            "site_name": app.config["SITE_NAME"],
            "current_locale": locale,
            "roles": Role,
        }


def atom_date(value) -> str:
    """RFC 3339 for Atom feeds (stored datetimes are naive UTC)."""
    return iso(value) or "1970-01-01T00:00:00Z"
