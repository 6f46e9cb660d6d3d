"""Translated names of idea statuses, built once; each page translates only those it shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

STATUS_LABELS = {
    "open": _l("Open"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "shipped": _l("Shipped"),
    "declined": _l("Declined"),
    "already_exists": _l("Already exists"),
    "merged": _l("Merged"),
}


IMPORTANCE_LABELS = {1: _l("Nice to have"), 2: _l("Important"), 3: _l("Critical")}


def importance_label(value: int) -> str:
    return str(IMPORTANCE_LABELS.get(value, value))


def status_label(value: str) -> str:
    label = STATUS_LABELS.get(value)
    return str(label) if label is not None else value


_BADGE = Markup('<span class="badge status status-{}">{}</span>')


def status_badges() -> dict[str, Markup]:
    """Every status's badge (``_macros/ideas.html``'s ``status_badge``), by status value,
    translated once: a list draws one a row from this dict, not a macro and a lookup each."""
    return {value: _BADGE.format(value, str(label)) for value, label in STATUS_LABELS.items()}
