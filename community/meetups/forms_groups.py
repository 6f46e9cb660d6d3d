"""Group forms: the group's details, joining (with a word for the managers), the cover, a
member's role, an e-mail invitation and the policy of who creates groups."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from community.accounts.forms import email_field
from community.forms import PlainText, crlf, length, optional, required, strip
from community.groups.models import GroupRole, GroupVisibility

VISIBILITY_CHOICES = [
    SelectChoice(GroupVisibility.PUBLIC.value,
                 _l("Public: anyone sees the group and its discussions, and joins at once")),
    SelectChoice(GroupVisibility.PRIVATE.value,
                 _l("Private: the group is listed; members join on request and only they see "
                    "its discussions, events and members")),
    SelectChoice(GroupVisibility.SECRET.value,
                 _l("Secret: only its members know it exists; members join by invitation")),
]
VISIBILITY_LABELS = {GroupVisibility.PUBLIC: _l("Public group"),
                     GroupVisibility.PRIVATE: _l("Private group"),
                     GroupVisibility.SECRET: _l("Secret group")}
ROLE_LABELS = {GroupRole.MEMBER.value: _l("Member"), GroupRole.MANAGER.value: _l("Manager"),
               GroupRole.OWNER.value: _l("Owner")}
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]
LEVEL_CHOICES = [SelectChoice("0", _l("0: new members")), SelectChoice("1", _l("1: basic")),
                 SelectChoice("2", _l("2: members")), SelectChoice("3", _l("3: regulars"))]


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), length(80, 2),
                                                                PlainText()])
    description = TextAreaField(_l("Description"), filters=[strip, crlf],
                                validators=[optional(), length(5000), PlainText(multiline=True)])
    rules = TextAreaField(_l("Rules (shown before joining)"), filters=[strip, crlf],
                          validators=[optional(), length(5000), PlainText(multiline=True)])
    visibility = RadioField(_l("Who can see the group?"), choices=VISIBILITY_CHOICES,
                            default=GroupVisibility.PUBLIC.value, validators=[required()])
    submit = SubmitField(_l("Save the group"))

    @property
    def visibility_value(self) -> GroupVisibility:
        return GroupVisibility(self.visibility.data)


class JoinForm(FlaskForm):
    message = TextAreaField(_l("A word for the group's managers (optional)"),
                            filters=[strip, crlf],
                            validators=[optional(), length(500), PlainText(multiline=True)])
    submit = SubmitField(_l("Join the group"))


class ConfirmJoinForm(FlaskForm):
    submit = SubmitField(_l("Join the group"))


class CoverForm(FlaskForm):
    cover = FileField(_l("Cover (PNG, JPEG, WebP or GIF; at most 1.5 MB; shown 1200 × 400)"),
                      validators=[FileRequired(_l("Choose an image file."))])
    submit = SubmitField(_l("Upload the cover"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[required()])
    submit = SubmitField(_l("Change the role"))


class InviteForm(FlaskForm):
    email = email_field(_l("E-mail address"))
    submit = SubmitField(_l("Send the invitation"))


class PolicyForm(FlaskForm):
    min_level = SelectField(_l("Trust level needed to create a group"), choices=LEVEL_CHOICES,
                            validators=[required()])
    staff_only = BooleanField(_l("Only the staff create groups"))
    submit = SubmitField(_l("Save the policy"))
