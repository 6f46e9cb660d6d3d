"""Review pages: products, a product's reviews, writing, editing, history, deleting, helpful
marks and flags."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.extensions import db
from community.forms import ActionForm
from community.ids import query_int, to_int
from community.moderation import service as moderation
from community.refusals import Refused, carry_out, message_for
from community.reviews import queries, service
from community.reviews.blueprint import bp
from community.reviews.forms import ReportForm, ReviewForm
from community.reviews.pages import (
    APART_SHOWN,
    limited_write,
    product_or_404,
    review_or_404,
    shown,
)


@bp.route("/products")
def index():
    """Every product, with its trusted reviews' average."""
    products = queries.products()
    stats = queries.product_stats([p.id for p in products])
    return render_template("reviews/products.html", products=products, stats=stats)


@bp.route("/products/<slug>")
def product(slug: str):
    """A product's address leads to its reviews."""
    return redirect(url_for("reviews.product_reviews", slug=product_or_404(slug).slug))


@bp.route("/products/<slug>/reviews")
def product_reviews(slug: str):
    """The product's trusted reviews (average, distribution, sorted, paged), then apart those
    of the team and of discounted members."""
    product = product_or_404(slug)
    sort, group = _choice("sort", queries.SORTS), _choice("group", queries.GROUPS)
    page = query_int("page", 1)
    listed = queries.reviews_of(product, group, sort, page,
                                current_app.config.get("REVIEWS_PER_PAGE", 20))
    apart = {g: queries.reviews_of(product, g, sort, 1, APART_SHOWN)
             for g in queries.GROUPS[1:]} if group == "trusted" else {}
    mine = (queries.review_by(current_user.id, product.id)
            if current_user.is_authenticated else None)
    every = listed.reviews + [r for p in apart.values() for r in p.reviews]
    return render_template(
        "reviews/product.html", product=product, listed=listed, apart=apart, mine=mine,
        stats=queries.product_stats([product.id])[product.id], group=group, sort=sort,
        page=page, shown={s.review.id: s for s in shown(every)}, action_form=ActionForm())


def _choice(name: str, allowed) -> str:
    """A query argument among ``allowed`` (the first one otherwise)."""
    value = request.args.get(name)
    return value if value in allowed else next(iter(allowed))


def _write_refusal() -> str | None:
    """Why the reader may not write a review (the message), or None."""
    return None if current_user.is_verified else message_for("reviews.unverified")


@bp.route("/products/<slug>/reviews/new", methods=["GET", "POST"])
@login_required
@limited_write
def create(slug: str):
    """Write a review (verified members; one per product)."""
    product = product_or_404(slug)
    mine = queries.review_by(current_user.id, product.id)
    if mine is not None and request.method == "GET":
        flash(message_for("reviews.already_reviewed"), "info")
        return redirect(url_for("reviews.update", review_id=mine.id))
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            service.write_review(current_user, product, int(form.rating.data), form.title.data,
                                 form.body.data, form.using_since)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
            return _form_page(form, product, None, refusal.status)
        db.session.commit()
        flash(_("Your review is published. Thank you!"), "success")
        return redirect(url_for("reviews.product_reviews", slug=product.slug))
    return _form_page(form, product, None, 422 if form.errors else 200)


def _form_page(form: ReviewForm, product, review, status: int):
    refusal = _write_refusal()
    return render_template("reviews/form.html", form=form, product=product, review=review,
                           refusal=refusal), (
        403 if refusal and status == 200 else status)


@bp.route("/reviews/<int:review_id>")
def detail(review_id: int):
    """One review on its own (the address moderators and notifications link to)."""
    review = review_or_404(review_id)
    return render_template("reviews/detail.html", review=review, product=review.product,
                           shown={review.id: shown([review])[0]}, action_form=ActionForm())


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
@limited_write
def update(review_id: int):
    """The author edits their review; the previous version goes to its history."""
    review = review_or_404(review_id)
    service.require_author(current_user, review)  # a refusal answers with its message
    form = ReviewForm.of(review)
    if form.validate_on_submit():
        try:
            changed = service.edit_review(current_user, review, int(form.rating.data),
                                          form.title.data, form.body.data, form.using_since)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
            return _form_page(form, review.product, review, refusal.status)
        db.session.commit()
        flash(_("Your review is updated.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("reviews.product_reviews", slug=review.product.slug))
    return _form_page(form, review.product, review, 422 if form.errors else 200)


@bp.route("/reviews/<int:review_id>/history")
def history(review_id: int):
    """Every earlier version of a review, the latest first."""
    review = review_or_404(review_id)
    return render_template("reviews/history.html", review=review, product=review.product,
                           revisions=queries.revisions_of(review))


@bp.route("/reviews/<int:review_id>/delete", methods=["GET", "POST"])
@login_required
@limited_write
def delete(review_id: int):
    """Confirm (GET), then delete one's review for good (POST)."""
    review = review_or_404(review_id)
    service.require_author(current_user, review)
    form = ActionForm()
    if form.validate_on_submit():
        slug = review.product.slug
        service.delete_review(current_user, review)
        db.session.commit()
        flash(_("Your review is deleted."), "info")
        return redirect(url_for("reviews.product_reviews", slug=slug))
    return render_template("reviews/delete.html", review=review, product=review.product,
                           form=form)


@bp.route("/reviews/<int:review_id>/helpful", methods=["POST"])
@login_required
@limited_write
def helpful(review_id: int):
    """Mark another member's review helpful, or take the mark back."""
    review = review_or_404(review_id)
    carry_out(lambda: service.toggle_helpful(current_user, review))
    back = url_for("reviews.product_reviews", slug=review.product.slug, **_kept_args())
    return redirect(f"{back}#review-{review.id}")


def _kept_args() -> dict:
    """The list's sort, group and page, which the helpful button sends back."""
    sort, group = request.form.get("sort"), request.form.get("group")
    return {"sort": sort if sort in queries.SORTS else None,
            "group": group if group in queries.GROUPS[1:] else None,
            "page": to_int(request.form.get("page"), 2, queries.MAX_PAGE)}


@bp.route("/reviews/<int:review_id>/flag", methods=["GET", "POST"])
@login_required
@limited_write
def flag(review_id: int):
    """Flag a review for the moderators' queue (not one's own)."""
    review = review_or_404(review_id)
    if not current_user.is_verified:
        raise Refused("reviews.unverified")
    if review.author_id == current_user.id:
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        carry_out(lambda: moderation.open_flag(current_user, "review", review.id,
                                               form.reason.data, form.note.data or ""),
                  _("Thank you: the moderators will look at this review."), refused="info")
        return redirect(url_for("reviews.detail", review_id=review.id))
    return render_template("reviews/flag.html", review=review, product=review.product,
                           form=form), 422 if form.errors else 200
