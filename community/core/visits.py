"""Members' visits, as Discourse counts them, for the home page's "new since your last visit".

- A member's requests are noted in ``users.last_seen_at`` at most once an hour
  (``SEEN_RESOLUTION``): one write per member per hour of activity, never one per page.
- A new visit starts when the last noted moment is ``VISIT_GAP`` (two hours) old or more: since
  activity is noted hourly, the member then made no request for at least an hour. The previous
  visit's last noted moment goes to ``users.previous_visit_at``, which stays put for the whole
  visit, so the home page marks the same things new from one page to the next. For a visit of
  less than an hour (most of them) that moment is the visit's start; for a longer one, the
  start of its last hour (what came earlier was seen then).
- Before any previous visit (a new member, or one from before visits were noted), what is new
  is what happened in the last ``FIRST_VISIT_WINDOW`` (seven days).

The write is one conditional UPDATE on the value read: of two requests at once (two tabs),
one moves the visit and the other changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from community.accounts.models import User
from community.extensions import db
from community.timeutil import utcnow

SEEN_RESOLUTION = timedelta(hours=1)
VISIT_GAP = timedelta(hours=2)
FIRST_VISIT_WINDOW = timedelta(days=7)


def is_due(user: User, now: datetime | None = None) -> bool:
    """Whether this request should note the member's activity (at most once an hour)."""
    seen = user.last_seen_at
    return seen is None or (now or utcnow()) - seen >= SEEN_RESOLUTION


def note_visit(user: User, now: datetime | None = None) -> bool:
    """Note the member's activity now, starting a new visit after an hour or more without
    any; True if it wrote. Flushes nothing else; the caller commits."""
    now = now or utcnow()
    if not is_due(user, now):
        return False
    seen = user.last_seen_at
    values = {"last_seen_at": now}
    if seen is not None and now - seen >= VISIT_GAP:
        values["previous_visit_at"] = seen
    unchanged = User.last_seen_at.is_(None) if seen is None else User.last_seen_at == seen
    done = db.session.execute(sa.update(User).where(User.id == user.id, unchanged)
                              .values(**values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return False
    for name, value in values.items():  # the loaded member agrees, without a second UPDATE
        set_committed_value(user, name, value)
    return True


def since(user: User, now: datetime | None = None) -> datetime:
    """The start of what is new for this member: their previous visit, else a week ago."""
    return user.previous_visit_at or (now or utcnow()) - FIRST_VISIT_WINDOW


def is_first_visit(user: User) -> bool:
    return user.previous_visit_at is None
