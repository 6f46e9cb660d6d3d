"""Members' visits (core/visits.py): noted at most once an hour; a new visit after an hour or
more without a request keeps the previous one's moment; two tabs never move it twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from community.accounts.models import User
from community.core import visits
from community.extensions import db
from tests.conftest import make_user

T0 = datetime(2026, 11, 28, 9, 0)


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_a_first_visit_counts_from_a_week_ago_and_notes_the_moment(app, ctx):
    user = _fresh(make_user(app).id)
    assert visits.since(user, T0) == T0 - timedelta(days=7) and visits.is_first_visit(user)
    assert visits.note_visit(user, T0)
    db.session.commit()
    user = _fresh(user.id)
    assert (user.last_seen_at, user.previous_visit_at) == (T0, None)


def test_requests_within_the_hour_write_nothing(app, ctx):
    user = _fresh(make_user(app).id)
    visits.note_visit(user, T0)
    assert not visits.is_due(user, T0 + timedelta(minutes=59))
    assert not visits.note_visit(user, T0 + timedelta(minutes=59))
    assert user.last_seen_at == T0


def test_activity_noted_again_after_an_hour_is_the_same_visit(app, ctx):
    user = _fresh(make_user(app).id)
    visits.note_visit(user, T0)
    assert visits.note_visit(user, T0 + timedelta(minutes=90))
    db.session.commit()
    user = _fresh(user.id)
    assert user.last_seen_at == T0 + timedelta(minutes=90) and user.previous_visit_at is None


def test_two_hours_since_the_last_note_start_a_new_visit(app, ctx):
    user = _fresh(make_user(app).id)
    visits.note_visit(user, T0)
    later = T0 + timedelta(hours=5)
    assert visits.note_visit(user, later)
    db.session.commit()
    user = _fresh(user.id)
    assert (user.last_seen_at, user.previous_visit_at) == (later, T0)
    assert visits.since(user, later) == T0 and not visits.is_first_visit(user)


def test_a_second_tab_with_the_old_value_changes_nothing(app, ctx):
    user_id = make_user(app).id
    user = _fresh(user_id)
    visits.note_visit(user, T0)
    db.session.commit()
    stale = _fresh(user_id)
    db.session.expunge(stale)
    assert visits.note_visit(_fresh(user_id), T0 + timedelta(hours=3))
    db.session.commit()
    stale = db.session.merge(stale, load=False)  # the other tab still holds last_seen_at == T0
    assert not visits.note_visit(stale, T0 + timedelta(hours=3, minutes=1))
    db.session.commit()
    user = _fresh(user_id)
    assert (user.last_seen_at, user.previous_visit_at) == (T0 + timedelta(hours=3), T0)
