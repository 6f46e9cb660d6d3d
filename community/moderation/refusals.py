"""What moderation's rules say when they refuse: each code ``Refused`` carries (see
``community/refusals.py``), in the reader's language. Registered by ``moderation.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    "moderation.duplicate": _l("You have already flagged this: the moderators will look at it."),
    "moderation.forbidden": _l("Only moderators can decide flags."),
    "moderation.cannot_hide": _l(
        "This kind of content cannot be hidden from the moderation queue."),
    "moderation.nothing_open": _l(
        "Nothing is waiting here: another moderator may have decided it."),
    "moderation.bad_decision": _l("Choose to dismiss the flags or to hide the content."),
    "moderation.own_content": _l("You cannot report your own content or your own profile."),
}


def register() -> None:
    register_messages(MESSAGES)
