"""What the forums' view modules share: finding what the reader may see, or 404; a topic's
address; refusals shown to the member; the check of one-button actions."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from community.extensions import db
from community.forms import ActionForm
from community.forums import access
from community.forums.models import ForumCategory, Post, Topic

REFUSALS = {
    "unverified": _l("Please confirm your e-mail address before posting."),
    "locked": _l("This topic is closed to new replies."),
    "links": _l("New members may include at most 2 links per post. Links open up after a "
                "week of membership."),
    "rate": _l("You are posting very fast: please wait a while before posting again."),
    "helpful": _l("You cannot mark this post as helpful."),
    "forbidden": _l("Only the question's author or the team can do this."),
    "not_an_answer": _l("Only a visible reply can be the accepted answer."),
}


def category_or_404(slug: str) -> ForumCategory:
    category = db.first_or_404(select(ForumCategory).where(ForumCategory.slug == slug))
    if not access.can_see(current_user, category):
        abort(404)  # a restricted category does not even admit it exists
    return category


def topic_or_404(topic_id: int) -> Topic:
    topic = db.get_or_404(Topic, topic_id)
    if not access.can_see(current_user, topic.category):
        abort(404)
    if (topic.hidden or topic.deleted_at) and not access.is_moderator(current_user):
        abort(404)
    return topic


def post_or_404(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    topic_or_404(post.topic_id)
    return post


def topic_url(topic: Topic, page: int = 1, anchor: str | None = None) -> str:
    return url_for("forums.topic", topic_id=topic.id, slug=topic.slug,
                   page=page if page > 1 else None, _anchor=anchor)


def refuse(reasons) -> None:
    db.session.rollback()
    for reason in reasons:
        flash(str(REFUSALS.get(reason, reason)), "error")


def csrf_checked() -> None:
    """One-button actions carry only a CSRF token: without a valid one, 400."""
    if not ActionForm().validate_on_submit():
        abort(400)
