"""The moderators' decision form, the members' report form, and the labels the moderation
pages show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField

from community.forms import PlainText, crlf, length, optional, required, strip
from community.moderation.models import FlagKind, FlagReason, FlagState

REASON_LABELS = {
    FlagReason.SPAM: _l("Spam or advertising"),
    FlagReason.ABUSE: _l("Abusive or disrespectful"),
    FlagReason.FAKE: _l("Fake: not a real person, or not a genuine opinion"),
    FlagReason.OFF_TOPIC: _l("Off topic"),
    FlagReason.OTHER: _l("Something else"),
    FlagReason.DETECTOR: _l("Found by a detector"),
}
STATE_LABELS = {
    FlagState.OPEN: _l("Waiting for a decision"),
    FlagState.DISMISSED: _l("Dismissed"),
    FlagState.ACTIONED: _l("Content hidden"),
}
KIND_LABELS = {
    FlagKind.MEMBER_REPORT: _l("Member report"),
    FlagKind.DETECTOR: _l("Detector"),
}


class DecisionForm(FlaskForm):
    """Decide every open flag of a subject: the button pressed gives the decision."""

    decision = RadioField(_l("Decision"), validators=[required()], choices=[
        SelectChoice("dismiss", _l("Dismiss the flags")),
        SelectChoice("hide", _l("Hide the content")),
    ])
    note = StringField(_l("Note (kept in the audit log)"), filters=[strip, crlf],
                       validators=[optional(), length(500), PlainText()])

# What a member may report something as (off topic stays for the reports filed before).
REPORT_REASONS = (FlagReason.SPAM, FlagReason.ABUSE, FlagReason.FAKE, FlagReason.OTHER)


class ReportForm(FlaskForm):
    """A member reports a review, idea, comment, post or profile to the moderators."""

    reason = RadioField(_l("What is wrong with it?"), validators=[required()], choices=[
        SelectChoice(r.value, REASON_LABELS[r]) for r in REPORT_REASONS])
    note = TextAreaField(_l("Anything the moderators should know (optional)"),
                         filters=[strip, crlf],
                         validators=[optional(), length(500), PlainText(multiline=True)])
    submit = SubmitField(_l("Report to the moderators"))


# The kinds of content, as the queue's filter and the report page name them (a type missing
# here shows as its code: the domains register their types, moderation only labels them).
SUBJECT_LABELS = {
    "account": _l("Member accounts"),
    "comment": _l("Comments on ideas"),
    "faq": _l("FAQ entries"),
    "idea": _l("Ideas"),
    "post": _l("Forum posts"),
    "review": _l("Reviews"),
    "topic": _l("Forum topics"),
}
REPORT_TITLES = {
    "account": _l("Report a member"),
    "comment": _l("Report a comment"),
    "idea": _l("Report an idea"),
    "post": _l("Report a forum post"),
    "review": _l("Report a review"),
}
REPORT_TITLE = _l("Report content")


def subject_label(subject_type: str) -> str:
    return str(SUBJECT_LABELS.get(subject_type, subject_type))


def menu_badge_label(count: int) -> str:
    """The moderators' menu link's accessible name with the number beside it."""
    return ngettext("Moderation, %(num)d flagged item waiting",
                    "Moderation, %(num)d flagged items waiting", count)
