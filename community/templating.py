"""What every template can use: the language form, demo mode, the current path."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from community.accounts.forms import LanguageForm
from community.forms import ActionForm
from community.text import cooked


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["cooked"] = cooked

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
            "demo_mode": app.config["CERCLE_ENV"] == "demo",
            "site_name": app.config["SITE_NAME"],
            "current_locale": locale,
        }
