"""Ideas, the product team's categories page: list, add, rename, reorder, delete.

Every action is a POST form with its CSRF token; refused input (empty, too long, a name that
another category already has) re-renders the page with 422, the message beside the field
and what was typed kept. Who may: ``categories.can_manage`` (the product team and admins).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from community.accounts.decorators import role_required
from community.accounts.models import Role
from community.extensions import db
from community.forms import ActionForm
from community.ideas import categories
from community.ideas.blueprint import bp
from community.ideas.forms_categories import CategoryForm, DeleteCategoryForm
from community.ideas.models import Category
from community.refusals import Refused, carry_out


def _page(new_form: CategoryForm | None = None, failed: tuple[int, object] | None = None,
          status: int = 200):
    """The page; ``failed`` is (category id, that row's bound rename or delete form), shown as
    it was sent, with its errors."""
    everything = categories.ordered()
    rows = []
    for category in everything:
        rename = CategoryForm(prefix=f"c{category.id}", name=category.name, formdata=None)
        delete = DeleteCategoryForm(prefix=f"d{category.id}", formdata=None,
                                    others=[c for c in everything if c.id != category.id])
        if failed is not None and failed[0] == category.id:
            if isinstance(failed[1], CategoryForm):
                rename = failed[1]
            else:
                delete = failed[1]
        rows.append((category, rename, delete))
    return render_template("ideas/categories.html", rows=rows, counts=categories.idea_counts(),
                           new_form=new_form or CategoryForm(prefix="new", formdata=None),
                           action_form=ActionForm()), status


def _refused_on(field, refusal: Refused) -> int:
    """Undo the action and show the rule's message beside the field; the page's status."""
    db.session.rollback()
    field.errors = [*field.errors, refusal.message]
    return refusal.status


@bp.route("/ideas/categories")
@role_required(Role.PRODUCT)
def categories_page():
    """The ideas' categories, in the order members see them, each with its ideas' count."""
    return _page()


@bp.route("/ideas/categories", methods=["POST"])
@role_required(Role.PRODUCT)
def category_create():
    """Add a category at the end."""
    form, status = CategoryForm(prefix="new"), 422
    if form.validate_on_submit():
        try:
            categories.create_category(current_user, form.name.data)
        except Refused as refusal:
            status = _refused_on(form.name, refusal)
        else:
            db.session.commit()
            flash(_("Category “%(name)s” added.", name=form.name.data), "success")
            return redirect(url_for("ideas.categories_page"))
    return _page(new_form=form, status=status)


@bp.route("/ideas/categories/<int:category_id>/rename", methods=["POST"])
@role_required(Role.PRODUCT)
def category_rename(category_id: int):
    """Rename a category (its ideas stay in it)."""
    category = db.get_or_404(Category, category_id)
    form, status = CategoryForm(prefix=f"c{category.id}"), 422
    if form.validate_on_submit():
        try:
            categories.rename_category(current_user, category, form.name.data)
        except Refused as refusal:
            status = _refused_on(form.name, refusal)
        else:
            db.session.commit()
            flash(_("Category renamed “%(name)s”.", name=form.name.data), "success")
            return redirect(url_for("ideas.categories_page"))
    return _page(failed=(category.id, form), status=status)


@bp.route("/ideas/categories/<int:category_id>/move", methods=["POST"])
@role_required(Role.PRODUCT)
def category_move(category_id: int):
    """Move a category one place up or down."""
    category = db.get_or_404(Category, category_id)
    if ActionForm().validate_on_submit():
        offset = -1 if request.form.get("direction") == "up" else 1
        carry_out(lambda: categories.move_category(current_user, category, offset))
    return redirect(url_for("ideas.categories_page", _anchor=f"category-{category.id}"))


@bp.route("/ideas/categories/<int:category_id>/delete", methods=["POST"])
@role_required(Role.PRODUCT)
def category_delete(category_id: int):
    """Delete a category, moving its ideas to another first if it holds any."""
    category = db.get_or_404(Category, category_id)
    form = DeleteCategoryForm(prefix=f"d{category.id}", others=[
        c for c in categories.ordered() if c.id != category.id])
    status = 422
    if form.validate_on_submit():
        target = db.session.get(Category, form.move_to.data) if form.move_to.data else None
        name = category.name
        try:
            moved = categories.delete_category(current_user, category, target)
        except Refused as refusal:
            status = _refused_on(form.move_to, refusal)
        else:
            db.session.commit()
            flash(ngettext("Category “%(name)s” deleted; %(num)d idea moved.",
                           "Category “%(name)s” deleted; %(num)d ideas moved.", moved, name=name)
                  if moved else _("Category “%(name)s” deleted.", name=name), "success")
            return redirect(url_for("ideas.categories_page"))
    return _page(failed=(category.id, form), status=status)
