"""What every template can use from the base layer: Markdown, dates for feeds, demo mode, the
site's name and language, and the main menu the domains fill (``navigation.py``). Domains add
their own globals and context in their ``init_app``."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from babel import dates as babel_dates
from flask import Flask, g, has_request_context
from flask_babel import get_locale, get_timezone
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


class Moments:
    """How one reader reads moments: their language and time zone, resolved once a request
    (``moments()``), and the present moment, so that a page of fifty rows formats fifty
    dates without asking Flask-Babel fifty times who is reading. A stored datetime is naive
    UTC."""

    __slots__ = ("locale", "zone", "now", "just_now")

    def __init__(self, locale=None) -> None:
        self.locale = locale or get_locale() or "en"
        self.zone = get_timezone()
        self.now = utcnow()
        self.just_now = _("just now")

    def ago(self, value: datetime | date | None) -> Markup:
        if value is None:
            return Markup("")
        if not isinstance(value, datetime):
            return Markup('<time datetime="%s">%s</time>') % (
                value.isoformat(), _formatted(str(self.locale), None, value, "date"))
        delta = value - self.now
        locale = str(self.locale)
        if abs(delta) < timedelta(minutes=1):
            text = self.just_now
        elif abs(delta) < RELATIVE_FOR:
            text = _relative(locale, round(delta.total_seconds() / 60))
        else:
            text = _formatted(locale, self.zone, value, "date")
        return Markup('<time datetime="%s" title="%s">%s</time>') % (
            iso(value), _formatted(locale, self.zone, value, "medium"), text)

    def exact(self, value: datetime | None) -> Markup:
        if value is None:
            return Markup("")
        return Markup('<time datetime="%s">%s</time>') % (
            iso(value), _formatted(str(self.locale), self.zone, value, "short"))


# The same rows show on page after page: their formatted moments are kept (Babel's formatting
# is most of a list's cost otherwise). Relative times are kept to the minute.
@functools.lru_cache(maxsize=4096)
def _relative(locale: str, minutes: int) -> str:
    return babel_dates.format_timedelta(timedelta(minutes=minutes), add_direction=True,
                                        locale=locale)


@functools.lru_cache(maxsize=32768)
def _formatted(locale: str, zone, value: datetime | date, form: str) -> str:
    if not isinstance(value, datetime):
        return babel_dates.format_date(value, "medium", locale=locale)
    local = value.replace(tzinfo=UTC).astimezone(zone)
    if form == "date":
        return babel_dates.format_date(local.date(), "medium", locale=locale)
    return babel_dates.format_datetime(local, form, locale=locale)


def moments() -> Moments:
    """This request's ``Moments`` (a fresh one outside a request)."""
    if not has_request_context():
        return Moments()
    found = g.get("moments")
    locale = get_locale() or "en"  # kept by Flask-Babel for the request (or forced: e-mails)
    if found is None or found.locale != locale:
        found = g.moments = Moments(locale)
    return found


def ago(value: datetime | date | None) -> Markup:
    """The one way a moment is shown: relative while recent ("3 hours ago", "il y a 3 heures"),
    the date after a week, and the exact time on hover, in the reader's language."""
    return moments().ago(value)


def exact(value: datetime | None) -> Markup:
    """A moment inside a sentence ("suspended since …", "published … by"), where a relative
    time would not read: the short date and time, marked up as ``ago`` marks it."""
    return moments().exact(value)
