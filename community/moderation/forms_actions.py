"""Forms for what moderators do to an account: discount, suspend, restore, lock a level."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from community.forms import PlainText, crlf, length, optional, required, strip
from community.ids import to_int
from community.trust.labels import LEVEL_LABELS
from community.trust.levels import NAMES

ACTIONS = ("discount", "suspend", "restore", "remove_picture")


def _flag_id(form, field):
    if field.data and field.data.strip() and to_int(field.data.strip()) is None:
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
