"""Event forms: the event's details, the recap, an answer, the calendar feed's buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import NumberRange

from community.forms import PlainText, crlf, length, optional, required, strip
from community.meetups import events
from community.meetups.models import EventKind
from community.refusals import Refused

KIND_CHOICES = [
    SelectChoice(EventKind.IN_PERSON.value, _l("In person, at a place")),
    SelectChoice(EventKind.ONLINE.value,
                 _l("Online (the link is shown only to those who said yes)")),
]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _zone(form, field) -> None:
    if not events.valid_zone(field.data):
        raise ValidationError(_l("Choose a time zone from the list."))


def _online_url(form, field) -> None:
    if form.kind.data != EventKind.ONLINE.value:
        return
    try:
        field.data = events.check_url(field.data or "")
    except Refused as refusal:
        raise ValidationError(refusal.message) from None


def _place(form, field) -> None:
    if form.kind.data == EventKind.IN_PERSON.value and not field.data:
        raise ValidationError(_l("Give the place of the event."))


class ZoneField(SelectField):
    """The IANA zones, common ones first; an unknown name is refused by ``_zone``."""

    def pre_validate(self, form) -> None:
        pass  # the list is long: ``_zone`` checks the name against zoneinfo instead


class EventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[required(), length(160, 3), PlainText()])
    description = TextAreaField(_l("Description"), filters=[strip, crlf],
                                validators=[optional(), length(10000),
                                            PlainText(multiline=True)])
    kind = RadioField(_l("Where does it happen?"), choices=KIND_CHOICES,
                      default=EventKind.IN_PERSON.value, validators=[required()])
    place = StringField(_l("Place (address)"), filters=[strip],
                        validators=[length(300), PlainText(), _place])
    online_url = StringField(_l("Link of the online meeting"), filters=[strip],
                             validators=[length(500), _online_url])
    starts = DateTimeLocalField(_l("Starts (local time)"), format=DATETIME_FORMATS,
                                validators=[required()])
    ends = DateTimeLocalField(_l("Ends (local time)"), format=DATETIME_FORMATS,
                              validators=[required()])
    timezone = ZoneField(_l("Time zone"), default="Europe/Paris", validators=[required(), _zone])
    capacity = IntegerField(_l("Capacity (empty: no limit)"), validators=[
        optional(), NumberRange(min=1, max=events.MAX_CAPACITY, message=_l(
            "The capacity is a number from 1 to %(max)d, or empty for no limit.",
            max=events.MAX_CAPACITY))])
    submit = SubmitField(_l("Save the event"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone, zone.replace("_", " "))
                                 for zone in events.all_zones()]

    def validate_ends(self, field) -> None:
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The end must come after the start."))

    def details(self) -> events.Details:
        return events.Details(
            title=self.title.data, description=self.description.data or "",
            kind=EventKind(self.kind.data), online_url=self.online_url.data or "",
            place=self.place.data or "", starts_local=self.starts.data,
            ends_local=self.ends.data, timezone=self.timezone.data,
            capacity=self.capacity.data)


class RecapForm(FlaskForm):
    recap = TextAreaField(_l("Recap"), filters=[strip, crlf],
                          validators=[optional(), length(20000), PlainText(multiline=True)])
    submit = SubmitField(_l("Save the recap"))


class RsvpForm(FlaskForm):
    answer = RadioField(_l("Your answer"), choices=[
        SelectChoice("yes", _l("Yes")), SelectChoice("maybe", _l("Maybe")),
        SelectChoice("no", _l("No"))],
        validators=[required()])
