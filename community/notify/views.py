"""Notifications page: the list, "mark all read", and how often to be e-mailed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import database
from community.extensions import db
from community.forms import ActionForm
from community.notify import service
from community.notify.blueprint import bp
from community.notify.forms import DigestForm


@bp.route("/notifications")
@login_required
def index():
    """What happened to the ideas and topics I follow (what I may still see). Opening the page
    marks what it shows as read, as Discourse does; this once they still stand out as new."""
    notifications = service.recent(current_user)
    unread = {n.id for n, _shown in notifications if n.read_at is None}
    # A browser's prefetch or a HEAD request is nobody reading: it marks nothing.
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    reading = bool(unread) and request.method == "GET" and "prefetch" not in purpose
    if reading:
        service.mark_read(current_user, list(unread))  # the header's badge, rendered next
    page = render_template("notify/index.html", notifications=notifications, unread=unread,
                           action_form=ActionForm(),
                           digest_form=DigestForm(email_digest=current_user.email_digest))
    if reading:  # lost to a concurrent writer: they stay unread until the next visit
        database.best_effort(db.session.commit, db.session.rollback)
    return page


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    """Mark every notification read (the app-wide CSRF check has passed: see errors.py)."""
    service.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notify.index"))


@bp.route("/notifications/settings", methods=["POST"])
@login_required
def settings():
    """Choose instant, daily or no e-mail."""
    form = DigestForm()
    if form.validate_on_submit():
        current_user.email_digest = form.email_digest.data
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("notify.index"))
