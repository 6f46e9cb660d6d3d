"""Form helpers shared by every domain: clean text, one-button actions, common validators."""

from __future__ import annotations

import re
import unicodedata

from babel import support
from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import escape
from wtforms import ValidationError
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, Optional

# C0/C1 control characters and the bidi overrides that disguise text (U+202A-E, U+2066-9).
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip(value):
    """Filter: trim surrounding white space and normalize to NFC (one spelling per text)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


def crlf(value):
    """Filter for multi-line text: one kind of line break."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class PlainText:
    """Refuse control characters (and, on one line, line breaks) with a clear message."""

    def __init__(self, multiline: bool = False) -> None:
        self.pattern = _MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD

    def __call__(self, form, field) -> None:
        if field.data and self.pattern.search(field.data):
            raise ValidationError(_l("Remove the invisible control characters from this text."))


def required():
    return DataRequired(message=_l("This field is required."))


def optional():
    return Optional()


def length(maximum: int, minimum: int = -1):
    if minimum > 0:
        message = _l("Use between %(min)d and %(max)d characters.", min=minimum, max=maximum)
    else:
        message = _l("Use at most %(max)d characters.", max=maximum)
    return Length(min=minimum, max=maximum, message=message)


class LazyToken:
    """A form's CSRF token, made (and so put in the session) only when the form is rendered.

    Flask-WTF makes the token as soon as a form is built; a page that builds a form it shows
    only to members would then give every visitor a session cookie, and make the page
    uncacheable (community/pagecache.py)."""

    __slots__ = ("_make", "_token")

    def __init__(self, make) -> None:
        self._make = make
        self._token: str | None = None

    def __str__(self) -> str:
        if self._token is None:
            self._token = self._make()
        return self._token

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __eq__(self, other) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))


class LazyFormCSRF(_FlaskFormCSRF):
    def generate_csrf_token(self, csrf_token_field):
        return LazyToken(lambda: super(LazyFormCSRF, self).generate_csrf_token(csrf_token_field))


# Every form of the app (they all derive from FlaskForm) gets its token lazily.
FlaskForm.Meta.csrf_class = LazyFormCSRF


class ActionForm(FlaskForm):
    """A form with no fields: the CSRF token behind a one-button POST (follow, revoke, log out)."""


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def valid_slug(form, field):
    """An address part: lowercase letters, digits and single dashes (empty is left to
    ``optional()``)."""
    if field.data and not _SLUG.match(field.data):
        raise ValidationError(_l("Use lowercase letters, digits and dashes."))


class WTFormsWords:
    """WTForms' own messages ("Not a valid choice") in the request's language, each catalogue
    read from disk once per process. (Flask-WTF reads it again on every request that builds a
    form: ``flask_wtf.i18n._get_translations`` looks for ``request.wtforms_translations``
    first, which ``init_app`` sets to this.)"""

    def __init__(self) -> None:
        self._catalogues: dict[str, support.Translations] = {}

    def _catalogue(self) -> support.Translations:
        locale = str(get_locale() or "en")
        found = self._catalogues.get(locale)
        if found is None:
            found = support.Translations.load(messages_path(), [locale], domain="wtforms")
            self._catalogues[locale] = found
        return found

    def ugettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


def init_app(app: Flask) -> None:
    words = WTFormsWords()

    @app.before_request
    def _wtforms_words() -> None:
        request.wtforms_translations = words
