"""Sign up, verify, log in and out, reset, profile pages."""

from __future__ import annotations

import hmac
import re
import secrets

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from sqlalchemy.exc import IntegrityError

from community import database, images
from community.accounts import (
    avatars,
    brake,
    context,
    invitations,
    profiles,
    service,
    sessions,
    tokens,
)
from community.accounts.activity import DEVICE_COOKIE
from community.accounts.blueprint import bp
from community.accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm, SignupForm
from community.accounts.models import User
from community.extensions import db, limiter
from community.refusals import known_codes, message_for
from community.security import keyed_hash, safe_next

# In the session of a browser whose sign-up looked accepted: a random value whose keyed hash
# the verification link carries, so that the first opening of the link there signs the member
# in. Every sign-up that looks accepted gets one (a duplicate address too: the session must not
# tell them apart), and it names nobody.
SIGNED_UP = "signed-up"
HANDLE = re.compile(r"[a-z0-9-]{1,40}")
AVATAR_CACHE_SECONDS = 24 * 3600  # a removed picture leaves shared caches within a day


def note_session_use():
    """Before every request (``accounts.init_app`` registers it): keep the member's session
    alive (its last use, at most once an hour). Done before the view runs, so this commit
    carries nothing else; only where someone may be logged in
    (Flask-Login's session key, or a remember-me cookie), so a visitor's request is unchanged;
    and given up when it loses a race with another writer: the next request notes the use."""
    if request.endpoint == "static" or (
        "_user_id" not in session and REMEMBER_COOKIE not in request.cookies
    ) or not current_user.is_authenticated:
        return
    database.best_effort(_note_use, db.session.rollback)


def _note_use() -> None:
    if sessions.note_use():
        db.session.commit()


def log_in(user: User, remember: bool) -> None:
    """Open a server-side session for this browser (committed) and put its id in the cookies."""
    sessions.start_session(user)
    db.session.commit()
    session.pop(SIGNED_UP, None)  # logged in: a verification link no longer signs in here
    login_user(user, remember=remember)


def gate_messages(refusals) -> list[str]:
    """One message per refusal (a duplicate e-mail says nothing: it looks like a success)."""
    seen: list[str] = []
    for refusal in refusals:
        code = f"signup.{refusal.rule}"
        if code in known_codes() and message_for(code) not in seen:
            seen.append(message_for(code))
    return seen


def _signup_page(form: SignupForm, status: int = 200):
    form.started.data = tokens.form_start_token()
    invited = bool(form.invite.data) and invitations.find_open(form.invite.data) is not None
    page = render_template("accounts/signup.html", form=form, invited=invited)
    return context.give_device(current_app.make_response((page, status)),
                               context.device_for_new_browser())


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"])
def signup():
    """Create an account, unless the door refuses it."""
    form = SignupForm(invite=request.args.get("invite", ""))
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    if not form.validate_on_submit():
        return _signup_page(form, 422 if form.is_submitted() else 200)
    problems = service.check_password(form.password.data, form.display_name.data, form.email.data)
    if problems:
        form.password.errors.extend(problems)
        return _signup_page(form, 422)
    browser = secrets.token_urlsafe(24)
    result = service.signup(
        form.display_name.data, form.email.data, form.password.data,
        honeypot=form.website.data or "", form_token=form.started.data,
        ip=request.remote_addr, device=request.cookies.get(DEVICE_COOKIE),
        invite_token=form.invite.data or None, browser_key=keyed_hash(browser, SIGNED_UP),
    )
    try:
        db.session.commit()
    except IntegrityError:
        # Two sign-ups with one address at the same instant: the database kept the first;
        # the second reads the same page as any duplicate.
        db.session.rollback()
        session[SIGNED_UP] = browser
        return render_template("accounts/check_inbox.html", email=form.email.data)
    if result.looks_accepted:
        session[SIGNED_UP] = browser
        return render_template("accounts/check_inbox.html", email=form.email.data)
    form.form_errors.extend(gate_messages(result.refusals))
    return _signup_page(form, 422)


@bp.route("/verify/<token>")
def verify(token: str):
    """Open the link from the verification e-mail; on the browser that signed up (and only
    there: the session's signed token names this member), the member is signed in too."""
    verification = service.verify_email(token)
    db.session.commit()
    if verification is None:
        flash(_("This link is invalid or has expired. Log in to get a new one."), "error")
        return redirect(url_for("accounts.login"))
    user = verification.user
    browser = session.pop(SIGNED_UP, None)  # the link signs in once, on its first opening
    if (not current_user.is_authenticated and verification.first and browser
            and verification.browser_key
            and hmac.compare_digest(keyed_hash(browser, SIGNED_UP), verification.browser_key)):
        log_in(user, remember=False)
    flash(_("Thank you, your e-mail address is confirmed."), "success")
    return redirect(url_for("accounts.profile", handle=user.handle))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """Log in; one answer for an unknown e-mail and a wrong password, and the per-account
    brake (accounts/brake.py) in front of both."""
    form = LoginForm()
    device = context.device_for_new_browser()  # a member's rows carry their device's hash
    if form.validate_on_submit():
        check = brake.check_login(form.email.data, form.password.data,
                                  request.cookies.get(brake.COOKIE))
        if check.user is not None and check.user.suspended_at is not None:
            # Only after the right password: the answer tells nothing to someone guessing.
            form.form_errors.append(_("This account is suspended by the moderators. Write to "
                                      "the team if you think this is a mistake."))
        elif check.user is not None:
            log_in(check.user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=check.user.display_name), "success")
            response = redirect(safe_next(request.args.get("next")) or url_for("core.index"))
            brake.trust_browser(response, check.user)
            return context.give_device(response, device)
        else:
            form.form_errors.append(
                _("Too many failed attempts for this account from new devices. Try again in a "
                  "few minutes, or reset your password.") if check.braked
                else _("Wrong e-mail or password."))
    page = render_template("accounts/login.html", form=form)
    return context.give_device(
        current_app.make_response((page, 422 if form.is_submitted() else 200)), device)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST with CSRF, so no page can log you out behind your back). The session
    ends on the server: a copy of its cookies, wherever it is, no longer logs anyone in."""
    if current_user.is_authenticated:
        sessions.end_session(current_user)
        db.session.commit()
    logout_user()
    session.pop(SIGNED_UP, None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def reset_request():
    """Ask for a password-reset link; the answer never says whether the address exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we have sent it a link."), "info")
        return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    user = service.user_for_reset(token)
    if user is None:
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        problems = service.check_password(form.password.data, user.display_name, user.email)
        if not problems:
            service.set_password(user, form.password.data)
            service.mark_verified(user)
            db.session.commit()
            flash(_("Your password is changed. You can log in."), "success")
            response = redirect(url_for("accounts.login"))
            brake.trust_browser(response, user)  # it proved it reads the member's mail
            return response
        form.password.errors.extend(problems)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.route("/u/<handle>")
def profile(handle: str):
    """A member's public profile."""
    if not HANDLE.fullmatch(handle):
        abort(404)
    user = db.first_or_404(db.select(User).where(User.handle == handle))
    if user.is_deleted:
        abort(404)
    return render_template("accounts/profile.html", user=user,
                           sections=profiles.sections_for(user, current_user),
                           activity=profiles.recent_activity(user, current_user))


@bp.route("/u/<handle>/avatar-<int:version>.png")
def avatar(handle: str, version: int):
    """A member's picture, cached for a day (its address changes with each new picture)."""
    if not HANDLE.fullmatch(handle):
        abort(404)
    user = db.first_or_404(db.select(User).where(User.handle == handle))
    if user.avatar_version > 0 and version != user.avatar_version and not user.is_deleted:
        return redirect(url_for("accounts.avatar", handle=handle, version=user.avatar_version))
    png = avatars.avatar_of(user, version)
    if png is None:
        abort(404)
    # shown beside public posts, as the profile is; a day, so a removed one leaves caches
    return images.png_response(png, AVATAR_CACHE_SECONDS, shared=True, immutable=False)


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"])
def resend_verification():
    """Send the verification link again."""
    if not current_user.is_verified:
        service.send_verification(current_user)
        flash(_("We sent you a new link."), "info")
    return redirect(url_for("accounts.settings"))

