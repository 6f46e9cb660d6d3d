"""Access rules for views: who may do what."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.models import Role


def verified_required(view):
    """Logged in with a verified e-mail: needed to post, vote, review or invite."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_verified:
            flash(_("Please confirm your e-mail address first: check your inbox."), "warning")
            return redirect(url_for("accounts.settings", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: Role):
    """Only members with one of these roles (admins always pass); others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Staff only (moderators, product team, admins, company e-mails); others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
