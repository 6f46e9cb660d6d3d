"""Account forms: field shapes and per-field validation only."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)

from community.forms import PlainText, crlf, length, optional, required, strip


class ValidEmail:
    """Syntax check by email-validator (no DNS look-up: the verification link proves it)."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(_l("Enter a valid e-mail address.")) from error


# Each language is named in itself, so anyone can find theirs.
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


def email_field(label):
    return EmailField(label, filters=[strip], validators=[required(), length(254), ValidEmail()])


def password_field(label):
    return PasswordField(label, validators=[required(), length(1000)])


class SignupForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), filters=[strip], validators=[required(), length(60, 2), PlainText()]
    )
    email = email_field(_l("E-mail"))
    password = password_field(_l("Password"))
    # The honeypot: hidden from people by CSS and aria-hidden; bots fill it in.
    website = StringField(_l("Leave this field empty"), filters=[strip])
    started = HiddenField()
    invite = HiddenField(filters=[strip])
    submit = SubmitField(_l("Create my account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[required(), length(254), PlainText()])
    password = password_field(_l("Password"))
    remember = BooleanField(_l("Remember me on this device"))
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(FlaskForm):
    email = email_field(_l("E-mail"))
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(FlaskForm):
    password = password_field(_l("New password"))
    submit = SubmitField(_l("Save my new password"))


class ChangePasswordForm(FlaskForm):
    current_password = password_field(_l("Current password"))
    password = password_field(_l("New password"))
    submit = SubmitField(_l("Change my password"))


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New e-mail"))
    current_password = password_field(_l("Current password"))
    submit = SubmitField(_l("Send a confirmation link"))


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), filters=[strip], validators=[required(), length(60, 2), PlainText()]
    )
    bio = TextAreaField(
        _l("About you"), filters=[strip, crlf],
        validators=[optional(), length(2000), PlainText(multiline=True)],
    )
    company = StringField(
        _l("Company"), filters=[strip], validators=[optional(), length(100), PlainText()]
    )
    location = StringField(
        _l("Location"), filters=[strip], validators=[optional(), length(100), PlainText()]
    )
    locale = SelectField(
        _l("Language"), choices=LANGUAGE_CHOICES,
        validate_choice=True,
    )
    submit = SubmitField(_l("Save"))


class DeleteAccountForm(FlaskForm):
    current_password = password_field(_l("Your password, to confirm"))
    submit = SubmitField(_l("Delete my account"))


class InvitationForm(FlaskForm):
    note = StringField(
        _l("Who is it for? (a note for you)"),
        filters=[strip], validators=[optional(), length(100), PlainText()],
    )
    submit = SubmitField(_l("Create an invitation link"))


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    next = HiddenField()
    submit = SubmitField(_l("Change"))


class AvatarForm(FlaskForm):
    picture = FileField(_l("Picture (PNG, JPEG, WebP or GIF; at most 1 MB)"),
                        validators=[FileRequired(_l("Choose an image file."))])
    submit = SubmitField(_l("Upload the picture"))
