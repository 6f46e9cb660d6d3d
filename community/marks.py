"""A member's mark on a row with a counter beside it (a helpful mark on a post or a review):
toggled, and the counter kept in step, in one transaction. Shared by the domains that count
marks, so the double-click race is handled once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.extensions import db


def toggle_counted_mark(mark, counter: sa.orm.InstrumentedAttribute, marked_id: int) -> bool:
    """Add ``mark`` (a row whose primary key is who marked what: a helpful mark) or, if that
    member already marked it, remove the existing one; keep ``counter`` (a column of the
    marked row, e.g. ``Post.helpful_count``) in step in the same transaction. True if it is
    now marked. A double click that inserted first is a mark already there."""
    model = type(mark)
    key = tuple(getattr(mark, column.key) for column in sa.inspect(model).primary_key)
    found = db.session.get(model, key)
    if found is not None:
        db.session.delete(found)
        delta = -1
    else:
        try:
            with db.session.begin_nested():
                db.session.add(mark)
        except IntegrityError:  # a double click raced us: it is marked
            return True
        delta = 1
    marked = counter.class_
    db.session.execute(sa.update(marked).where(marked.id == marked_id)
                       .values({counter.key: counter + delta}))
    db.session.flush()
    return delta > 0
