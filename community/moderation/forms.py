"""The moderators' decision form, and the labels the moderation pages show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField

from community.forms import PlainText, crlf, length, optional, required, strip
from community.moderation.models import FlagKind, FlagReason, FlagState

REASON_LABELS = {
    FlagReason.SPAM: _l("Spam or advertising"),
    FlagReason.ABUSE: _l("Abusive or disrespectful"),
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
