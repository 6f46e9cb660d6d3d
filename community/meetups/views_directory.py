"""The directory's pages: a group's directory (its members and staff), the member's choices in
one group (which fields it sees, or hide from it) and the member's card (/settings/directory).

A secret group answers 404 to anyone outside it; the directory of a listed group answers 403
with a join prompt to a non-member. Nothing here ever shows an e-mail address.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.extensions import db
from community.groups import access, directory
from community.groups.membership import GROUPS
from community.groups.models import DIRECTORY_FIELDS, Group, GroupMember
from community.ids import query_int
from community.meetups.blueprint import groups_bp as bp
from community.meetups.forms_directory import (
    FIELD_LABELS,
    DirectoryChoicesForm,
    DirectoryProfileForm,
)
from community.refusals import Refused


def group_or_404(slug: str) -> Group:
    """The group if the reader may know it exists (a secret one is 404 to outsiders)."""
    group = GROUPS.find(slug)
    if group is None or not access.may_see_group(current_user, group):
        abort(404)
    return group


def _page_number() -> int:
    """The ?page= number (1 if absent or not a number; far pages are simply empty)."""
    return min(query_int("page", 1), 100_000)


@bp.route("/groups/<slug>/directory", endpoint="directory")
@login_required
def directory_page(slug: str):
    """The group's listed members with the fields each shows here; search and filters."""
    group = group_or_404(slug)
    if not access.sees_directory(current_user, group):
        return render_template("groups/directory.html", group=group, tab="directory",
                               outsider=True, page=None), 403
    filters = {key: request.args.get(key, "") for key in directory.FILTERS}
    q = request.args.get("q", "")
    page = directory.directory_page(group, q, _page_number(), **filters)
    kept = {key: value for key, value in {"q": directory.term(q), **page.filters}.items()
            if value}
    return render_template("groups/directory.html", group=group, tab="directory",
                           outsider=False, page=page, q=directory.term(q),
                           filters={k: directory.term(v) for k, v in filters.items()},
                           kept=kept, labels=FIELD_LABELS,
                           mine=access.membership(current_user, group))


@bp.route("/groups/<slug>/directory/me", methods=["GET", "POST"])
@login_required
def directory_me(slug: str):
    """Which of my card's fields this group's directory shows, or hide me from it."""
    group = group_or_404(slug)
    member = access.membership(current_user, group)
    if member is None:
        abort(403)
    if request.method == "POST":
        form = DirectoryChoicesForm()
        if form.validate_on_submit():
            try:
                directory.set_choices(current_user, group, listed=not form.hidden.data,
                                      shown=form.shown.data or [])
            except Refused as refusal:
                db.session.rollback()
                form.form_errors.append(refusal.message)
            else:
                db.session.commit()
                flash(_("Your choices for this group’s directory are saved."), "success")
                return redirect(url_for("groups.directory_me", slug=group.slug))
        status = 422
    else:
        form = DirectoryChoicesForm(formdata=None, data={
            "hidden": not member.listed, "shown": directory.shown_of(member)})
        status = 200
    card = directory.profile_of(current_user.id)
    return render_template("groups/directory_me.html", group=group, tab="directory",
                           form=form, card=card, fields=DIRECTORY_FIELDS,
                           labels=FIELD_LABELS), status


@bp.route("/settings/directory", methods=["GET", "POST"])
@login_required
def directory_profile():
    """My directory card: written once, each group sees the fields I choose for it."""
    card = directory.profile_of(current_user.id)
    if request.method == "POST":
        form = DirectoryProfileForm()
        if form.validate_on_submit():
            try:
                directory.save_profile(current_user, **form.values())
            except Refused as refusal:
                db.session.rollback()
                form.form_errors.append(refusal.message)
            else:
                db.session.commit()
                flash(_("Your directory card is saved."), "success")
                return redirect(url_for("groups.directory_profile"))
        status = 422
    else:
        form = DirectoryProfileForm(formdata=None, obj=card)
        status = 200
    return render_template("groups/directory_profile.html", form=form, card=card,
                           memberships=_my_groups()), status


def _my_groups() -> list:
    """The reader's groups, to reach each one's choices from the card's page."""
    return list(db.session.execute(
        sa.select(Group, GroupMember).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == current_user.id).order_by(Group.name)).all())
