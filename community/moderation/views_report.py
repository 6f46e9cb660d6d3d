"""The members' report page: one form for any subject a domain registered (a review, an idea,
a comment, a forum post, a profile...), filed in the moderators' queue as a member report.

The subject must exist (the registered handler describes it) and not be hidden; an unknown type
is a 404. Members cannot report what they wrote (nor their own profile), and report a subject
once: a second time says so. The page shows the subject's title and excerpt only when its
handler says the reader may see it (``SubjectHandler.visible_to``); otherwise it links to it,
where the domain checks access. Posts are rate limited per member.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from community.accounts.decorators import verified_required
from community.extensions import limiter
from community.moderation import service
from community.moderation.blueprint import bp
from community.moderation.forms import REPORT_TITLE, REPORT_TITLES, ReportForm
from community.refusals import Refused, carry_out, message_for

# Reports one member may send (successful or not); the app's RATELIMIT_REPORTS overrides it.
REPORT_LIMIT = "10 per minute;100 per day"


def _report_limit() -> str:
    return current_app.config.get("RATELIMIT_REPORTS", REPORT_LIMIT)


def _reporter() -> str:
    """The limit's key: the member (several members may share an address), else the address."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


def report_url(subject_type: str, subject_id: int) -> str:
    """Where a "Report" link leads (a template global)."""
    return url_for("moderation.report", subject_type=subject_type, subject_id=subject_id)


@bp.route("/report/<subject_type>/<int:subject_id>", methods=["GET", "POST"])
@verified_required
@limiter.limit(_report_limit, methods=["POST"], key_func=_reporter, scope="moderation-report")
def report(subject_type: str, subject_id: int):
    """Report a subject to the moderators: a reason (spam, abuse, fake, other) and a note."""
    handler = service.subject_handler(subject_type)
    view = handler.describe(subject_id) if handler is not None else None
    if view is None or view.hidden:
        abort(404)
    visible_to = getattr(handler, "visible_to", None)
    shown = visible_to is not None and visible_to(current_user, subject_id)
    if visible_to is not None and not shown:
        abort(404)
    if view.author_id is not None and view.author_id == current_user.id:
        raise Refused("moderation.own_content")
    back = view.url or url_for("core.index")
    already = service.has_reported(current_user, subject_type, subject_id)
    form = ReportForm()
    if form.validate_on_submit():
        carry_out(lambda: service.open_flag(current_user, subject_type, subject_id,
                                            form.reason.data, form.note.data or ""),
                  _("Thank you: the moderators will look at it."), refused="info")
        return redirect(back)
    return render_template(
        "moderation/report.html", form=form, view=view, shown=shown,
        title=REPORT_TITLES.get(subject_type, REPORT_TITLE),
        already=message_for("moderation.duplicate") if already else None,
    ), 422 if form.errors else 200
