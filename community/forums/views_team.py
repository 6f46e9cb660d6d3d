"""Forum pages for the team: unanswered questions, top helpers, FAQ editing, moderation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from community.accounts.decorators import role_required, staff_required
from community.accounts.models import Role
from community.extensions import db
from community.forums import access, admin, moderate, qa, queries
from community.forums.blueprint import bp
from community.forums.forms import (
    CategoryForm,
    FaqForm,
    MergeForm,
    MoveForm,
    ReasonForm,
    SplitForm,
)
from community.forums.models import FaqEntry, ForumCategory, Topic
from community.forums.pages import (
    post_or_404,
    refuse,
    topic_or_404,
    topic_url,
)
from community.refusals import Refused


def _visible_categories():
    return queries.categories(access.visible_condition(current_user))


def faq_or_404(entry_id: int) -> FaqEntry:
    """A FAQ entry follows its category: outside the reader's sight, it does not exist."""
    entry = db.get_or_404(FaqEntry, entry_id)
    if not access.can_see(current_user, entry.category):
        abort(404)
    return entry


@bp.route("/forums/unanswered")
@staff_required
def unanswered():
    """Questions still waiting for an accepted answer, the longest waiting first."""
    topics = qa.unanswered_questions(access.visible_category_ids(current_user))
    return render_template("forums/unanswered.html", topics=topics)


@bp.route("/forums/helpers")
@staff_required
def helpers():
    """The members whose answers help most (the super-users), with their activity."""
    return render_template("forums/helpers.html", helpers=queries.top_helpers(
        access.visible_category_ids(current_user)))


@bp.route("/p/<int:post_id>/faq", methods=["GET", "POST"])
@staff_required
def promote(post_id: int):
    """Turn an accepted answer into a FAQ entry (question and answer may be reworded)."""
    post = post_or_404(post_id)
    categories = _visible_categories()
    form = FaqForm(categories=categories, question=post.topic.title, answer=post.body_md,
                   category=post.topic.category_id)
    if form.validate_on_submit():
        chosen = next(c for c in categories if c.id == form.category.data)
        try:
            entry = qa.promote_to_faq(current_user, post, form.question.data,
                                      form.answer.data, chosen)
        except Refused as refusal:
            refuse(refusal)
        else:
            db.session.commit()
            flash(_("The answer is in the FAQ."), "success")
            return redirect(url_for("forums.faq", _anchor=f"faq-{entry.id}"))
    return render_template("forums/faq_form.html", form=form, post=post), (
        422 if form.errors else 200)


@bp.route("/faq/<int:entry_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_faq(entry_id: int):
    """Reword or recategorise a FAQ entry (among the categories the editor may see)."""
    entry = faq_or_404(entry_id)
    categories = _visible_categories()
    form = FaqForm(categories=categories, question=entry.question, answer=entry.answer_md,
                   category=entry.category_id)
    if form.validate_on_submit():
        chosen = next(c for c in categories if c.id == form.category.data)
        qa.update_faq(current_user, entry, form.question.data, form.answer.data, chosen)
        db.session.commit()
        return redirect(url_for("forums.faq", _anchor=f"faq-{entry.id}"))
    return render_template("forums/faq_form.html", form=form, entry=entry), (
        422 if form.errors else 200)


@bp.route("/faq/<int:entry_id>/delete", methods=["POST"])
@staff_required
def delete_faq(entry_id: int):
    """Take an entry out of the FAQ (the discussion stays)."""
    entry = faq_or_404(entry_id)
    qa.remove_faq(current_user, entry)
    db.session.commit()
    return redirect(url_for("forums.faq"))


TOPIC_SWITCHES = {"lock": ("locked", True), "unlock": ("locked", False),
                  "pin": ("pinned", True), "unpin": ("pinned", False),
                  "hide": ("hidden", True), "unhide": ("hidden", False)}


@bp.route("/t/<int:topic_id>/moderate/<action>", methods=["POST"])
@role_required(Role.MODERATOR)
def moderate_topic(topic_id: int, action: str):
    """Lock, pin or hide a topic, or undo it; the reason goes to the audit log."""
    topic = topic_or_404(topic_id)
    form = ReasonForm()
    if action not in TOPIC_SWITCHES or not form.validate_on_submit():
        abort(400)
    name, value = TOPIC_SWITCHES[action]
    moderate.set_flag(current_user, topic, name, value, form.reason.data or "")
    db.session.commit()
    flash(_("Done."), "success")
    return redirect(topic_url(topic))


@bp.route("/p/<int:post_id>/moderate/<action>", methods=["POST"])
@role_required(Role.MODERATOR)
def moderate_post(post_id: int, action: str):
    """Hide a post from members, or show it again."""
    post = post_or_404(post_id)
    form = ReasonForm()
    if action not in ("hide", "unhide") or not form.validate_on_submit():
        abort(400)
    moderate.hide_post(current_user, post, action == "hide", form.reason.data or "")
    db.session.commit()
    return redirect(url_for("forums.post", post_id=post.id))


@bp.route("/t/<int:topic_id>/manage", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def manage(topic_id: int):
    """Move, merge or split a topic (one page, three forms)."""
    topic = topic_or_404(topic_id)
    categories = _visible_categories()
    forms = {"move": MoveForm(prefix="move", categories=categories,
                              category=topic.category_id),
             "merge": MergeForm(prefix="merge"),
             "split": SplitForm(prefix="split", categories=categories,
                                category=topic.category_id)}
    chosen = request.form.get("form") if request.method == "POST" else None
    form = forms.get(chosen) if chosen else None
    if form is not None and form.validate_on_submit():
        try:
            target = _manage(topic, chosen, form, categories)
        except Refused as refusal:
            refuse(refusal)
        else:
            db.session.commit()
            flash(_("Done."), "success")
            return redirect(topic_url(target))
    return render_template("forums/manage.html", topic=topic, forms=forms), (
        422 if form is not None and form.errors else 200)


def _manage(topic: Topic, chosen: str, form, categories) -> Topic:
    reason = form.reason.data or ""
    if chosen == "move":
        category = next(c for c in categories if c.id == form.category.data)
        moderate.move_topic(current_user, topic, category, reason)
        return topic
    if chosen == "merge":
        target = db.session.get(Topic, form.target.data)
        if target is None or not target.is_visible or not access.can_see(current_user,
                                                                         target.category):
            raise Refused("forums.merge_target", 422)
        moderate.merge_topics(current_user, topic, target, reason)
        return target
    category = next(c for c in categories if c.id == form.category.data)
    ids = queries.post_ids_by_number(topic, form.number_list)
    return moderate.split_topic(current_user, topic, ids, form.title.data, category, reason)


def _category_form(category: ForumCategory | None = None) -> CategoryForm:
    groups, clubs = admin.groups_and_clubs()
    if category is None:
        return CategoryForm(groups=groups, clubs=clubs)
    return CategoryForm(groups=groups, clubs=clubs, name=category.name, slug=category.slug,
                        description=category.description, colour=category.colour,
                        position=category.position, audience=admin.audience_of(category))


@bp.route("/forums/categories", methods=["GET", "POST"])
@bp.route("/forums/categories/<int:category_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def categories(category_id: int | None = None):
    """Admins add and edit categories: order, description, colour, who may see them."""
    category = db.get_or_404(ForumCategory, category_id) if category_id else None
    form = _category_form(category)
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                admin.save_category(category, name=form.name.data, slug=form.slug.data,
                                    description=form.description.data or "",
                                    colour=form.colour.data, position=form.position.data or 0,
                                    audience=form.audience.data)
        except IntegrityError:
            form.slug.errors.append(_("Another category already uses this address."))
        else:
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("forums.categories"))
    return render_template("forums/categories.html", form=form, editing=category,
                           categories=queries.categories(sa.true())), (
        422 if form.errors else 200)
