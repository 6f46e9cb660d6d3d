"""What the clubs' and the roadmap's rules say when they refuse (see ``community/refusals.py``),
in the reader's language. Registered by ``roadmap.init_app``. Each part of the domain keeps its
own section: add to yours only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    "roadmap.forbidden": _l("You are not allowed to do this."),
    # ---- clubs (clubs.py, logos.py) ----
    # ---- ballots, side by side, insight (ballots.py, insight.py) ----
    # ---- roadmap items and changelog (items.py, changelog.py) ----
    # ---- requests (requests.py) ----
}


def register() -> None:
    register_messages(MESSAGES)
