"""What every template can use: the language form, demo mode, the current path."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale

from community.accounts.forms import LanguageForm
from community.forms import ActionForm


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def globals_for_templates():
        locale = str(get_locale() or "en")
        language_form = LanguageForm(formdata=None, lang=locale, next=request.full_path
                                     if request.query_string else request.path)
        return {
            "language_form": language_form,
            "logout_form": ActionForm(formdata=None),
            "demo_mode": app.config["CERCLE_ENV"] == "demo",
            "site_name": app.config["SITE_NAME"],
            "current_locale": locale,
        }
