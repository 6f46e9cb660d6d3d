"""Club pages: the list (with the reader's organisation's clubs), a club, creating and editing
it (logo, domains, invitation link), its members and join requests, joining and leaving.

A club the reader may not see answers 404 everywhere (``access.may_see_club``); one they see
but may not act on answers 403. Every action is a POST; one-button actions run through
``carry_out`` (committed with a message, or undone with the refusal's).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import images
from community.accounts.decorators import verified_required
from community.clubs.membership import CLUBS
from community.clubs.models import Club, ClubRole
from community.extensions import db
from community.forms import ActionForm
from community.forums import access as forum_access
from community.refusals import Refused, carry_out
from community.roadmap import access, clubs, logos
from community.roadmap.blueprint import clubs_bp as bp
from community.roadmap.forms_clubs import (
    ROLE_LABELS,
    ClubForm,
    InvitationForm,
    JoinForm,
    LogoForm,
    RoleForm,
)

LOGO_CACHE_SECONDS = 365 * 24 * 3600


def _club_or_404(slug: str) -> Club:
    club = CLUBS.find(slug)
    if club is None or not access.may_see_club(current_user, club):
        abort(404)
    return club


def _require(club: Club, role: ClubRole) -> None:
    if not access.has_club_role(current_user, club, role):
        abort(403)


def _flash_errors(form) -> None:
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")


@bp.route("/clubs")
def index():
    """The clubs the reader may see, with member counts, and their organisation's clubs."""
    return render_template(
        "clubs/index.html", rows=clubs.visible_with_counts(current_user),
        suggested=clubs.suggested_clubs(current_user), join_form=JoinForm(),
        can_create=access.runs_clubs(current_user),
        pending={r.club_id for r in clubs.my_requests(current_user)})


@bp.route("/clubs/new", methods=["GET", "POST"])
@login_required
def new():
    """Product staff and admins create a club (and its discussion category)."""
    if not access.runs_clubs(current_user):
        abort(403)
    form = ClubForm()
    if form.validate_on_submit():
        try:
            club = clubs.create_club(current_user, name=form.name.data,
                                     description=form.description.data or "",
                                     visibility=form.visibility_value, domains=form.domains.data)
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The club is created, with its discussion category."), "success")
            return redirect(url_for("clubs.show", slug=club.slug))
    return render_template("clubs/form.html", form=form, club=None), \
        422 if request.method == "POST" else 200


@bp.route("/clubs/<slug>")
def show(slug: str):
    """The club: logo, description, members count, the reader's actions, its category."""
    club = _club_or_404(slug)
    category = clubs.category_of(club)
    if category is not None and not forum_access.can_see(current_user, category):
        category = None
    return render_template(
        "clubs/show.html", club=club, tab="overview", member_count=clubs.member_count(club),
        membership=access.membership(current_user, club), category=category,
        pending=clubs.pending_request(current_user, club),
        suggested=clubs.domain_suggests(current_user, club), join_form=JoinForm(),
        action_form=ActionForm(), role_labels=ROLE_LABELS,
        manages=access.has_club_role(current_user, club, ClubRole.MANAGER))


def _edit_page(club: Club, form: ClubForm | None = None, logo_form: LogoForm | None = None,
               status: int = 200):
    owner = access.has_club_role(current_user, club, ClubRole.OWNER)
    if form is None and owner:
        form = ClubForm(formdata=None, data={
            "name": club.name, "description": club.description_md,
            "visibility": club.visibility.value, "domains": clubs.domains_of(club)})
    return render_template("clubs/form.html", club=club, form=form if owner else None,
                           logo_form=logo_form or LogoForm(formdata=None),
                           action_form=ActionForm()), status


@bp.route("/clubs/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Managers: the logo and the invitation link; owners also the club's details."""
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    posted = request.method == "POST"
    if not access.has_club_role(current_user, club, ClubRole.OWNER):
        if posted:
            abort(403)
        return _edit_page(club)
    form = ClubForm()
    if not form.validate_on_submit():
        return _edit_page(club, form if posted else None, status=422 if posted else 200)
    try:
        clubs.update_club(current_user, club, name=form.name.data,
                          description=form.description.data or "",
                          visibility=form.visibility_value, domains=form.domains.data)
    except Refused as refusal:
        db.session.rollback()
        form.form_errors.append(refusal.message)
        return _edit_page(club, form, status=422)
    db.session.commit()
    flash(_("The club is saved."), "success")
    return redirect(url_for("clubs.edit", slug=club.slug))


@bp.route("/clubs/<slug>/logo", methods=["POST"])
@login_required
def logo_upload(slug: str):
    """Replace the logo: refused with the reason beside the field, nothing stored."""
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            logos.set_logo(current_user, club, form.logo.data.read(logos.MAX_BYTES + 1))
        except Refused as refusal:
            db.session.rollback()
            form.logo.errors = [refusal.message]
        else:
            db.session.commit()
            flash(_("The logo is saved."), "success")
            return redirect(url_for("clubs.edit", slug=club.slug))
    return _edit_page(club, logo_form=form, status=422)


@bp.route("/clubs/<slug>/logo/remove", methods=["POST"])
@login_required
def logo_remove(slug: str):
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    carry_out(lambda: logos.remove_logo(current_user, club), _("The logo is removed."))
    return redirect(url_for("clubs.edit", slug=club.slug))


@bp.route("/clubs/<slug>/logo-<int:version>.png")
def logo(slug: str, version: int):
    """The logo's PNG, cached for a year (its address changes with each new logo)."""
    club = _club_or_404(slug)
    if club.logo_version > 0 and version != club.logo_version:
        return redirect(url_for("clubs.logo", slug=club.slug, version=club.logo_version))
    data = logos.logo_of(club, version)
    if data is None:
        abort(404)
    return images.png_response(data, LOGO_CACHE_SECONDS, shared=club.is_public)


@bp.route("/clubs/<slug>/invitation", methods=["POST"])
@login_required
def invite_renew(slug: str):
    """A new invitation link; the old one stops working."""
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    carry_out(lambda: clubs.renew_invitation(current_user, club),
              _("A new invitation link is ready; the previous one no longer works."))
    return redirect(url_for("clubs.edit", slug=club.slug))


@bp.route("/clubs/<slug>/invitation/clear", methods=["POST"])
@login_required
def invite_clear(slug: str):
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    carry_out(lambda: clubs.clear_invitation(current_user, club),
              _("The invitation link no longer works."))
    return redirect(url_for("clubs.edit", slug=club.slug))


@bp.route("/clubs/join/<token>", methods=["GET", "POST"])
@verified_required
def invite_accept(token: str):
    """Whoever holds the link sees the club and joins once they confirm (a POST)."""
    club = clubs.club_by_invitation(token)
    if club is None:
        abort(404)
    form = InvitationForm()
    if CLUBS.is_member(club.id, current_user.id):
        flash(_("You are already a member of this club."), "info")
        return redirect(url_for("clubs.show", slug=club.slug))
    if form.validate_on_submit():
        slug = club.slug
        if carry_out(lambda: clubs.join_by_invitation(current_user, club,
                                                      form.organisation.data or ""),
                     _("Welcome to the club!")):
            return redirect(url_for("clubs.show", slug=slug))
    return render_template("clubs/join.html", club=club, form=form), 422 if form.errors else 200


@bp.route("/clubs/<slug>/join", methods=["POST"])
@verified_required
def join(slug: str):
    """Ask to join; the managers answer. Verified members its domains suggest it to may ask
    for a members-only club too."""
    club = CLUBS.find(slug)
    if club is None or not clubs.may_ask_to_join(current_user, club):
        abort(404)
    form = JoinForm()
    back = url_for("clubs.show", slug=club.slug) if access.may_see_club(current_user, club) \
        else url_for("clubs.index")
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(back)
    carry_out(lambda: clubs.ask_to_join(current_user, club, form.organisation.data or "",
                                        form.message.data or ""),
              _("Your request is sent: a manager of the club will answer."))
    return redirect(back)


@bp.route("/clubs/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str):
    club = _club_or_404(slug)
    name, public = club.name, club.is_public
    if carry_out(lambda: clubs.leave_club(current_user, club),
                 _("You left the club %(club)s.", club=name)) and not public:
        return redirect(url_for("clubs.index"))
    return redirect(url_for("clubs.show", slug=slug))


@bp.route("/clubs/<slug>/members")
@login_required
def members(slug: str):
    """The directory (members and staff), with the join requests for managers."""
    club = _club_or_404(slug)
    if not access.sees_club_inside(current_user, club):
        abort(403)
    manages = access.has_club_role(current_user, club, ClubRole.MANAGER)
    return render_template(
        "clubs/members.html", club=club, tab="members", members=clubs.members_of(club),
        requests=clubs.pending_requests(club) if manages else [], manages=manages,
        owns=access.has_club_role(current_user, club, ClubRole.OWNER),
        action_form=ActionForm(), role_form=RoleForm(formdata=None),
        role_labels=ROLE_LABELS)


def _member_action(slug: str, work, done) -> Response:
    club = _club_or_404(slug)
    _require(club, ClubRole.MANAGER)
    carry_out(lambda: work(club), done)
    return redirect(url_for("clubs.members", slug=slug))


@bp.route("/clubs/<slug>/join-requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve_request(slug: str, request_id: int):
    return _member_action(slug, lambda club: clubs.approve_request(
        current_user, club, request_id), _("The request is approved: welcome them!"))


@bp.route("/clubs/<slug>/join-requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline_request(slug: str, request_id: int):
    return _member_action(slug, lambda club: clubs.decline_request(
        current_user, club, request_id), _("The request is declined."))


@bp.route("/clubs/<slug>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(slug: str, user_id: int):
    return _member_action(slug, lambda club: clubs.remove_member(
        current_user, club, user_id), _("The member is removed from the club."))


@bp.route("/clubs/<slug>/members/<int:user_id>/role", methods=["POST"])
@login_required
def set_role(slug: str, user_id: int):
    """Owners change a member's role."""
    form = RoleForm()
    if not form.validate_on_submit():
        _club_or_404(slug)
        _flash_errors(form)
        return redirect(url_for("clubs.members", slug=slug))
    role = ClubRole(form.role.data)
    return _member_action(slug, lambda club: clubs.set_role(
        current_user, club, user_id, role), _("The role is changed."))
