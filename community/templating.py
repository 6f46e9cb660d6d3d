"""What every template can use from the base layer: Markdown, dates for feeds, demo mode, the
site's name and language, and the main menu the domains fill (``navigation.py``). Domains add
their own globals and context in their ``init_app``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from community import navigation
from community.text import cooked
from community.timeutil import iso, utcnow

RELATIVE_FOR = timedelta(days=7)  # older moments read as a date, as Discourse shows them


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["cooked"] = cooked
    app.jinja_env.filters["atomdate"] = atom_date
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["exact"] = exact
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


def ago(value: datetime | date | None) -> Markup:
    """The one way a moment is shown: relative while recent ("3 hours ago", "il y a 3 heures"),
    the date after a week, and the exact time on hover, all through Flask-Babel in the reader's
    language. A stored datetime is naive UTC."""
    if value is None:
        return Markup("")
    if not isinstance(value, datetime):
        return Markup('<time datetime="%s">%s</time>') % (value.isoformat(),
                                                          format_date(value, "medium"))
    delta = value - utcnow()
    if abs(delta) < timedelta(minutes=1):
        text = _("just now")
    elif abs(delta) < RELATIVE_FOR:
        text = format_timedelta(delta, add_direction=True)
    else:
        text = format_date(value, "medium")
    return Markup('<time datetime="%s" title="%s">%s</time>') % (
        iso(value), format_datetime(value, "medium"), text)


def exact(value: datetime | None) -> Markup:
    """A moment inside a sentence ("suspended since …", "published … by"), where a relative
    time would not read: the short date and time, marked up as ``ago`` marks it."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="%s">%s</time>') % (iso(value), format_datetime(value, "short"))
