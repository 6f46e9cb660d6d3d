"""Forum forms: field shapes and per-field validation."""

from __future__ import annotations

import re

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

from community.forms import PlainText, crlf, length, optional, required, strip, valid_slug
from community.ids import OUT_OF_RANGE, IntRange, to_int

REASON_CHOICES = [
    SelectChoice("spam", _l("Spam or advertising")),
    SelectChoice("abuse", _l("Abusive or disrespectful")),
    SelectChoice("off_topic", _l("Off topic")),
    SelectChoice("other", _l("Something else")),
]


def _body(label):
    return TextAreaField(label, filters=[strip, crlf],
                         validators=[required(), length(20000, 2), PlainText(multiline=True)])


def _title():
    return StringField(_l("Title"), filters=[strip],
                       validators=[required(), length(160, 8), PlainText()])


def _categories(field, categories) -> None:
    field.choices = [SelectChoice(c.id, c.name) for c in categories]


def _category(label):
    return SelectField(label, coerce=int, validators=[required(), IntRange()])


class TopicForm(FlaskForm):
    title = _title()
    category = _category(_l("Category"))
    is_question = BooleanField(_l("This is a question: I am looking for an answer"))
    body = _body(_l("Message"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post the topic"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        _categories(self.category, categories)


class ReplyForm(FlaskForm):
    body = _body(_l("Your reply"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Reply"))


class EditForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[optional(), length(160, 8), PlainText()])
    body = _body(_l("Message"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save the changes"))


class FlagForm(FlaskForm):
    reason = SelectField(_l("What is wrong with this post?"), choices=REASON_CHOICES,
                         validators=[required()])
    note = TextAreaField(_l("Anything the moderators should know (optional)"),
                         filters=[strip, crlf],
                         validators=[optional(), length(500), PlainText(multiline=True)])
    submit = SubmitField(_l("Flag for the moderators"))


class ReasonForm(FlaskForm):
    """A moderator's one-button action, with the reason kept in the audit log."""

    reason = StringField(_l("Reason (kept in the audit log)"), filters=[strip],
                         validators=[optional(), length(500), PlainText()])


class MoveForm(ReasonForm):
    category = _category(_l("Move to"))
    submit = SubmitField(_l("Move the topic"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        _categories(self.category, categories)


class MergeForm(ReasonForm):
    target = IntegerField(_l("Merge into topic number"), validators=[required(), IntRange()])
    submit = SubmitField(_l("Merge the topics"))


def _numbers(form, field):
    if not field.data or not re.fullmatch(r"\s*\d+(\s*[,; ]\s*\d+)*\s*", field.data):
        raise ValidationError(_l("List post numbers separated by commas, like 4, 5, 9."))
    if any(to_int(n) is None for n in re.findall(r"\d+", field.data)):
        raise ValidationError(OUT_OF_RANGE)


class SplitForm(ReasonForm):
    numbers = StringField(_l("Post numbers to move"), filters=[strip],
                          validators=[required(), length(400), _numbers])
    title = _title()
    category = _category(_l("Category of the new topic"))
    submit = SubmitField(_l("Split into a new topic"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        _categories(self.category, categories)

    @property
    def number_list(self) -> list[int]:
        return [int(n) for n in re.findall(r"\d+", self.numbers.data or "")][:200]


class FaqForm(FlaskForm):
    question = StringField(_l("Question"), filters=[strip],
                           validators=[required(), length(200, 8), PlainText()])
    answer = _body(_l("Answer"))
    category = _category(_l("Category"))
    submit = SubmitField(_l("Save the FAQ entry"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        _categories(self.category, categories)


# What the categories' ``position`` column (an SQL INTEGER, 32 bits) can hold.
POSITIONS = (-(2**31), 2**31 - 1)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")



def _colour(form, field):
    if not _HEX.match(field.data or ""):
        raise ValidationError(_l("Use a colour like #3b6ea5."))


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[required(), length(80, 2), PlainText()])
    slug = StringField(_l("Address (slug)"), filters=[strip],
                       validators=[optional(), length(60), valid_slug])
    description = StringField(_l("Description"), filters=[strip],
                              validators=[optional(), length(300), PlainText()])
    colour = StringField(_l("Colour"), filters=[strip], default="#3b6ea5",
                         validators=[required(), _colour])
    position = IntegerField(_l("Position (smaller first)"), default=0,
                            validators=[optional(), IntRange(*POSITIONS)])
    audience = SelectField(_l("Who may see it"), validators=[required()])
    submit = SubmitField(_l("Save the category"))

    def __init__(self, *args, groups=(), clubs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = (
            [SelectChoice("all", _l("Everyone")), SelectChoice("staff", _l("The team only"))]
            + [SelectChoice(f"group:{g.id}", _l("Group: %(name)s", name=g.name)) for g in groups]
            + [SelectChoice(f"club:{c.id}", _l("Club: %(name)s", name=c.name)) for c in clubs])
