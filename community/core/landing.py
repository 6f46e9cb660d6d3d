"""The visitors' home: the latest public activity, rendered once and reused for a short while.

Every visitor sees the same public sections (in their language), and the home is the page
visitors hit most, so the sections' HTML is kept per app and language for ``MAX_AGE``
seconds: a new public topic, idea or event appears on the landing page within that delay,
and a busy landing page costs a dictionary lookup instead of its queries. Each worker process
keeps its own copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app

MAX_AGE = 30.0
_KEY = "cercle.landing"


def rendered(language: str, render: Callable[[], str]) -> str:
    """The kept HTML for this language if younger than ``MAX_AGE``, else ``render()`` kept."""
    kept: dict = current_app.extensions.setdefault(_KEY, {})
    now = time.monotonic()
    found = kept.get(language)
    if found is not None and now - found[0] < MAX_AGE:
        return found[1]
    html = render()
    kept[language] = (now, html)
    return html


def forget() -> None:
    """Drop the kept copies (the next visitor renders afresh)."""
    current_app.extensions.pop(_KEY, None)
