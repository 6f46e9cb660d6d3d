"""What a lost race becomes (community/database.py), through real requests to the app.

The races are staged by views and hooks of the test's own (a StaleDataError is what SQLAlchemy
raises when a row vanished under a concurrent delete); what is checked is the app's part: run
again, but never after a commit, a clear 503 otherwise, and rate limits counted once.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm.exc import StaleDataError

from community import dbcheck
from community.database import ATTEMPTS
from community.extensions import db
from tests.conftest import dispose, file_app

EFFECTS = "test_effects"


def effects(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text(f"SELECT count(*) FROM {EFFECTS}"))


def staged(make_app, **config):
    """An app with a table for effects and a counter of how many times each view ran."""
    app = make_app(WTF_CSRF_ENABLED=False, **config)
    with app.app_context():
        db.session.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {EFFECTS} (n INTEGER)"))
        db.session.execute(sa.text(f"DELETE FROM {EFFECTS}"))
        db.session.commit()
    app.runs = 0
    return app


def write_effect() -> None:
    db.session.execute(sa.text(f"INSERT INTO {EFFECTS} (n) VALUES (1)"))


def test_a_race_lost_before_committing_is_run_again_and_saved_once(make_app):
    app = staged(make_app)

    def view():
        app.runs += 1
        write_effect()
        if app.runs == 1:
            raise StaleDataError("a concurrent delete")
        db.session.commit()
        return "saved"

    app.add_url_rule("/_stage", "stage", view, methods=["POST"])
    response = app.test_client().post("/_stage")
    assert response.status_code == 200 and app.runs == 2
    assert effects(app) == 1, "the first run's write was rolled back"


def test_a_released_savepoint_is_not_a_commit_and_the_race_is_run_again(make_app):
    app = staged(make_app)

    def view():  # as cast_vote does: a SAVEPOINT for the row, then the counters
        app.runs += 1
        with db.session.begin_nested():
            write_effect()
        if app.runs == 1:
            raise StaleDataError("lost after the savepoint")
        db.session.commit()
        return "saved"

    app.add_url_rule("/_stage", "stage", view, methods=["POST"])
    assert app.test_client().post("/_stage").status_code == 200 and app.runs == 2
    assert effects(app) == 1


def test_a_race_lost_after_a_commit_is_not_run_again(make_app):
    app = staged(make_app)

    def view():
        app.runs += 1
        write_effect()
        db.session.commit()
        raise StaleDataError("lost while reloading after the commit")

    app.add_url_rule("/_stage", "stage", view, methods=["POST"])
    response = app.test_client().post("/_stage")
    assert response.status_code == 503 and app.runs == 1
    assert effects(app) == 1, "a second run would have written it twice"
    assert "Your change was saved" in response.get_data(as_text=True)


def test_a_race_lost_every_time_gets_the_busy_page_and_saves_nothing(make_app):
    app = staged(make_app)

    def view():
        app.runs += 1
        write_effect()
        raise StaleDataError("always")

    app.add_url_rule("/_stage", "stage", view, methods=["POST"])
    response = app.test_client().post("/_stage")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "could not be saved" in response.get_data(as_text=True)
    assert app.runs == ATTEMPTS and effects(app) == 0


def test_a_race_lost_in_a_before_request_hook_is_run_again(make_app):
    app = staged(make_app)
    hooks = []

    @app.before_request
    def load_something():
        hooks.append(1)
        if len(hooks) == 1:
            raise StaleDataError("lost while loading the member")

    app.add_url_rule("/_stage", "stage", lambda: "ok", methods=["POST"])
    assert app.test_client().post("/_stage").status_code == 200
    assert len(hooks) == 2


def test_a_retried_request_is_counted_once_by_the_rate_limits(make_app):
    from community.extensions import limiter

    app = staged(make_app, RATELIMIT_ENABLED=True)

    @limiter.limit("2 per minute")
    def view():
        app.runs += 1
        if g.get("db_attempt", 1) < ATTEMPTS:
            raise StaleDataError("lost")
        return "ok"

    app.add_url_rule("/_stage", "stage", view, methods=["POST"])
    client = app.test_client()
    assert client.post("/_stage").status_code == 200 and app.runs == ATTEMPTS
    assert client.post("/_stage").status_code == 200  # the second of 2 per minute
    assert client.post("/_stage").status_code == 429


def test_the_start_up_migration_check_does_not_wait_for_a_writer(tmp_path):
    app = file_app(tmp_path / "locked.db", DATABASE_BUSY_TIMEOUT=0.2)
    with app.app_context():
        engine = db.engine
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a cron job writing while a worker starts
    try:
        assert dbcheck.current_revisions(engine) == set()  # read, not "database is locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        dispose(app)
