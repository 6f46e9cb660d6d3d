"""What the ideas' rules say when they refuse: each code ``Refused`` carries (see
``community/refusals.py``), in the reader's language. Registered by ``ideas.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    # Votes (service.cast_vote)
    "ideas.unverified": _l("Please confirm your e-mail address before voting."),
    "ideas.closed": _l("This idea is closed: it can no longer be voted for."),
    "ideas.importance": _l("Choose how much it matters to you."),
    "ideas.vote_rate": _l("You are voting very fast: please wait a while before voting again. "
                          "The limit grows with your trust level."),
    # Priorities (priorities.set_ballot)
    "ideas.too_many": _l("Your priorities hold at most ten ideas."),
    "ideas.missing": _l("One of these ideas does not exist."),
    "ideas.ballot_unverified": _l("Please confirm your e-mail address first."),
    # Triage (triage.py)
    "ideas.forbidden": _l("Only the product team can do this."),
    "ideas.use_merge": _l("Use the merge form to merge an idea."),
    "ideas.note_required": _l("Declining needs a public explanation: say why."),
    "ideas.bad_target": _l("Choose another idea to merge into."),
    "ideas.not_shipped": _l("Only the idea's voters can answer, once it shipped."),
    "ideas.not_a_voter": _l("Only the idea's voters can answer, once it shipped."),
    # Categories (categories.py)
    "ideas.category_taken": _l("Another category already has this name (or one that reads "
                               "the same)."),
    "ideas.category_not_empty": _l("This category is not empty (ideas in it: %(num)d). Choose "
                                   "a category to move them to."),
    "ideas.category_same": _l("Choose another category to move the ideas to."),
}


def register() -> None:
    register_messages(MESSAGES)
