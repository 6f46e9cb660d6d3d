"""The public roadmap and the changelog, and the product team's pages that write them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from community.accounts.decorators import role_required
from community.accounts.models import Role
from community.extensions import db
from community.forms import ActionForm
from community.ids import query_int
from community.refusals import Refused, carry_out
from community.roadmap import access, changelog, items, page_cache, queries
from community.roadmap.blueprint import bp
from community.roadmap.forms_roadmap import ItemForm, LinkForm, ShipForm
from community.roadmap.models import ChangelogEntry, ItemStatus, RoadmapItem

ENTRIES_PER_PAGE = 20
FEED_SIZE = 50
MAX_PAGE = 10_000  # past it, an empty page (an offset the databases can hold)


def _visible_item(item_id: int) -> RoadmapItem:
    """The item, or 404 when it does not exist or the reader may not see it."""
    item = db.session.get(RoadmapItem, item_id)
    if item is None or not access.may_see_item(current_user, item.members_only):
        abort(404)
    return item


def _cards(item_list) -> dict:
    """What the cards show beside each item: its ideas and the clubs balloting them."""
    ideas = items.ideas_on(i.id for i in item_list)
    clubs = queries.ballot_clubs({idea.id for some in ideas.values() for idea in some},
                                 current_user)
    return {"ideas": ideas, "clubs": clubs,
            "club_pages": "clubs.show" in current_app.view_functions}


@bp.route("/roadmap")
def board():
    """The public board, in columns by horizon or (``?by=status``) by status. The columns'
    HTML is reused while nothing on them changed (``page_cache``)."""
    by = "status" if request.args.get("by") == "status" else "horizon"

    def columns_html() -> str:
        columns = items.board(current_user, by)
        return render_template("roadmap/_board_columns.html", columns=columns, by=by,
                               **_cards([i for c in columns for i in c.items]))

    key = ("board", by, str(get_locale()), page_cache.audience(current_user))
    return render_template("roadmap/board.html", by=by,
                           manages=access.manages_roadmap(current_user),
                           columns_html=Markup(page_cache.rendered(key, columns_html)))


@bp.route("/roadmap/<int:item_id>")
def item(item_id: int):
    """One item: its description, its ideas with their votes and clubs; the team's tools."""
    found = _visible_item(item_id)
    manages = access.manages_roadmap(current_user)
    entry = changelog.entry_of(found.id)
    if entry is not None and not access.may_see_item(current_user, entry.members_only):
        entry = None
    return render_template(
        "roadmap/item.html", item=found, entry=entry, manages=manages,
        link_form=LinkForm(), action_form=ActionForm(), **_cards([found]))


@bp.route("/roadmap/new", methods=["GET", "POST"])
@role_required(Role.PRODUCT)
def new():
    """Create an item (product team)."""
    form = ItemForm()
    if form.validate_on_submit():
        try:
            created = items.create_item(current_user, form.fields())
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The item is on the roadmap."), "success")
            return redirect(url_for("roadmap.item", item_id=created.id))
    status = 422 if form.errors else 200
    return render_template("roadmap/item_form.html", form=form, item=None), status


@bp.route("/roadmap/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(Role.PRODUCT)
def edit(item_id: int):
    """Edit or move an item (product team): followers of its ideas hear of a move."""
    found = db.get_or_404(RoadmapItem, item_id)
    form = ItemForm(data=_form_data(found) if request.method == "GET" else None,
                    shipped=found.status is ItemStatus.SHIPPED)
    if form.validate_on_submit():
        try:
            items.update_item(current_user, found, form.fields())
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The item is saved."), "success")
            return redirect(url_for("roadmap.item", item_id=found.id))
    status = 422 if form.errors else 200
    return render_template("roadmap/item_form.html", form=form, item=found), status


def _form_data(item: RoadmapItem) -> dict:
    return {"title": item.title, "body": item.body_md, "horizon": item.horizon.value,
            "quarter": item.quarter or "", "status": item.status.value,
            "members_only": item.members_only, "position": item.position}


@bp.route("/roadmap/<int:item_id>/link", methods=["POST"])
@role_required(Role.PRODUCT)
def link(item_id: int):
    """Put an idea (by number or address) on the item."""
    found = db.get_or_404(RoadmapItem, item_id)
    form = LinkForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    else:
        carry_out(lambda: items.link_idea(current_user, found, items.find_idea(form.idea.data)),
                  _("The idea is on this item; its followers are told."))
    return redirect(url_for("roadmap.item", item_id=found.id))


@bp.route("/roadmap/<int:item_id>/unlink/<int:idea_id>", methods=["POST"])
@role_required(Role.PRODUCT)
def unlink(item_id: int, idea_id: int):
    """Take an idea off the item."""
    found = db.get_or_404(RoadmapItem, item_id)
    if ActionForm().validate_on_submit():
        carry_out(lambda: items.unlink_idea(current_user, found, idea_id),
                  _("The idea is off this item."))
    return redirect(url_for("roadmap.item", item_id=found.id))


@bp.route("/roadmap/<int:item_id>/ship", methods=["GET", "POST"])
@role_required(Role.PRODUCT)
def ship(item_id: int):
    """Ship the item: its changelog entry, its ideas shipped, voters and clubs told."""
    found = db.get_or_404(RoadmapItem, item_id)
    form = ShipForm()
    if form.validate_on_submit():
        try:
            entry = changelog.ship_item(current_user, found, form.title.data or "",
                                        form.body.data)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("Shipped: the entry is published and everyone concerned is told."),
                  "success")
            return redirect(url_for("roadmap.entry", entry_id=entry.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("roadmap/ship.html", form=form, item=found,
                           ideas=items.linked_ideas(found.id),
                           shipped=found.status is ItemStatus.SHIPPED), status


@bp.route("/changelog", endpoint="changelog")
def changelog_page():
    """What shipped, newest first, a page at a time (members-only entries for members)."""
    page = min(query_int("page", 1), MAX_PAGE)
    entries = list(db.session.scalars(
        sa.select(ChangelogEntry).where(access.visible_items(current_user, ChangelogEntry))
        .order_by(ChangelogEntry.published_at.desc(), ChangelogEntry.id.desc())
        .offset((page - 1) * ENTRIES_PER_PAGE).limit(ENTRIES_PER_PAGE + 1)))
    return render_template("roadmap/changelog.html", entries=entries[:ENTRIES_PER_PAGE],
                           page=page, more=len(entries) > ENTRIES_PER_PAGE)


@bp.route("/changelog/<int:entry_id>")
def entry(entry_id: int):
    """One changelog entry, with its item's ideas."""
    found = db.session.get(ChangelogEntry, entry_id)
    if found is None or not access.may_see_item(current_user, found.members_only):
        abort(404)
    item_ideas = items.linked_ideas(found.item_id) if found.item_id else []
    return render_template("roadmap/entry.html", entry=found, ideas=item_ideas)


@bp.route("/feeds/changelog.atom")
def changelog_feed():
    """Atom feed of the changelog: public entries only (a feed reader is never signed in)."""
    entries = db.session.scalars(
        sa.select(ChangelogEntry).where(access.visible_items(None, ChangelogEntry))
        .order_by(ChangelogEntry.published_at.desc(), ChangelogEntry.id.desc())
        .limit(FEED_SIZE)).all()
    xml = render_template("roadmap/changelog.atom.xml", entries=entries)
    return Response(xml, mimetype="application/atom+xml")
