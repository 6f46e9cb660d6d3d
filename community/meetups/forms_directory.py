"""The directory's forms: a member's card, their choices in one group, marking an ambassador."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf
from wtforms.widgets import CheckboxInput, ListWidget

from community.forms import PlainText, length, optional, strip
from community.groups.directory import FIELD_MAX
from community.groups.models import DIRECTORY_FIELDS

FIELD_LABELS = {
    "company": _l("Company"),
    "job_title": _l("Role"),
    "location": _l("Location"),
    "cohort": _l("Cohort or year"),
    "skills": _l("Skills"),
    "help_on": _l("Open to help on…"),
}


def _text(name: str) -> StringField:
    return StringField(FIELD_LABELS[name], filters=[strip],
                       validators=[optional(), length(FIELD_MAX[name]), PlainText()])


class DirectoryProfileForm(FlaskForm):
    """The card, written once; each group sees only the fields chosen for it."""

    company = _text("company")
    job_title = _text("job_title")
    location = _text("location")
    cohort = _text("cohort")
    skills = _text("skills")
    help_on = _text("help_on")
    submit = SubmitField(_l("Save my card"))

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in DIRECTORY_FIELDS}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DirectoryChoicesForm(FlaskForm):
    """What one group's directory shows of the member, or whether it lists them at all."""

    hidden = BooleanField(_l("Hide me from this group's directory"))
    shown = MultiCheckboxField(_l("Fields this group sees"),
                               choices=[SelectChoice(name, FIELD_LABELS[name])
                                        for name in DIRECTORY_FIELDS])
    submit = SubmitField(_l("Save my choices"))


class AmbassadorForm(FlaskForm):
    """Mark (``on``) or unmark (``off``) a member as the group's ambassador."""

    ambassador = HiddenField(validators=[AnyOf(["on", "off"],
                                               message=_l("Choose mark or unmark."))])
