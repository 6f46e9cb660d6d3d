"""What the forums' rules say when they refuse: each code ``Refused`` carries (see
``community/refusals.py``), in the reader's language. Registered by ``forums.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    # Writing (service.py): who may post, and the trust-level limits (limits.py)
    "forums.unverified": _l("Please confirm your e-mail address before posting."),
    "forums.locked": _l("This topic is closed to new replies."),
    "forums.links": _l("New members may include at most 2 links per post, basic members 5. "
                       "Links open up as your trust level grows (see your settings)."),
    "forums.rate": _l("You are posting very fast: please wait a while before posting again."),
    "forums.helpful": _l("You cannot mark this post as helpful."),
    # Editing, deleting and restoring a post (service.post_refusal)
    "forums.not_yours": _l("Only the post's author or a moderator can do this."),
    "forums.edit_locked": _l("This topic is closed: only moderators can edit its posts."),
    "forums.deleted": _l("This post was deleted."),
    # Questions and the FAQ (qa.py)
    "forums.accept_forbidden": _l("Only the question's author or the team can do this."),
    "forums.not_an_answer": _l("Only a visible reply can be the accepted answer."),
    "forums.faq_forbidden": _l("This action is not allowed."),
    "forums.not_accepted": _l("Only an accepted answer can become a FAQ entry."),
    "forums.already_in_faq": _l("This answer is already in the FAQ."),
    # Moderators' actions (moderate.py; restoring a post)
    "forums.moderators_only": _l("This action is not allowed."),
    "forums.merge_target": _l("Choose another, visible topic to merge into."),
    "forums.split_empty": _l("None of these post numbers is a reply in this topic."),
}


def register() -> None:
    register_messages(MESSAGES)
