"""Reliability fixtures: the real gunicorn on a fresh SQLite file or PostgreSQL database, and
apps on an SQLite *file* (not only in memory) for in-process checks."""

from __future__ import annotations

import atexit
import os

import pytest

from tests.conftest import dispose, file_app
from tests.reliability.harness import LiveSite
from tests.requirements import POSTGRES_URL, postgres_database, postgres_problem, require


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    """gunicorn started from gunicorn.conf.py (2 gthread workers) on 127.0.0.1, on a fresh
    migrated database: an SQLite file in a temporary directory, or a PostgreSQL database of
    this run's own (``cercle_rel_<pid>``, dropped afterwards; required under CI=true)."""
    workdir = tmp_path_factory.mktemp(f"live-{request.param}")
    drop = None
    if request.param == "postgresql":
        require(postgres_problem() is None, postgres_problem() or "")
        url, drop = postgres_database(POSTGRES_URL, f"cercle_rel_{os.getpid()}")
        atexit.register(drop)  # also if the run is interrupted before the teardown below
    else:
        url = f"sqlite:///{workdir / 'cercle.db'}"
    site = LiveSite(request.param, url, workdir)
    try:
        site.start()
        yield site
    finally:
        site.stop()
        if drop is not None:
            drop()
            atexit.unregister(drop)


@pytest.fixture
def site(live):
    """The live site, its log read from this test on (``site.assert_no_traceback()``)."""
    live.mark_log()
    return live


@pytest.fixture(params=["sqlite-file", "sqlite", "postgresql"])
def backend(request) -> str:
    """Here in-process tests run three times: on an SQLite file (what a site uses: its
    transactions are the driver's, unlike an in-memory database's single connection), on
    in-memory SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        require(postgres_problem() is None, postgres_problem() or "")
    return request.param


@pytest.fixture
def store_app(backend, make_app, tmp_path):
    """An app on this test's fresh database: ``make_app`` (tests/conftest.py) for in-memory
    SQLite and PostgreSQL, an SQLite file with ``db.create_all()`` for "sqlite-file"."""
    if backend != "sqlite-file":
        yield make_app()
        return
    app = file_app(tmp_path / "cercle.db", OUTBOX_DIR=str(tmp_path / "outbox"))
    yield app
    dispose(app)
