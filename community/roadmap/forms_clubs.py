"""Club forms: the club's details, asking to join, the logo, a member's role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)

from community.clubs.models import ClubRole, Visibility
from community.forms import PlainText, crlf, length, optional, required, strip
from community.refusals import Refused
from community.roadmap import clubs

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PUBLIC.value,
                 _l("Public: anyone sees the club, its ballot and how many members it has")),
    SelectChoice(Visibility.MEMBERS.value,
                 _l("Members only: only its members and the team know it exists")),
]
ROLE_LABELS = {ClubRole.MEMBER.value: _l("Member"), ClubRole.MANAGER.value: _l("Manager"),
               ClubRole.OWNER.value: _l("Owner")}
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


def _domains(form, field) -> None:
    """The domains parse (commas, spaces or lines between them); the list replaces the text."""
    try:
        field.data = clubs.normalise_domains(field.data or "")
    except Refused as refusal:
        raise ValidationError(refusal.message) from None


class DomainsField(TextAreaField):
    def _value(self):
        return "\n".join(self.data) if isinstance(self.data, list) else (self.data or "")


class ClubForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), length(80, 2),
                                                                PlainText()])
    description = TextAreaField(_l("Description"), filters=[strip, crlf],
                                validators=[optional(), length(5000), PlainText(multiline=True)])
    visibility = RadioField(_l("Who can see the club?"), choices=VISIBILITY_CHOICES,
                            default=Visibility.PUBLIC.value, validators=[required()])
    domains = DomainsField(_l("E-mail domains of its organisations"), filters=[strip, crlf],
                           validators=[length(20 * 254), _domains])
    submit = SubmitField(_l("Save the club"))

    @property
    def visibility_value(self) -> Visibility:
        return Visibility(self.visibility.data)


class JoinForm(FlaskForm):
    organisation = StringField(_l("Your organisation (optional)"), filters=[strip],
                               validators=[optional(), length(120), PlainText()])
    message = TextAreaField(_l("A word for the club's managers (optional)"),
                            filters=[strip, crlf],
                            validators=[optional(), length(500), PlainText(multiline=True)])
    submit = SubmitField(_l("Ask to join"))


class InvitationForm(FlaskForm):
    organisation = StringField(_l("Your organisation (optional)"), filters=[strip],
                               validators=[optional(), length(120), PlainText()])
    submit = SubmitField(_l("Join the club"))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (PNG, JPEG, WebP or GIF; at most 1 MB)"),
                     validators=[FileRequired(_l("Choose an image file."))])
    submit = SubmitField(_l("Upload the logo"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[required()])
    submit = SubmitField(_l("Change the role"))
