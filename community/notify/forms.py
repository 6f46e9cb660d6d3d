"""The notifications' settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField

from community.forms import required


class DigestForm(FlaskForm):
    email_digest = RadioField(_l("E-mail me about the ideas I follow"), validators=[required()],
                              choices=[SelectChoice("instant", _l("At once")),
                                       SelectChoice("daily", _l("Once a day, in a digest")),
                                       SelectChoice("off", _l("Never"))])
    submit = SubmitField(_l("Save"))
