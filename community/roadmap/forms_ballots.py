"""The club ballot's form: ten rows of (position, idea, reason), no JavaScript needed.

An idea is given by its number ("42", "#42") or its address (".../ideas/42-dark-mode"); an
empty row is skipped. Rows are published in the order of their position numbers (rows with
the same number keep their order on the page), so a manager reorders by renumbering.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    StringField,
    SubmitField,
    ValidationError,
)

from community.forms import PlainText, length, optional, strip
from community.ids import IntRange, to_int
from community.roadmap.ballots import REASON_LENGTH, Line
from community.roadmap.models import BALLOT_SIZE

_NUMBER = re.compile(r"^#?\s*([0-9]{1,19})$")
_ADDRESS = re.compile(r"/ideas/([0-9]{1,19})(?:[-/?#.]|$)")


def idea_number(text: str | None) -> int | None:
    """The idea id in a number or an idea's address, else None. A well-formed number past
    the ids the database holds is still a number: "there is no idea #N" says more than "not a
    number" (``ballots`` never looks such a number up)."""
    text = (text or "").strip()
    found = _NUMBER.match(text) or _ADDRESS.search(text)
    return to_int(found.group(1), maximum=2**63 - 1) if found else None


def _idea_reference(form, field) -> None:
    if field.data and idea_number(field.data) is None:
        raise ValidationError(_l("Enter an idea number (such as 42) or the idea's address."))


class BallotLineForm(Form):
    """One row (a sub-form: the CSRF token is the whole form's)."""

    position = IntegerField(_l("Position"), validators=[
        optional(), IntRange(1, BALLOT_SIZE, message=_l("Use a position from 1 to 10."))])
    idea = StringField(_l("Idea number or address"), filters=[strip],
                       validators=[length(300), PlainText(), _idea_reference])
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[length(REASON_LENGTH), PlainText()])

    def validate_reason(self, field) -> None:
        if self.idea.data and not field.data:
            raise ValidationError(_l("Say in a few words why the club wants this idea."))

    def validate_idea(self, field) -> None:
        if self.reason.data and not field.data:
            raise ValidationError(_l("Enter the idea this reason is for, or clear the reason."))


class BallotForm(FlaskForm):
    rows = FieldList(FormField(BallotLineForm), min_entries=BALLOT_SIZE,
                     max_entries=BALLOT_SIZE)
    submit = SubmitField(_l("Publish this ballot"))

    def validate_rows(self, field) -> None:
        if not any(row.form.idea.data for row in field):
            raise ValidationError(_l("Put at least one idea on the ballot."))

    def filled_rows(self) -> list:
        """The filled rows, in the order they will be published."""
        filled = [(row.form.position.data or index + 1, index, row.form)
                  for index, row in enumerate(self.rows) if row.form.idea.data]
        return [form for _, _, form in sorted(filled, key=lambda item: item[:2])]

    def lines(self) -> list[Line]:
        return [Line(idea_number(row.idea.data), row.reason.data or "")
                for row in self.filled_rows()]
