"""Forms of the idea categories page: field shapes and per-field validation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from community.forms import PlainText, length, optional, required, strip
from community.ideas.categories import NAME_MAX
from community.ids import IntRange


class CategoryForm(FlaskForm):
    """A new category, or a category's new name (each row has its own, with a prefix)."""

    name = StringField(_l("Name"), filters=[strip],
                       validators=[required(), length(NAME_MAX), PlainText()])


class DeleteCategoryForm(FlaskForm):
    """Delete a category; one that holds ideas needs another category to move them to."""

    move_to = SelectField(_l("Move its ideas to"), coerce=int,
                          validators=[optional(), IntRange(0)])  # 0: none chosen

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.move_to.choices = [SelectChoice(0, _l("No other category"))] + [
            SelectChoice(c.id, c.name) for c in others]
