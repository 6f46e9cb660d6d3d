"""The admins' page: add and edit products."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.decorators import role_required
from community.accounts.models import Role
from community.extensions import db
from community.refusals import Refused
from community.reviews import queries, service
from community.reviews.blueprint import bp
from community.reviews.forms import ProductForm
from community.reviews.models import Product


@bp.route("/products/manage", methods=["GET", "POST"])
@bp.route("/products/manage/<int:product_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage(product_id: int | None = None):
    """Admins add a product, or edit one: name, address, launch date, description."""
    product = db.get_or_404(Product, product_id) if product_id else None
    form = ProductForm(obj=product) if product else ProductForm()
    if form.validate_on_submit():
        try:
            service.save_product(current_user, product, name=form.name.data,
                                 slug=form.slug.data, launched_on=form.launched_on.data,
                                 description=form.description.data or "")
        except Refused as refusal:
            db.session.rollback()
            form.slug.errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The product is saved."), "success")
            return redirect(url_for("reviews.manage"))
    return render_template("reviews/manage.html", form=form, editing=product,
                           products=queries.products()), 422 if form.errors else 200
