"""The trust levels' names as members read them (one place for pages, forms and evidence)."""

from __future__ import annotations

from flask_babel import lazy_pgettext

LEVEL_LABELS = {0: lazy_pgettext("trust level", "New"), 1: lazy_pgettext("trust level", "Basic"),
                2: lazy_pgettext("trust level", "Member"),
                3: lazy_pgettext("trust level", "Regular")}


def level_label(level: int) -> str:
    """A level's name in the reader's language (an unknown level shows its number)."""
    label = LEVEL_LABELS.get(level)
    return str(label) if label is not None else str(level)
