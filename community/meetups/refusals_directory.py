"""What the directory's, the ambassadors' and the health pages' rules say when they refuse
(see ``community/refusals.py``), in the reader's language. Registered by ``meetups.init_app``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    # ---- the directory (groups/directory.py) ----
    "directory.not_member": _l("Only the group's members have a place in its directory."),
    "directory.unknown_field": _l("“%(field)s” is not a field of the directory."),
    "directory.too_long": _l("Use at most %(max)d characters."),
    "directory.control_characters": _l("Remove the invisible control characters from this "
                                       "text."),
    # ---- ambassadors (meetups/ambassadors.py) ----
    "directory.ambassador_owners_only": _l("Only the group's owners name its ambassadors."),
    "directory.ambassador_not_member": _l("This person is not a member of the group."),
}


def register() -> None:
    register_messages(MESSAGES)
