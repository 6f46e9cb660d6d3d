"""Outages over HTTP: Redis gone, the database gone or busy, a body over the limit.

Each outage is real: Redis and PostgreSQL are cut by closing a TCP forwarder between the app
and the server (tests/proxy.py), SQLite is made busy by another connection holding its write
lock. Nothing may answer 500, nothing may be half saved, and service returns on its own.
"""

from __future__ import annotations

import io
import sqlite3
import time

import pytest
import sqlalchemy as sa

from community import create_app
from community.config import TestConfig
from community.extensions import db
from community.forums import admin
from community.ideas.models import Vote
from tests.conftest import (
    GOOD_PASSWORD,
    dispose,
    file_app,
    login,
    make_user,
    postgres_run_url,
)
from tests.forums.conftest import new_topic
from tests.helpers import hidden_fields, post_form, text
from tests.ideas.factories import make_idea
from tests.proxy import Outage, free_port
from tests.requirements import (
    POSTGRES_URL,
    REDIS_URL,
    postgres_problem,
    redis_problem,
    require,
)


def vote_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Vote))


def vote(client, idea_id: int, importance: str = "3"):
    return post_form(client, f"/ideas/{idea_id}/vote", {"importance": importance, "why": ""},
                     get_url=f"/ideas/{idea_id}-dark-mode")


def member_on_an_idea(app):
    """A logged-in member's client, an idea, and the hidden fields of its vote form."""
    member = make_user(app)
    idea_id = make_idea(app, member.id)
    client = app.test_client()
    assert login(client).status_code == 302
    form = hidden_fields(text(client.get(f"/ideas/{idea_id}-dark-mode")))
    return client, idea_id, form


# --- Redis ---------------------------------------------------------------------------------

def test_redis_down_still_lets_people_in_and_limits_apply_from_memory(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5})
    make_user(app)
    assert login(app.test_client()).status_code == 302  # the owner gets in
    statuses = [login(app.test_client(), "bob@example.com", "wrong password").status_code
                for _ in range(3)]
    assert statuses == [422, 422, 429], "the limit still counts, in memory"
    signup = post_form(app.test_client(), "/signup", {
        "display_name": "Bea Lune", "email": "bea@example.org", "password": GOOD_PASSWORD})
    assert signup.status_code == 200 and "Check your inbox" in text(signup)
    reset = post_form(app.test_client(), "/reset", {"email": "alice@example.com"})
    assert reset.status_code == 302


def test_limits_return_to_redis_once_it_is_back(make_app):
    require(redis_problem() is None, redis_problem() or "")
    import redis

    server = redis.Redis.from_url(REDIS_URL)  # the test database (15), emptied here
    server.flushdb()
    outage = Outage((server.connection_pool.connection_kwargs["host"],
                     server.connection_pool.connection_kwargs["port"]))
    database = server.connection_pool.connection_kwargs["db"]
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="50 per minute",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{outage.port}/{database}",
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5,
                                              "socket_timeout": 0.5})
    try:
        outage.cut()
        assert login(app.test_client(), "x@example.com", "wrong").status_code == 422
        assert server.dbsize() == 0
        outage.restore()
        deadline = time.monotonic() + 20  # a dead store is probed after 1, 2, 4… seconds
        while not server.keys("*LIMITER*") and time.monotonic() < deadline:
            assert login(app.test_client(), "x@example.com", "wrong").status_code == 422
            time.sleep(0.3)
        assert server.keys("*LIMITER*"), "Flask-Limiter counts in Redis again"
    finally:
        outage.cut()
        server.flushdb()
        server.close()


# --- The database --------------------------------------------------------------------------

@pytest.fixture
def postgres_outage():
    """An app on the test run's PostgreSQL database, reached through a forwarder to cut."""
    require(postgres_problem() is None, postgres_problem() or "")
    url = sa.engine.make_url(postgres_run_url())
    target = sa.engine.make_url(POSTGRES_URL)
    outage = Outage((target.host or "127.0.0.1", target.port or 5432))
    app = create_app(TestConfig(url.set(host="127.0.0.1", port=outage.port)
                                .render_as_string(hide_password=False)))
    from tests.conftest import _reset_postgres

    _reset_postgres(app)
    yield app, outage
    outage.cut()
    dispose(app)


def test_database_outage_answers_503_in_the_visitors_language_then_recovers(postgres_outage):
    app, outage = postgres_outage
    client, idea_id, form = member_on_an_idea(app)

    outage.cut()
    french = client.get("/ideas", headers={"Accept-Language": "fr"})
    assert french.status_code == 503 and french.headers["Retry-After"] == "30"
    assert "temporairement indisponible" in text(french)
    posted = client.post(f"/ideas/{idea_id}/vote", data={**form, "importance": "3"})
    assert posted.status_code == 503
    assert "temporarily unavailable" in text(posted)
    assert app.test_client().get("/healthz").status_code == 503

    outage.restore()  # no restart: the pool replaces the dead connections
    assert app.test_client().get("/healthz").status_code == 200
    assert client.get("/ideas").status_code == 200
    assert vote_rows(app) == 0, "the vote sent during the outage was not half saved"
    assert vote(client, idea_id).status_code == 302
    assert vote_rows(app) == 1


@pytest.fixture
def sqlite_file_app(tmp_path):
    app = file_app(tmp_path / "cercle.db", DATABASE_BUSY_TIMEOUT=0.2)
    yield app, tmp_path / "cercle.db"
    dispose(app)


def test_sqlite_busy_writer_gets_a_clear_503_and_readers_go_on(sqlite_file_app):
    app, path = sqlite_file_app
    client, idea_id, form = member_on_an_idea(app)
    with app.app_context():
        category = admin.create_category("General", slug="general", position=1).id
        db.session.commit()
    topic_id = new_topic(app, make_user(app, "Bob Doe", "bob@example.com").id, category)
    topic_url = f"/t/{topic_id}-how-do-i-export-my-data"

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        busy = client.post(f"/ideas/{idea_id}/vote", data={**form, "importance": "3"})
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
        assert "could not be saved" in text(busy)
        assert client.get("/ideas").status_code == 200, "readers are not blocked by a writer"
        # A member's topic page also moves their reading position: it gives way, and shows.
        assert client.get(f"/t/{topic_id}").status_code in (200, 301)
        assert client.get(topic_url).status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert vote_rows(app) == 0
    assert vote(client, idea_id).status_code == 302
    assert vote_rows(app) == 1


# --- Bodies over the limit -----------------------------------------------------------------

def test_chunked_body_over_the_limit_is_refused_and_saves_nothing(app):
    client, idea_id, form = member_on_an_idea(app)
    fields = "&".join(f"{k}={v}" for k, v in {**form, "importance": "3"}.items())
    body = f"{fields}&why=".encode() + b"x" * (3 * 1024 * 1024)
    chunked = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True,
               "HTTP_TRANSFER_ENCODING": "chunked",
               "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    response = client.post(f"/ideas/{idea_id}/vote", environ_overrides=chunked)
    assert response.status_code == 413 and "too large" in text(response)
    assert vote_rows(app) == 0
    small = {**chunked, "wsgi.input": io.BytesIO(f"{fields}&why=fine".encode())}
    assert client.post(f"/ideas/{idea_id}/vote", environ_overrides=small).status_code == 302
    assert vote_rows(app) == 1
