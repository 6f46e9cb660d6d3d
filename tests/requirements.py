"""Optional parts of the suite: PostgreSQL, Redis, Chromium.

Outside CI a missing part is skipped with a message saying what is missing; with CI=true the
same message fails the run, because there every part is required.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from functools import cache

import pytest
import sqlalchemy as sa

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(available: bool, message: str) -> None:
    """Skip (or, under CI, fail) the current test when a required part is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {message}", pytrace=False)
    pytest.skip(message)


@cache
def postgres_problem() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means "not available"; the message says which
        return (f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:160]}); start it or set TEST_DATABASE_URL")
    return None


@cache
def redis_problem() -> str | None:
    host, port = "127.0.0.1", 6379
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return f"Redis at {host}:{port} did not answer PING"
    except OSError as error:
        return f"Redis is not reachable at {host}:{port} ({error}); start redis-server"
    return None


@cache
def chromium_problem() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return (f"Chromium is not installed at {CHROMIUM}; install Debian's package: "
                "apt-get install -y chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is missing; run the README's test command"
    return None


def postgres_database(admin_url: str, name: str) -> tuple[str, Callable[[], None]]:
    """Create the database ``name`` afresh on the server of ``admin_url``; (its URL, a
    function that drops it)."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()

    return admin_url.rsplit("/", 1)[0] + f"/{name}", drop
