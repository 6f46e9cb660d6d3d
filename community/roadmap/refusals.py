"""What the clubs' and the roadmap's rules say when they refuse (see ``community/refusals.py``),
in the reader's language. Registered by ``roadmap.init_app``. Each part of the domain keeps its
own section: add to yours only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    "roadmap.forbidden": _l("You are not allowed to do this."),
    # ---- clubs (clubs.py, logos.py) ----
    "roadmap.club_owners_only": _l("Only the club's owners can do this."),
    "roadmap.club_managers_only": _l("Only the club's managers can do this."),
    "roadmap.club_name_taken": _l("A club with this name was just created: choose another "
                                  "name."),
    "roadmap.club_bad_domain": _l("“%(domain)s” is not an e-mail domain such as example.com."),
    "roadmap.club_too_many_domains": _l("Give at most %(max)d e-mail domains."),
    "roadmap.club_unverified": _l("Please confirm your e-mail address first."),
    "roadmap.club_member_already": _l("You are already a member of this club."),
    "roadmap.club_requested_already": _l("You already asked to join this club: a manager will "
                                         "answer."),
    "roadmap.club_request_gone": _l("This request was already answered."),
    "roadmap.club_not_member": _l("This person is not a member of the club."),
    "roadmap.club_last_owner": _l("A club needs an owner: name another owner first."),
    "roadmap.logo_empty": _l("Choose an image file."),
    "roadmap.logo_too_large": _l("The logo is too large: send a file of at most %(max)s MB."),
    "roadmap.logo_type": _l("The logo must be a PNG, JPEG, WebP or GIF image."),
    "roadmap.logo_pixels": _l("The image has too many pixels: at most %(max)d megapixels."),
    "roadmap.logo_damaged": _l("The image is damaged or incomplete: it could not be read."),
    # ---- ballots, side by side, insight (ballots.py, insight.py) ----
    "roadmap.ballot_not_manager": _l("Only the club's managers publish its ballot."),
    "roadmap.ballot_empty": _l("Put at least one idea on the ballot."),
    "roadmap.ballot_too_long": _l("A ballot holds at most %(max)d ideas."),
    "roadmap.ballot_duplicate": _l("Idea #%(idea)d is on the ballot twice: keep it once."),
    "roadmap.ballot_unknown_idea": _l("There is no idea #%(idea)d."),
    "roadmap.ballot_merged_idea": _l(
        "Idea #%(idea)d was merged into another idea: put that one on the ballot instead."),
    "roadmap.ballot_reason_needed": _l("Give a short reason for idea #%(idea)d."),
    "roadmap.ballot_reason_too_long": _l(
        "The reason for idea #%(idea)d is too long: use at most %(max)d characters."),
    "roadmap.ballot_unchanged": _l(
        "This ballot is the same as the one published: there is nothing new to publish."),
    "roadmap.ballot_conflict": _l(
        "Another manager published the ballot a moment ago. Check the new version, then "
        "publish yours again if it is still needed."),
    # ---- roadmap items and changelog (items.py, changelog.py) ----
    "roadmap.not_product": _l("Only the product team manages the roadmap."),
    "roadmap.quarter_needed": _l("Give the quarter as YEAR-Qn, for example 2027-Q1."),
    "roadmap.ship_with_changelog": _l(
        "An item is marked shipped by shipping it, with its changelog entry."),
    "roadmap.item_shipped": _l("This item has shipped: its status and ideas stay as they were."),
    "roadmap.already_shipped": _l("This item has already shipped."),
    "roadmap.no_such_idea": _l("There is no idea with this number or address."),
    "roadmap.idea_merged": _l(
        "This idea was merged into another: link the idea it was merged into."),
    "roadmap.already_linked": _l("This idea is already on this item."),
    "roadmap.not_linked": _l("This idea is not on this item."),
    "roadmap.link_race": _l("This idea was just linked by someone else: reload and check."),
    # ---- requests (requests.py) ----
}


def register() -> None:
    register_messages(MESSAGES)
