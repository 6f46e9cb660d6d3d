"""Forms of the roadmap's product pages: an item, linking an idea, shipping with its entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)

from community.forms import PlainText, crlf, length, optional, required, strip
from community.ids import IntRange
from community.roadmap.items import HORIZON_LABELS, QUARTER, STATUS_LABELS, ItemFields
from community.roadmap.models import Horizon, ItemStatus

MAX_POSITION = 9999


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[required(), length(140), PlainText()])
    body = TextAreaField(_l("Public description"), filters=[strip, crlf],
                         validators=[optional(), length(10000), PlainText(multiline=True)])
    horizon = SelectField(_l("When"), validators=[required()], choices=[
        *(SelectChoice(h.value, label) for h, label in HORIZON_LABELS.items()),
        SelectChoice(Horizon.QUARTER.value, _l("A quarter (below)"))])
    quarter = StringField(_l("Quarter"), filters=[strip, _upper],
                          validators=[optional(), length(7)])
    status = SelectField(_l("Status"), validators=[required()], choices=[
        SelectChoice(s.value, STATUS_LABELS[s])
        for s in (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)])
    members_only = BooleanField(_l("Members only (signed-in members see it, nobody else)"))
    position = IntegerField(_l("Order in its column (smaller first)"), default=0,
                            validators=[optional(), IntRange(0, MAX_POSITION, message=_l(
                                "Give a whole number from 0 to 9999."))])
    submit = SubmitField(_l("Save the item"))

    def __init__(self, *args, shipped: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if shipped:  # a shipped item keeps its status (and its place): text and order only
            self.status.choices = [SelectChoice(ItemStatus.SHIPPED.value,
                                                STATUS_LABELS[ItemStatus.SHIPPED])]

    def validate_quarter(self, field) -> None:
        """Needed (as "2027-Q1") when the item sits on a quarter; ignored otherwise."""
        if self.horizon.data == Horizon.QUARTER.value and not QUARTER.match(field.data or ""):
            raise ValidationError(_l("Give the quarter as YEAR-Qn, for example 2027-Q1."))

    def fields(self) -> ItemFields:
        horizon = Horizon(self.horizon.data)
        return ItemFields(
            title=self.title.data, body=self.body.data or "", horizon=horizon,
            quarter=self.quarter.data if horizon is Horizon.QUARTER else None,
            status=ItemStatus(self.status.data), members_only=bool(self.members_only.data),
            position=self.position.data or 0)


class LinkForm(FlaskForm):
    idea = StringField(_l("Idea number or address"), filters=[strip],
                       validators=[required(), length(500), PlainText()])
    submit = SubmitField(_l("Link this idea"))


class ShipForm(FlaskForm):
    title = StringField(_l("Changelog title (the item's title if empty)"), filters=[strip],
                        validators=[optional(), length(140), PlainText()])
    body = TextAreaField(_l("What shipped"), filters=[strip, crlf],
                         validators=[required(), length(20000), PlainText(multiline=True)])
    submit = SubmitField(_l("Ship it and publish the entry"))
