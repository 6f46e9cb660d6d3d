"""Whole numbers from outside (paths, query strings, forms): only those the database can hold.

Ids are positive and stored as 32-bit integers (PostgreSQL's ``integer``, the type of every id
column; SQLite's driver raises OverflowError from 2**63, and PostgreSQL "integer out of range"
from 2**31: each was a 500). So every number a visitor sends is checked here
first, by one rule (1 to ``MAX_ID`` unless said otherwise): ``<int:…>`` in a route matches no
route past it (404), ``query_int`` falls back to its default, and ``IntRange`` makes it a field
error in the visitor's language.

Base layer: it imports flask, flask_babel, werkzeug and wtforms, nothing of Cercle's domains.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug import routing
from wtforms import ValidationError

MAX_ID = 2**31 - 1
OUT_OF_RANGE = _l("This number is out of range.")


def to_int(text: str | None, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """``text`` as a whole number from ``minimum`` to ``maximum``, else None.

    Decimal digits only (no sign, space or underscore, which ``int`` would take); the length is
    checked before converting, so a megabyte of digits costs nothing.
    """
    if not text or not text.isdecimal() or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def query_int(name: str, default: int | None = None) -> int | None:
    """The query argument ``name`` as an id-sized number (1 to MAX_ID), else ``default``."""
    value = to_int(request.args.get(name))
    return default if value is None else value


class IntRange:
    """Form validator: the field's number (or each number of a list) is within the range.

    Pair it with every IntegerField and integer-valued SelectField or hidden field; ids by
    default (1 to MAX_ID). An empty field passes: ``required()`` says whether it may be empty.
    """

    def __init__(self, minimum: int = 1, maximum: int = MAX_ID, message=None) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.message = message or OUT_OF_RANGE

    def __call__(self, form, field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        self.check(values)

    def check(self, values: Iterable[int | None]) -> None:
        """Raise the field error if one of ``values`` is out of the range."""
        if any(v is not None and not self.minimum <= v <= self.maximum for v in values):
            raise ValidationError(self.message)


class IdConverter(routing.IntegerConverter):
    """``<int:…>`` in every route: 1 to MAX_ID. Anything else matches no route (a 404)."""

    def __init__(self, map: routing.Map, fixed_digits: int = 0, min: int = 1,
                 max: int = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value.lstrip("-")) > len(str(self.max)):
            raise routing.ValidationError()  # no match, without converting a long string
        return super().to_python(value)


def init_app(app: Flask) -> None:
    """Replace the default ``int`` converter: call it before the blueprints are registered."""
    app.url_map.converters["int"] = IdConverter
