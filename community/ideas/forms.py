"""Idea forms: field shapes and per-field validation."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)

from community.forms import PlainText, crlf, length, optional, required, strip
from community.ideas.labels import IMPORTANCE_LABELS
from community.ids import OUT_OF_RANGE, IntRange, to_int

IMPORTANCE_CHOICES = [SelectChoice(str(n), label) for n, label in IMPORTANCE_LABELS.items()]
_TAG = re.compile(r"^[\w-]{1,30}$")


def tag_list(value):
    """Filter: "Mobile, export  " -> ["mobile", "export"]."""
    if isinstance(value, str):
        return [t.strip().lower() for t in value.split(",") if t.strip()][:20]
    return value or []


class TagsField(StringField):
    def _value(self):
        return ", ".join(self.data) if isinstance(self.data, list) else (self.data or "")

    def process_formdata(self, valuelist):
        self.data = tag_list(valuelist[0] if valuelist else "")


def valid_tags(form, field):
    if len(field.data) > 5:
        raise ValidationError(_l("Use at most 5 tags."))
    for tag in field.data:
        if not _TAG.match(tag):
            raise ValidationError(_l("Tags are single words (letters, digits, dashes)."))


class IdeaForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[required(), length(140, 8), PlainText()])
    body = TextAreaField(_l("Description"), filters=[strip, crlf],
                         validators=[optional(), length(10000), PlainText(multiline=True)])
    category = SelectField(_l("Category"), coerce=int,
                           validators=[optional(), IntRange(0)])  # 0: no category
    tags = TagsField(_l("Tags (comma-separated)"), validators=[valid_tags])
    check = SubmitField(_l("Check for similar ideas"))
    submit = SubmitField(_l("Submit my idea"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(0, _l("No category"))] + [
            SelectChoice(c.id, c.name) for c in categories]


class VoteForm(FlaskForm):
    importance = RadioField(_l("How much does it matter to you?"), choices=IMPORTANCE_CHOICES,
                            default="2", validators=[required()])
    why = TextAreaField(_l("Why? Your use case helps the product team (optional)"),
                        filters=[strip, crlf],
                        validators=[optional(), length(1000), PlainText(multiline=True)])
    submit = SubmitField(_l("Vote"))


class QuickVoteForm(FlaskForm):
    """The one-click vote button (cast or withdraw): its CSRF token and where to come back to
    (``next``, which the view checks with ``security.safe_next``)."""

    next = HiddenField()


def _idea_ids(form, field):
    if any(to_int(part) is None for part in (field.data or "").split(",") if part):
        raise ValidationError(OUT_OF_RANGE)


class PriorityForm(FlaskForm):
    """The "My priorities" buttons (an idea and what to do with it) and the dragged order
    (hidden fields)."""

    action = StringField()
    idea = IntegerField(validators=[optional(), IntRange()])
    order = StringField(validators=[optional(), _idea_ids])

    @property
    def order_ids(self) -> list[int]:
        return [int(part) for part in (self.order.data or "").split(",") if part]
