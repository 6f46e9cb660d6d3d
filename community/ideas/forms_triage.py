"""Forms of the product team's and the voters' follow-up actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)

from community.forms import PlainText, crlf, length, optional, required, strip
from community.ids import IntRange


def status_choices():
    from community.ideas.labels import status_label
    from community.ideas.models import Status

    return [SelectChoice(s.value, status_label(s.value)) for s in Status if s.value != "merged"]


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[required()])
    note = TextAreaField(_l("Public note (required to decline: say why)"),
                         filters=[strip, crlf],
                         validators=[optional(), length(5000), PlainText(multiline=True)])
    submit = SubmitField(_l("Change the status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()


class BulkStatusForm(StatusForm):
    ideas = SelectMultipleField(_l("Ideas"), coerce=int, validate_choice=False,
                                validators=[IntRange()])


class MergeForm(FlaskForm):
    target = IntegerField(_l("Merge into idea number"), validators=[
        required(), IntRange(message=_l("Enter an idea number."))])
    submit = SubmitField(_l("Merge this duplicate"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), filters=[strip, crlf],
                         validators=[required(), length(5000), PlainText(multiline=True)])
    official = BooleanField(_l("Official response from the team (pinned)"))
    submit = SubmitField(_l("Comment"))


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Did it solve your need?"), validators=[required()], choices=[
        SelectChoice("solved", _l("Yes")), SelectChoice("partly", _l("Partly")),
        SelectChoice("not_solved", _l("No"))])
    submit = SubmitField(_l("Send my answer"))
