"""Moderators' pages about an account: its standing (level and why, flags, actions) and the
actions themselves (discount, suspend, restore, lock a level), each a POST with CSRF and one
audit row."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from community.accounts.decorators import role_required
from community.accounts.models import Role, User
from community.extensions import db
from community.ids import to_int
from community.moderation import actions, service
from community.moderation.blueprint import bp
from community.moderation.forms_actions import (
    ACTIONS,
    AccountActionForm,
    LevelForm,
    RestoreForm,
)
from community.moderation.models import AuditEntry, Flag
from community.refusals import Refused
from community.trust import leveling

DONE = {
    "discount": lambda: _("The account is discounted: its votes and reviews weigh nothing now."),
    "suspend": lambda: _("The account is suspended: it cannot log in and its content is "
                         "hidden."),
    "restore": lambda: _("The account is restored."),
    "remove_picture": lambda: _("The picture is removed: the member's initials show instead."),
}


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


@bp.route("/accounts/<int:user_id>")
@role_required(Role.MODERATOR)
def account(user_id: int):
    """An account's standing for moderators: level and its reasons, flags, actions, history."""
    user = _account(user_id)
    current, following = leveling.explain(user)
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.subject_type == actions.ACCOUNT, Flag.subject_id == user.id)
        .order_by(Flag.id.desc()).limit(50)))
    entries = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == actions.ACCOUNT, AuditEntry.subject_id == user.id)
        .options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc()).limit(50)))
    level_form = LevelForm(level="auto" if not user.trust_level_locked
                           else str(user.trust_level))
    flag_id = to_int(request.args.get("flag"))
    from_flag = db.session.get(Flag, flag_id) if flag_id is not None else None
    if from_flag is not None and not _names(from_flag, user):
        from_flag = None
    return render_template("moderation/account.html", user=user, current=current,
                           following=following, flags=flags, entries=entries,
                           form=AccountActionForm(), level_form=level_form, from_flag=from_flag,
                           protected=user.id == current_user.id or user.has_role(Role.MODERATOR))


def _names(flag: Flag, user: User) -> bool:
    """Whether a flag is about this account: its subject, or one of its evidence's
    findings names it (a burst on an idea lists its accounts)."""
    if (flag.subject_type, flag.subject_id) == (actions.ACCOUNT, user.id):
        return True
    findings = (flag.evidence or {}).get("findings") or []
    return any([actions.ACCOUNT, user.id] in (f.get("subjects") or []) for f in findings
               if isinstance(f, dict))


def _back(user_id: int):
    target = request.form.get("back")
    flag_id = to_int((request.form.get("flag_id") or "").strip())
    if target == "flag" and flag_id is not None:
        flag = db.session.get(Flag, flag_id)
        if flag is not None:
            return redirect(url_for("moderation.detail", subject_type=flag.subject_type,
                                    subject_id=flag.subject_id))
    return redirect(url_for("moderation.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/<action>", methods=["POST"])
@role_required(Role.MODERATOR)
def account_action(user_id: int, action: str):
    """Discount, suspend or restore an account (the reason is required)."""
    if action not in ACTIONS:
        abort(404)
    user = _account(user_id)
    form = AccountActionForm()
    if not form.validate_on_submit():
        flash(_("Say why (at most 500 characters, on one line): the reason is kept in the "
                "audit log."), "error")
        return _back(user.id)
    flag_id = to_int((form.flag_id.data or "").strip())
    flag = db.session.get(Flag, flag_id) if flag_id is not None else None
    if flag is None or not _names(flag, user):
        flag_id = None
    try:
        getattr(actions, action)(current_user, user, form.reason.data, flag_id)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(DONE[action](), "success")
    return _back(user.id)


@bp.route("/accounts/<int:user_id>/level", methods=["POST"])
@role_required(Role.MODERATOR)
def account_level(user_id: int):
    """Lock the member's level, or hand it back to the rules."""
    user = _account(user_id)
    form = LevelForm()
    if not form.validate_on_submit():
        flash(_("Choose a level and say why (at most 500 characters)."), "error")
        return redirect(url_for("moderation.account", user_id=user.id))
    level = None if form.level.data == "auto" else int(form.level.data)
    try:
        reason = actions.require_target(current_user, user, form.reason.data)
        leveling.lock(current_user, user, level, reason)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(_("The level is saved."), "success")
    return redirect(url_for("moderation.account", user_id=user.id))


@bp.route("/flags/<subject_type>/<int:subject_id>/restore", methods=["POST"])
@role_required(Role.MODERATOR)
def restore_decision(subject_type: str, subject_id: int):
    """Undo the last decision on a content: shown again if it was hidden, its flags open."""
    form = RestoreForm()
    back = redirect(url_for("moderation.detail", subject_type=subject_type,
                            subject_id=subject_id))
    if not form.validate_on_submit():
        flash(_("Say why (at most 500 characters, on one line): the reason is kept in the "
                "audit log."), "error")
        return back
    try:
        service.restore_decision(current_user, subject_type[:20], subject_id, form.reason.data)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(_("The decision is undone: the content is as it was, its flags open again."),
              "success")
    return back
