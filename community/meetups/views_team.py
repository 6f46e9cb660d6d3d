"""The pages for a group's owners and the community team: the ambassadors' ranking (with
mark/unmark), the ambassadors across groups (staff) and the group's health (owners, staff).

A secret group answers 404 to anyone outside it; a group the reader may see but not run
answers 403.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.groups import access
from community.meetups import ambassadors, health
from community.meetups.blueprint import groups_bp as bp
from community.meetups.forms_directory import AmbassadorForm
from community.meetups.views_directory import group_or_404
from community.refusals import carry_out


@bp.route("/groups/<slug>/ambassadors", endpoint="ambassadors")
@login_required
def ambassadors_page(slug: str):
    """Owners: members ranked by help score, with the breakdown; mark or unmark."""
    group = group_or_404(slug)
    if not access.owns(current_user, group):
        abort(403)
    return render_template("groups/ambassadors.html", group=group, tab="ambassadors",
                           scores=ambassadors.ranking(group), heavy=ambassadors.HEAVY,
                           form=AmbassadorForm(formdata=None))



@bp.route("/groups/<slug>/ambassadors/<int:user_id>", methods=["POST"])
@login_required
def mark_ambassador(slug: str, user_id: int):
    group = group_or_404(slug)
    if not access.owns(current_user, group):
        abort(403)
    form = AmbassadorForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors)
              or _("The form expired: try again."), "error")
        return redirect(url_for("groups.ambassadors", slug=group.slug))
    on = form.ambassador.data == "on"
    carry_out(lambda: ambassadors.mark(current_user, group, user_id, on),
              _("The member is now an ambassador of the group.") if on
              else _("The member is no longer an ambassador of the group."))
    return redirect(url_for("groups.ambassadors", slug=group.slug))


@bp.route("/groups/ambassadors")
@login_required
def all_ambassadors():
    """The community team: every group's ambassadors."""
    if not access.sees_all_groups(current_user):
        abort(403)
    return render_template("groups/all_ambassadors.html",
                           rows=ambassadors.across_groups(current_user),
                           limit=ambassadors.ALL_LIMIT)


@bp.route("/groups/<slug>/health", endpoint="health")
@login_required
def health_page(slug: str):
    """Owners and staff: members over time, active members, events and attendance."""
    group = group_or_404(slug)
    if not (access.owns(current_user, group) or access.sees_all_groups(current_user)):
        abort(403)
    return render_template("groups/health.html", group=group, tab="health",
                           health=health.health_of(group))

