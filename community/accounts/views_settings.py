"""The member's own settings: profile, e-mail, password, sessions, invitations, export,
deletion."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from community.accounts import avatars, data, invitations, service, sessions
from community.accounts.blueprint import bp
from community.accounts.decorators import verified_required
from community.accounts.forms import (
    AvatarForm,
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    InvitationForm,
    ProfileForm,
)
from community.accounts.passwords import verify_password
from community.accounts.views import REMEMBER_COOKIE, log_in
from community.extensions import db, limiter
from community.forms import ActionForm
from community.refusals import Refused, carry_out


def _settings_page(status=200, **forms):
    forms.setdefault("profile_form", ProfileForm(obj=current_user))
    forms.setdefault("email_form", ChangeEmailForm())
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("avatar_form", AvatarForm(formdata=None))
    page = render_template("accounts/settings.html", action_form=ActionForm(), **forms)
    return page, status


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Edit the profile (every field optional but the display name)."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        data.update_profile(
            current_user, display_name=form.display_name.data, bio=form.bio.data,
            company=form.company.data, location=form.location.data, locale=form.locale.data,
        )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.settings"))
    return _settings_page(422 if form.is_submitted() else 200, profile_form=form)


def _uploader() -> str:
    """The upload limit's key: the member (the route requires a login)."""
    return f"member:{current_user.id}"


@bp.route("/settings/avatar", methods=["POST"])
@verified_required
@limiter.limit(lambda: current_app.config.get("RATELIMIT_AVATARS", avatars.RATE_LIMIT),
               key_func=_uploader, scope="avatar-upload")
def avatar_upload():
    """Replace the member's picture: refused with the reason beside the field, nothing kept."""
    form = AvatarForm()
    if form.validate_on_submit():
        try:
            avatars.set_avatar(current_user, current_user,
                               form.picture.data.read(avatars.MAX_BYTES + 1))
        except Refused as refusal:
            db.session.rollback()
            form.picture.errors = [refusal.message]
        else:
            db.session.commit()
            flash(_("Your picture is saved."), "success")
            return redirect(url_for("accounts.settings", _anchor="avatar"))
    return _settings_page(422, avatar_form=form)


@bp.route("/settings/avatar/remove", methods=["POST"])
@login_required
def avatar_remove():
    """Go back to the generated initials."""
    carry_out(lambda: avatars.remove_avatar(current_user, current_user),
              _("Your picture is removed: your initials show instead."))
    return redirect(url_for("accounts.settings", _anchor="avatar"))


@bp.route("/settings/email", methods=["POST"])
@login_required
def change_email():
    """Ask to change the e-mail address; it changes once the new one is confirmed."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            service.request_email_change(current_user, form.email.data)
            db.session.commit()
            flash(_("We sent a confirmation link to the new address."), "info")
            return redirect(url_for("accounts.settings"))
        form.current_password.errors.append(_("This is not your current password."))
    return _settings_page(422, email_form=form)


@bp.route("/settings/email/<token>")
def confirm_email(token: str):
    """Open the link sent to a new address."""
    user = service.confirm_email_change(token)
    db.session.commit()
    if user is None:
        flash(_("This link is invalid or has expired."), "error")
    else:
        flash(_("Your e-mail address is changed and confirmed."), "success")
    return redirect(url_for("accounts.settings" if current_user.is_authenticated
                            else "accounts.login"))


@bp.route("/settings/password", methods=["POST"])
@login_required
def change_password():
    """Change the password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif problems := service.check_password(
            form.password.data, current_user.display_name, current_user.email
        ):
            form.password.errors.extend(problems)
        else:
            service.set_password(current_user, form.password.data)
            # Every session ended; this browser carries on in a new one, remembered if it was.
            log_in(current_user._get_current_object(),
                   remember=REMEMBER_COOKIE in request.cookies)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(422, password_form=form)


@bp.route("/settings/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the account, this one included (a lost phone, a shared computer)."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.settings"))
    sessions.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/settings/export")
@login_required
def export():
    """Download everything the member wrote and did, as JSON."""
    document = json.dumps(data.export_member_data(current_user), ensure_ascii=False, indent=2)
    filename = f"cercle-{current_user.handle}.json"
    return Response(document, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account after asking for the password again."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            data.delete_account(current_user)
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. What you wrote stays, signed "
                    "\u201cdeleted member\u201d."), "info")
            return redirect(url_for("core.index"))
        form.current_password.errors.append(_("This is not your current password."))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/delete.html", form=form), status


@bp.route("/settings/invitations", methods=["GET", "POST"])
@verified_required
def invitations_page():
    """Create and list invitation links."""
    form = InvitationForm()
    link = None
    if form.validate_on_submit():
        try:
            _invitation, token = invitations.create_invitation(current_user, form.note.data)
        except invitations.InvitationLimitReached:
            form.form_errors.append(_("You have used all your invitations for now."))
        else:
            db.session.commit()
            link = url_for("accounts.signup", invite=token, _external=True)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "accounts/invitations.html", form=form, link=link, action_form=ActionForm(),
        invitations=invitations.invitations_of(current_user),
        remaining=invitations.remaining(current_user),
        allowance=invitations.allowance(current_user),
    ), status


@bp.route("/settings/invitations/<int:invitation_id>/revoke", methods=["POST"])
@verified_required
def revoke_invitation(invitation_id: int):
    """Revoke an open invitation."""
    if ActionForm().validate_on_submit() and invitations.revoke_invitation(
        current_user, invitation_id
    ):
        db.session.commit()
        flash(_("The invitation is revoked."), "info")
    return redirect(url_for("accounts.invitations_page"))
