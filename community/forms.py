"""Form helpers shared by every domain: clean text, one-button actions, common validators."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
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


class ActionForm(FlaskForm):
    """A form with no fields: the CSRF token behind a one-button POST (follow, revoke, log out)."""


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def valid_slug(form, field):
    """An address part: lowercase letters, digits and single dashes (empty is left to
    ``optional()``)."""
    if field.data and not _SLUG.match(field.data):
        raise ValidationError(_l("Use lowercase letters, digits and dashes."))
