"""What every template can use from the base layer: Markdown, dates for feeds, demo mode, the
site's name and language, and the main menu the domains fill (``navigation.py``). Domains add
their own globals and context in their ``init_app``."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from community import navigation
from community.text import cooked
from community.timeutil import iso


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["cooked"] = cooked
    app.jinja_env.filters["atomdate"] = atom_date
    # A page of another domain is linked only if that domain is part of this app.
    app.jinja_env.globals["has_page"] = lambda endpoint: endpoint in app.view_functions

    @app.context_processor
    def globals_for_templates():
        return {
            "demo_mode": app.config["CERCLE_ENV"] == "demo",
            "site_name": app.config["SITE_NAME"],
            "current_locale": str(get_locale() or "en"),
            "main_menu": navigation.main_menu(current_user),
        }


def atom_date(value) -> str:
    """RFC 3339 for Atom feeds (stored datetimes are naive UTC)."""
    return iso(value) or "1970-01-01T00:00:00Z"
