"""What the reviews' rules say when they refuse: each code ``Refused`` carries (see
``community/refusals.py``), in the reader's language. Registered by ``reviews.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    # Writing and editing (service.write_review, service.edit_review)
    "reviews.unverified": _l("Please confirm your e-mail address before writing a review."),
    "reviews.already_reviewed": _l("You have already reviewed this product: edit your review "
                                   "instead."),
    "reviews.rating": _l("Choose a rating from 1 to 5."),
    "reviews.rate": _l("You have written many reviews today: please come back tomorrow. The "
                       "limit grows with your trust level."),
    "reviews.future": _l("“Using it since” cannot be in the future."),
    "reviews.not_yours": _l("Only the review's author can do this."),
    "reviews.hidden": _l("The moderators hid this review: it can no longer be edited."),
    # Helpful marks (service.toggle_helpful)
    "reviews.helpful": _l("You cannot mark this review as helpful."),
    # Products (service.save_product)
    "reviews.admins_only": _l("Only administrators can do this."),
    "reviews.slug_taken": _l("Another product already uses this address."),
}


def register() -> None:
    register_messages(MESSAGES)
