"""Account use cases: sign up, verify, log in, reset, change e-mail.

Services flush and never commit: the view (or CLI command) that calls them commits once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from community.accounts import activity, gates, invitations, sessions, tokens
from community.accounts.emails import normalize_email
from community.accounts.models import User
from community.accounts.passwords import hash_password, password_problems
from community.extensions import db
from community.mail import send_mail_later
from community.text import slugify
from community.timeutil import utcnow


@dataclass
class SignupResult:
    user: User | None = None
    refusals: list[gates.GateRefusal] = field(default_factory=list)

    @property
    def looks_accepted(self) -> bool:
        """What the visitor is told: a duplicate e-mail looks exactly like a success."""
        return self.user is not None or all(r.rule == gates.DUPLICATE_EMAIL for r in self.refusals)


def user_inputs(display_name: str, email: str) -> list[str]:
    """Words a password must not lean on: the member's name and address, whole and in parts."""
    local = email.partition("@")[0]
    words = re.split(r"[\s._+-]+", f"{display_name} {local}")
    return [display_name, email, local, display_name.replace(" ", ""), *words]


def check_password(password: str, display_name: str, email: str) -> list[str]:
    cfg = current_app.config
    return password_problems(
        password,
        user_inputs(display_name, email),
        min_length=cfg["PASSWORD_MIN_LENGTH"],
        min_score=cfg["PASSWORD_MIN_SCORE"],
    )


def make_handle(display_name: str) -> str:
    """A free /u/<handle> from the display name: ascii, lowercase, dashes."""
    base = slugify(display_name, 30, "member")
    handle = base
    while db.session.scalar(sa.select(User.id).where(User.handle == handle)) is not None:
        handle = f"{base}-{secrets.token_hex(2)}"
    return handle


def find_by_email(email: str) -> User | None:
    normalized = normalize_email(email)
    return db.session.scalar(
        sa.select(User).where(User.email_normalized == normalized, User.deleted_at.is_(None))
    )


def signup(
    display_name: str,
    email: str,
    password: str,
    *,
    honeypot: str,
    form_token: str | None,
    ip: str | None,
    device: str | None,
    invite_token: str | None = None,
    browser_key: str | None = None,
) -> SignupResult:
    """Create an unverified member, or refuse at the door and log why (one TrustEvent a rule).
    An account created writes its SIGNUP row to the activity log; a refused one writes none."""
    email = email.strip()
    domain = email.rpartition("@")[2].lower()
    normalized = normalize_email(email)
    invitation = invitations.find_open(invite_token) if invite_token else None
    attempt = gates.SignupAttempt(
        display_name=display_name, email=email, email_normalized=normalized,
        email_domain=domain, honeypot=honeypot,
        elapsed_seconds=tokens.seconds_since_form_start(form_token), ip=ip, device=device,
        invited=invitation is not None, duplicate_email=find_by_email(email) is not None,
    )
    refusals = gates.check(attempt)
    if refusals:
        if [r.rule for r in refusals] == [gates.DUPLICATE_EMAIL]:
            hash_password(password)  # cost the same time as a real signup: no timing oracle
            _tell_owner_of_signup_attempt(find_by_email(email))
        return SignupResult(refusals=refusals)
    user = User(
        handle=make_handle(display_name),
        display_name=display_name,
        email=email,
        email_normalized=normalized,
        password_hash=hash_password(password),
        locale=str(get_locale() or "en"),
        invited_by_id=invitation.inviter_id if invitation else None,
    )
    db.session.add(user)
    db.session.flush()
    activity.record(user.id, activity.ActivityKind.SIGNUP, ("account", user.id),
                    origin=activity.origin_of(ip, device))
    if invitation:
        invitations.mark_used(invitation, user)
    gates.accepted(attempt)
    send_verification(user, browser_key)
    return SignupResult(user=user)


def _tell_owner_of_signup_attempt(owner: User | None) -> None:
    """Someone signed up with an address that already has an account: tell its owner only."""
    if owner is None:
        return
    with force_locale(owner.locale or "en"):
        body = _(
            "Someone (perhaps you) tried to create a new %(site)s account with this address, "
            "which already has one.\n\nTo log in: %(login)s\nForgot your password? %(reset)s\n\n"
            "If it was not you, you can ignore this message.",
            site=current_app.config["SITE_NAME"],
            login=url_for("accounts.login", _external=True),
            reset=url_for("accounts.reset_request", _external=True),
        )
        send_mail_later(owner.email,
                        _("Your %(site)s account", site=current_app.config["SITE_NAME"]), body)


def send_verification(user: User, browser_key: str | None = None) -> None:
    """E-mail the member a signed link that verifies their address. ``browser_key`` (a keyed
    hash of a random value kept in the signing-up browser's session) lets the link sign the
    member in on that browser, and on no other."""
    payload = {"uid": user.id, "email": user.email}
    if browser_key:
        payload["b"] = browser_key
    token = tokens.make_token(tokens.VERIFY, payload)
    link = url_for("accounts.verify", token=token, _external=True)
    with force_locale(user.locale or "en"):
        days = max(1, current_app.config["VERIFY_MAX_AGE"] // 86400)
        body = _(
            "Welcome to %(site)s, %(name)s!\n\nPlease confirm your e-mail address by opening "
            "this link:\n%(link)s",
            site=current_app.config["SITE_NAME"],
            name=user.display_name,
            link=link,
        ) + "\n\n" + ngettext("The link expires in %(num)d day.",
                              "The link expires in %(num)d days.", days)
        send_mail_later(user.email, _("Confirm your e-mail address"), body)


@dataclass(frozen=True)
class Verification:
    user: User
    first: bool  # this link verified the address (it was not verified before)
    browser_key: str | None  # the signing-up browser's key, when the link carries one


def verify_email(token: str) -> Verification | None:
    """Mark the address in a valid verification link as verified; None if the link is bad."""
    payload = tokens.read_token(tokens.VERIFY, token, current_app.config["VERIFY_MAX_AGE"])
    if not payload:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.email != payload.get("email"):
        return None
    first = user.email_verified_at is None
    mark_verified(user)
    return Verification(user, first, payload.get("b"))


def mark_verified(user: User) -> None:
    """The member proved they read mail at their address (verification or reset link)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        award_founding_number(user)
    db.session.flush()


def award_founding_number(user: User) -> None:
    """Number the first FOUNDING_MEMBERS verified members (unique in the database)."""
    if user.founding_number is not None or user.is_demo:
        return
    taken = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(User.founding_number), 0)))
    if taken < current_app.config["FOUNDING_MEMBERS"]:
        user.founding_number = taken + 1


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account, with the same work either way.

    For an unknown address the link and the message are built all the same, for a stand-in
    member, and handed to the background sender, which drops them; a known address's message
    is sent from there, never on the request's path. So the request runs the same statements
    and code whether or not the address has an account: its time tells nothing.
    """
    user = find_by_email(email)
    recipient = user or User(id=0, email=email.strip(), password_hash=secrets.token_hex(6))
    token = tokens.make_token(tokens.RESET, {"uid": recipient.id,
                                             "ph": recipient.password_hash[-12:]})
    link = url_for("accounts.reset_password", token=token, _external=True)
    with force_locale(recipient.locale or "en"):
        minutes = max(1, current_app.config["RESET_MAX_AGE"] // 60)
        body = _(
            "To choose a new password for %(site)s, open this link:\n%(link)s",
            site=current_app.config["SITE_NAME"],
            link=link,
        ) + "\n\n" + ngettext(
            "It expires in %(num)d minute and works once.",
            "It expires in %(num)d minutes and works once.", minutes,
        ) + " " + _("If you did not ask for it, ignore this message: your password stays as it is.")
        send_mail_later(recipient.email, _("Reset your password"), body,
                        deliver=user is not None)


def user_for_reset(token: str) -> User | None:
    """The member a reset link is for, if it is valid, unexpired and not used yet."""
    payload = tokens.read_token(tokens.RESET, token, current_app.config["RESET_MAX_AGE"])
    if not payload:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.password_hash[-12:] != payload.get("ph"):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password and end every session of the account (the caller may open one)."""
    user.password_hash = hash_password(password)
    user.session_nonce = secrets.token_hex(8)
    sessions.end_all_sessions(user)
    db.session.flush()


def request_email_change(user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address; the change happens when it is opened."""
    payload = {"uid": user.id, "new": new_email.strip(), "old": user.email}
    token = tokens.make_token(tokens.CHANGE_EMAIL, payload)
    link = url_for("accounts.confirm_email", token=token, _external=True)
    with force_locale(user.locale or "en"):
        body = _(
            "To use this address for your %(site)s account, open this link:\n%(link)s\n\n"
            "If you did not ask for this, ignore this message.",
            site=current_app.config["SITE_NAME"],
            link=link,
        )
        send_mail_later(new_email, _("Confirm your new e-mail address"), body)


def confirm_email_change(token: str) -> User | None:
    """Switch to the new, now verified, address; None if the link is bad or the address taken."""
    payload = tokens.read_token(tokens.CHANGE_EMAIL, token, current_app.config["VERIFY_MAX_AGE"])
    if not payload:
        return None
    user = db.session.get(User, payload.get("uid"))
    new = payload.get("new") or ""
    if user is None or user.is_deleted or user.email != payload.get("old"):
        return None
    other = find_by_email(new)
    if other is not None and other.id != user.id:
        return None
    old = user.email
    user.email, user.email_normalized = new, normalize_email(new)
    user.email_verified_at = utcnow()
    award_founding_number(user)
    db.session.flush()
    with force_locale(user.locale or "en"):
        send_mail_later(old, _("Your e-mail address was changed"),
                        _("The e-mail address of your %(site)s account is now %(new)s.",
                          site=current_app.config["SITE_NAME"], new=new))
    return user
