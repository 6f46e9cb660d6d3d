"""What the groups' rules say when they refuse (see ``community/refusals.py``): groups.py,
covers.py and policy.py. Registered by ``meetups.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    "groups.not_found": _l("There is no such group."),
    "groups.admins_only": _l("Only administrators can do this."),
    "groups.bad_level": _l("Choose a trust level from 0 to 3."),
    "groups.may_not_create": _l("You cannot create a group yet."),
    "groups.owners_only": _l("Only the group's owners can do this."),
    "groups.managers_only": _l("Only the group's managers can do this."),
    "groups.name_taken": _l("A group with this name was just created: choose another name."),
    "groups.unverified": _l("Please confirm your e-mail address first."),
    "groups.member_already": _l("You are already a member of this group."),
    "groups.requested_already": _l("You already asked to join this group: a manager will "
                                   "answer."),
    "groups.invitation_only": _l("This group is joined by invitation only."),
    "groups.request_gone": _l("This request was already answered."),
    "groups.not_member": _l("This person is not a member of the group."),
    "groups.last_owner": _l("A group needs an owner: name another owner first."),
    "groups.invitations_limit": _l("You sent %(max)d invitations today: try again tomorrow."),
    "groups.invited_today": _l("This address was already invited to the group today: try "
                               "again tomorrow."),
    "groups.invitation_race": _l("This address was just invited by someone else."),
    "groups.invitation_gone": _l("This invitation has expired or was already used."),
    "groups.cover_empty": _l("Choose an image file."),
    "groups.cover_too_large": _l("The cover is too large: send a file of at most %(max)s MB."),
    "groups.cover_type": _l("The cover must be a PNG, JPEG, WebP or GIF image."),
    "groups.cover_pixels": _l("The image has too many pixels: at most %(max)d megapixels."),
    "groups.cover_damaged": _l("The image is damaged or incomplete: it could not be read."),
}


def register() -> None:
    register_messages(MESSAGES)
