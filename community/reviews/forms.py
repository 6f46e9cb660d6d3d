"""Review and product forms: field shapes and per-field validation, each error in words."""

from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import DateField

from community.forms import PlainText, crlf, length, optional, required, strip, valid_slug
from community.ids import to_int
from community.reviews import scoring
from community.timeutil import utcnow

RATING_LABELS = {
    5: _l("5 out of 5: excellent"),
    4: _l("4 out of 5: good"),
    3: _l("3 out of 5: average"),
    2: _l("2 out of 5: poor"),
    1: _l("1 out of 5: very poor"),
}


def _rating(form, field):
    value = to_int(field.data, 1, 5)
    if value is None:
        raise ValidationError(_l("Choose a rating from 1 to 5."))
    field.data = str(value)


def _month(form, field):
    if to_int(field.data, 1, 12) is None:
        raise ValidationError(_l("Choose a month."))


def _year(form, field):
    year = to_int(field.data, scoring.FIRST_YEAR, 9999)
    if year is None:
        raise ValidationError(_l("Choose a year."))
    month = to_int(form.since_month.data, 1, 12) or 1
    if scoring.is_future_month(date(year, month, 1), utcnow().date()):
        raise ValidationError(_l("“Using it since” cannot be in the future."))


class ReviewForm(FlaskForm):
    # validate_choice=False: the validators above word every refusal ("Not a valid choice"
    # says nothing), and a value outside the choices never reaches the service.
    rating = RadioField(_l("Your rating"), choices=[SelectChoice(str(n), label)
                                                    for n, label in RATING_LABELS.items()],
                        validate_choice=False, validators=[_rating])
    title = StringField(_l("Title"), filters=[strip],
                        validators=[required(), length(120, 3), PlainText()])
    body = TextAreaField(_l("Your review"), filters=[strip, crlf],
                         validators=[required(), length(10000, 10), PlainText(multiline=True)])
    since_month = SelectField(_l("Month"), validate_choice=False, validators=[_month])
    since_year = SelectField(_l("Year"), validate_choice=False, validators=[_year])
    submit = SubmitField(_l("Publish my review"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The months' names in the reader's language, from the CLDR (Babel).
        names = get_month_names("wide", context="stand-alone", locale=get_locale())
        self.since_month.choices = [SelectChoice("", _l("Month"))] + [
            SelectChoice(str(n), names[n]) for n in range(1, 13)]
        self.since_year.choices = [SelectChoice("", _l("Year"))] + [
            SelectChoice(str(y), str(y)) for y in range(utcnow().year, scoring.FIRST_YEAR - 1, -1)]

    @property
    def using_since(self) -> date:
        """The validated month, as its first day."""
        return date(int(self.since_year.data), int(self.since_month.data), 1)

    @classmethod
    def of(cls, review) -> ReviewForm:
        """The form filled with a review's current version (the edit page)."""
        return cls(rating=str(review.rating), title=review.title, body=review.body_md,
                   since_month=str(review.using_since.month),
                   since_year=str(review.using_since.year))



class ProductDateField(DateField):
    """A date (``<input type=date>``) whose refusals the validator below words."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def _launch_date(form, field):
    if field.data is None and (getattr(field, "raw", "") or "").strip():
        raise ValidationError(_l("Enter a date like 2026-03-31."))
    if field.data is None:
        raise ValidationError(_l("This field is required."))


class ProductForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[required(), length(100, 2), PlainText()])
    slug = StringField(_l("Address (slug)"), filters=[strip],
                       validators=[optional(), length(60), valid_slug])
    launched_on = ProductDateField(_l("Launch date"), validators=[_launch_date])
    description = StringField(_l("Description"), filters=[strip],
                              validators=[optional(), length(300), PlainText()])
    submit = SubmitField(_l("Save the product"))


class ReportForm(FlaskForm):
    reason = SelectField(_l("What is wrong with this review?"), validators=[required()],
                         choices=[SelectChoice("spam", _l("Spam or advertising")),
                                  SelectChoice("abuse", _l("Abusive or disrespectful")),
                                  SelectChoice("off_topic", _l("Off topic")),
                                  SelectChoice("other", _l("Something else"))])
    note = TextAreaField(_l("Anything the moderators should know (optional)"),
                         filters=[strip, crlf],
                         validators=[optional(), length(500), PlainText(multiline=True)])
    submit = SubmitField(_l("Flag for the moderators"))
