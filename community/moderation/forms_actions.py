"""Forms for what moderators do to an account: discount, suspend, restore, lock a level."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from community.forms import PlainText, crlf, length, optional, required, strip
from community.trust.levels import NAMES

LEVEL_LABELS = {0: lazy_pgettext("trust level", "New"), 1: lazy_pgettext("trust level", "Basic"),
                2: lazy_pgettext("trust level", "Member"),
                3: lazy_pgettext("trust level", "Regular")}
ACTIONS = ("discount", "suspend", "restore")


def _flag_id(form, field):
    if field.data and not (field.data.isascii() and field.data.isdigit()
                           and len(field.data) < 12):
        raise ValidationError(_l("This flag does not exist."))


class AccountActionForm(FlaskForm):
    """Discount, suspend or restore: the reason is required and kept in the audit log."""

    reason = StringField(_l("Reason (kept in the audit log)"), filters=[strip, crlf],
                         validators=[required(), length(500), PlainText()])
    flag_id = HiddenField(validators=[optional(), _flag_id])


class LevelForm(FlaskForm):
    """Lock a member's level at a chosen one, or unlock it (the rules set it again)."""

    level = SelectField(_l("Level"), choices=[SelectChoice("auto", _l("Set by the rules "
                                                                    "(unlocked)"))]
                        + [SelectChoice(str(k), LEVEL_LABELS[k]) for k in sorted(NAMES)],
                        validators=[required()])
    reason = StringField(_l("Reason (kept in the audit log)"), filters=[strip, crlf],
                         validators=[required(), length(500), PlainText()])


class RestoreForm(FlaskForm):
    """Undo the last decision on a content: the reason is required and kept in the log."""

    reason = StringField(_l("Reason (kept in the audit log)"), filters=[strip, crlf],
                         validators=[required(), length(500), PlainText()])
