"""Group pages: the list (search, pages), a group (about, rules, cover, joining, upcoming
events, its discussions), creating and editing it (cover), joining (the rules first), leaving,
join requests, members and roles, invitations (link and e-mail) and the creation policy.

A group the reader may not see (a secret one, to an outsider) answers 404 everywhere
(``access.may_see_group``); one they see but may not act on answers 403. Every action is a
POST; one-button actions run through ``carry_out`` (committed with a message, or undone with
the refusal's).
"""

from __future__ import annotations

import sys

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import images
from community.extensions import db
from community.forms import ActionForm
from community.groups import access
from community.groups.models import Group, GroupRole, GroupVisibility
from community.ids import query_int
from community.meetups import covers, groups
from community.meetups.blueprint import groups_bp as bp
from community.meetups.forms_groups import (
    ROLE_LABELS,
    ConfirmJoinForm,
    CoverForm,
    GroupForm,
    InviteForm,
    JoinForm,
    PolicyForm,
    RoleForm,
)
from community.refusals import Refused, carry_out

COVER_CACHE_SECONDS = 365 * 24 * 3600
MAX_PAGE = 100_000


def _group_or_404(slug: str) -> Group:
    group = groups.find_visible(current_user, slug)
    if group is None:
        abort(404)
    return group


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _flash_errors(form) -> None:
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")


def _upcoming(group: Group) -> list | None:
    """Events' ``upcoming_for`` once the events part is in the app; None until then."""
    events = sys.modules.get("community.meetups.events")
    upcoming_for = getattr(events, "upcoming_for", None)
    if upcoming_for is None or "events.group_events" not in _view_functions():
        return None
    return upcoming_for(group, current_user, limit=3)


def _view_functions():
    from flask import current_app

    return current_app.view_functions


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return min(max(page or 1, 1), MAX_PAGE)


@bp.route("/groups")
def index():
    """The groups the reader may know of, by name, searchable, a page at a time."""
    query = (request.args.get("q") or "")[:100]
    page = _page_number()
    rows, total = groups.listing(current_user, query, page)
    pages = max(1, -(-total // groups.PER_PAGE))
    return render_template("groups/index.html", rows=rows, total=total, query=query, page=page,
                           pages=pages, can_create=groups.may_create(current_user))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def new():
    """A verified member of the policy's trust level creates a group (and its category)."""
    if not groups.may_create(current_user):
        abort(403)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(
                current_user, name=form.name.data, description=form.description.data or "",
                rules=form.rules.data or "", visibility=form.visibility_value)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            slug = group.slug
            db.session.commit()
            flash(_("The group is created, with its discussion category."), "success")
            return redirect(url_for("groups.page", slug=slug))
    return render_template("groups/form.html", form=form, group=None), \
        422 if request.method == "POST" else 200


@bp.route("/groups/<slug>")
def page(slug: str):
    """The group: cover, about, rules, the reader's actions, upcoming events, discussions."""
    group = _group_or_404(slug)
    category = groups.visible_category(current_user, group)
    inside = access.sees_inside(current_user, group)
    return render_template(
        "groups/show.html", group=group, tab="about", category=category,
        membership=access.membership(current_user, group),
        pending=groups.pending_request(current_user, group), role_labels=ROLE_LABELS,
        events=_upcoming(group) if inside else None, action_form=ActionForm(),
        manages=access.manages(current_user, group), owns=access.owns(current_user, group))


def _edit_page(group: Group, form: GroupForm | None = None,
               cover_form: CoverForm | None = None, status: int = 200):
    if form is None:
        form = GroupForm(formdata=None, data={
            "name": group.name, "description": group.description_md,
            "rules": group.rules_md, "visibility": group.visibility.value})
    return render_template("groups/form.html", group=group, form=form,
                           cover_form=cover_form or CoverForm(formdata=None),
                           action_form=ActionForm()), status


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Owners: the group's details and its cover."""
    group = _group_or_404(slug)
    _require(access.owns(current_user, group))
    posted = request.method == "POST"
    form = GroupForm()
    if not form.validate_on_submit():
        return _edit_page(group, form if posted else None, status=422 if posted else 200)
    try:
        groups.edit_group(current_user, group, name=form.name.data,
                          description=form.description.data or "",
                          rules=form.rules.data or "", visibility=form.visibility_value)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(refusal.message)
        return _edit_page(group, form, status=422)
    db.session.commit()
    flash(_("The group is saved."), "success")
    return redirect(url_for("groups.edit", slug=slug))


@bp.route("/groups/<slug>/cover", methods=["POST"])
@login_required
def cover_upload(slug: str):
    """Replace the cover: refused with the reason beside the field, nothing stored."""
    group = _group_or_404(slug)
    _require(access.owns(current_user, group))
    form = CoverForm()
    if form.validate_on_submit():
        try:
            covers.set_cover(current_user, group, form.cover.data.read(covers.MAX_BYTES + 1))
        except Refused as refusal:
            db.session.rollback()
            form.cover.errors = [refusal.message]
        else:
            db.session.commit()
            flash(_("The cover is saved."), "success")
            return redirect(url_for("groups.edit", slug=slug))
    return _edit_page(group, cover_form=form, status=422)


@bp.route("/groups/<slug>/cover/remove", methods=["POST"])
@login_required
def cover_remove(slug: str):
    group = _group_or_404(slug)
    _require(access.owns(current_user, group))
    carry_out(lambda: covers.remove_cover(current_user, group), _("The cover is removed."))
    return redirect(url_for("groups.edit", slug=slug))


@bp.route("/groups/<slug>/cover/<int:version>")
def cover(slug: str, version: int):
    """The cover's PNG, cached for a year (its address changes with each new cover)."""
    group = _group_or_404(slug)
    if group.cover_version > 0 and version != group.cover_version:
        return redirect(url_for("groups.cover", slug=slug, version=group.cover_version))
    data = covers.cover_of(group, version)
    if data is None:
        abort(404)
    return images.png_response(data, COVER_CACHE_SECONDS, shared=not group.is_secret)


# ---- joining and leaving ----

@bp.route("/groups/<slug>/join", methods=["GET", "POST"])
@login_required
def join(slug: str):
    """The rules first, then the confirmation: a public group is joined at once, a private one
    on request (with a word for the managers); a secret one only by invitation."""
    group = _group_or_404(slug)
    if access.is_member(current_user, group):
        flash(_("You are already a member of this group."), "info")
        return redirect(url_for("groups.page", slug=slug))
    if group.is_secret:
        abort(403)  # staff see it but join it, like anyone, by invitation
    form = JoinForm() if group.visibility is GroupVisibility.PRIVATE else ConfirmJoinForm()
    pending = groups.pending_request(current_user, group)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("groups/join.html", group=group, form=form,
                                   pending=pending), 422
        message = getattr(form, "message", None)
        outcome = []
        done = carry_out(lambda: outcome.append(groups.join(
            current_user, group, message.data or "" if message else "")))
        if done:
            flash(_("Welcome to the group!") if outcome == ["joined"] else
                  _("Your request is sent: a manager of the group will answer."), "success")
        return redirect(url_for("groups.page", slug=slug))
    return render_template("groups/join.html", group=group, form=form, pending=pending)


@bp.route("/groups/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str):
    group = _group_or_404(slug)
    name, public = group.name, group.is_public
    if carry_out(lambda: groups.leave(current_user, group),
                 _("You left the group %(group)s.", group=name)) and not public:
        return redirect(url_for("groups.index"))
    return redirect(url_for("groups.page", slug=slug))


# ---- requests and members ----

@bp.route("/groups/<slug>/requests")
@login_required
def requests(slug: str):
    """Managers: who asks to join, oldest first."""
    group = _group_or_404(slug)
    _require(access.manages(current_user, group))
    return render_template("groups/requests.html", group=group, tab="requests",
                           requests=groups.pending_requests(group), action_form=ActionForm())


def _manager_action(slug: str, work, done, back: str) -> Response:
    group = _group_or_404(slug)
    _require(access.manages(current_user, group))
    carry_out(lambda: work(group), done)
    return redirect(url_for(back, slug=slug))


@bp.route("/groups/<slug>/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(slug: str, request_id: int):
    return _manager_action(slug, lambda group: groups.approve_request(
        current_user, group, request_id), _("The request is approved: welcome them!"),
        "groups.requests")


@bp.route("/groups/<slug>/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(slug: str, request_id: int):
    return _manager_action(slug, lambda group: groups.decline_request(
        current_user, group, request_id), _("The request is declined."), "groups.requests")


@bp.route("/groups/<slug>/members")
def members(slug: str):
    """The members and their roles: for whoever sees the group's inside."""
    group = _group_or_404(slug)
    _require(access.sees_inside(current_user, group))
    page = query_int("page", 1)
    members, pages = groups.members_of(group, page)
    return render_template(
        "groups/members.html", group=group, tab="members", members=members, page=page,
        pages=pages,
        manages=access.manages(current_user, group), owns=access.owns(current_user, group),
        action_form=ActionForm(), role_form=RoleForm(formdata=None), role_labels=ROLE_LABELS,
        has_badge=bool(_view_functions().get("groups.ambassadors")))


@bp.route("/groups/<slug>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(slug: str, user_id: int):
    return _manager_action(slug, lambda group: groups.remove_member(
        current_user, group, user_id), _("The member is removed from the group."),
        "groups.members")


@bp.route("/groups/<slug>/members/<int:user_id>/role", methods=["POST"])
@login_required
def set_role(slug: str, user_id: int):
    """Owners change a member's role."""
    group = _group_or_404(slug)
    _require(access.owns(current_user, group))
    form = RoleForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("groups.members", slug=slug))
    role = GroupRole(form.role.data)
    carry_out(lambda: groups.set_role(current_user, group, user_id, role),
              _("The role is changed."))
    return redirect(url_for("groups.members", slug=slug))


# ---- invitations ----

@bp.route("/groups/<slug>/invite", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    """Managers: the invitation link (renew, stop) and invitations by e-mail."""
    group = _group_or_404(slug)
    _require(access.manages(current_user, group))
    form = InviteForm(formdata=None)
    action = request.form.get("action") if request.method == "POST" else None
    if action == "renew":
        if ActionForm().validate_on_submit():
            carry_out(lambda: groups.renew_link(current_user, group),
                      _("A new invitation link is ready; the previous one no longer works."))
        return redirect(url_for("groups.invite", slug=slug))
    if action == "clear":
        if ActionForm().validate_on_submit():
            carry_out(lambda: groups.clear_link(current_user, group),
                      _("The invitation link no longer works."))
        return redirect(url_for("groups.invite", slug=slug))
    status = 200
    if request.method == "POST":
        form = InviteForm()
        status = 422
        if form.validate_on_submit():
            address = form.email.data
            try:
                groups.invite_by_email(current_user, group, address)
            except Refused as refusal:
                db.session.rollback()
                form.form_errors.append(refusal.message)
            else:
                db.session.commit()
                flash(_("An invitation is on its way to %(address)s.", address=address),
                      "success")
                return redirect(url_for("groups.invite", slug=slug))
    return render_template("groups/invite.html", group=group, form=form,
                           action_form=ActionForm(), tab="invite"), status


def _joining_page(group: Group, form, template_args: dict, status: int = 200):
    return render_template("groups/invitation.html", group=group, form=form,
                           **template_args), status


@bp.route("/groups/join/<token>", methods=["GET", "POST"])
@login_required
def join_by_link(token: str):
    """Whoever holds the link sees the group and joins once they confirm (a POST)."""
    group = groups.group_by_link(token)
    if group is None:
        abort(404)
    if access.is_member(current_user, group):
        flash(_("You are already a member of this group."), "info")
        return redirect(url_for("groups.page", slug=group.slug))
    form = ConfirmJoinForm()
    if form.validate_on_submit():
        slug = group.slug
        if carry_out(lambda: groups.join_by_link(current_user, group),
                     _("Welcome to the group!")):
            return redirect(url_for("groups.page", slug=slug))
    return _joining_page(group, form, {"by_link": True}, 422 if form.errors else 200)


@bp.route("/groups/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str):
    """The invitation sent by e-mail: the group, its rules and the confirmation."""
    invitation = groups.invitation_by_token(token)
    if invitation is None:
        abort(404)
    group = db.session.get(Group, invitation.group_id)
    if access.is_member(current_user, group):
        flash(_("You are already a member of this group."), "info")
        return redirect(url_for("groups.page", slug=group.slug))
    form = ConfirmJoinForm()
    if form.validate_on_submit():
        slug = group.slug
        if carry_out(lambda: groups.accept_invitation(current_user, token),
                     _("Welcome to the group!")):
            return redirect(url_for("groups.page", slug=slug))
    return _joining_page(group, form, {"by_link": False}, 422 if form.errors else 200)


# ---- who may create groups ----

@bp.route("/groups/policy", methods=["GET", "POST"])
@login_required
def policy():
    """Admins: the trust level needed to create a group, or the staff only."""
    _require(access.runs_groups(current_user))
    rule = groups.policy()
    form = PolicyForm(data={"min_level": str(rule.min_level), "staff_only": rule.staff_only}) \
        if request.method == "GET" else PolicyForm()
    if request.method == "POST":
        if form.validate_on_submit():
            level, staff_only = int(form.min_level.data), bool(form.staff_only.data)
            if carry_out(lambda: groups.set_policy(current_user, min_level=level,
                                                   staff_only=staff_only),
                         _("The policy is saved.")):
                return redirect(url_for("groups.policy"))
        return render_template("groups/policy.html", form=form), 422
    return render_template("groups/policy.html", form=form)
