"""Transactions that mean the same on SQLite and PostgreSQL, and what a lost race becomes.

SQLite. The sqlite3 module (pysqlite) opens a transaction only before an INSERT/UPDATE/DELETE,
never before a SELECT or a SAVEPOINT; so a read-modify-write was not isolated, and a ``RELEASE``
committed on its own (a vote's row landed while its counter update ran in a second
transaction). SQLAlchemy's documented recipe is applied: the driver's own transaction handling
is switched off and every transaction is opened by us, on the engine's ``begin`` event:

- ``BEGIN IMMEDIATE`` for writers: it takes SQLite's single write lock at once (waiting up to
  ``busy_timeout``), so a writer's reads and writes form one serialised unit, as a row lock
  (``SELECT … FOR UPDATE``) makes them on PostgreSQL. Every request that is not GET, HEAD or
  OPTIONS, every command and job, and any request retried after a lost race, is a writer.
- plain ``BEGIN`` (deferred) for reads, so pages are not serialised behind writers (WAL lets
  readers and the one writer run together). A GET that writes (a member's reading position)
  and meets another writer loses the race, and is retried as a writer.

Lost races, on either database: a busy SQLite, a PostgreSQL deadlock or serialisation
failure, an ORM row that vanished under a concurrent delete. ``run_retrying`` rolls back and
runs the view again (as a writer), a few times; if the database stays busy the request gets a
503 page saying nothing was saved and to try again. A database that cannot be reached at all is
a 503 too (``errors.py``), never a 500.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How many times a view runs before a lost race is answered with the "busy" page.
ATTEMPTS = 4

# PostgreSQL SQLSTATEs of a lost race: serialization_failure, deadlock_detected,
# lock_not_available.
_PG_RACES = frozenset({"40001", "40P01", "55P03"})
# SQLite messages of a busy database (another writer holds the lock past busy_timeout, or a
# deferred reader tried to write after another writer committed).
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")

T = TypeVar("T")


def is_writer() -> bool:
    """Does the current unit of work write? Requests by method (or after a lost race);
    commands and jobs always."""
    if not has_request_context():
        return True
    return request.method not in READ_METHODS or bool(g.get("db_writer"))


def init_engine(engine: sa.Engine, busy_timeout: float) -> None:
    """Per-connection settings; on SQLite, transactions opened by us (see the module doc),
    and a writer waits up to ``busy_timeout`` seconds for the write lock."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # pysqlite opens no transaction of its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL is durable against a killed process (the case
            # bench/durability.py checks); FULL also survives a power cut, at a cost per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if is_writer() else "BEGIN")


def is_lost_race(error: BaseException) -> bool:
    """A conflict with a concurrent transaction, which running the work again resolves."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in _PG_RACES:
        return True
    return isinstance(error, OperationalError) and any(
        text in str(error.orig).lower() for text in _SQLITE_BUSY)


def is_unreachable(error: BaseException) -> bool:
    """The database cannot be used at all (down, refused, disk gone): a 503, not a 500."""
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


def run_retrying(work: Callable[[], T], rollback: Callable[[], None]) -> T:
    """Run ``work``; after a lost race roll back and run it again as a writer, up to
    ATTEMPTS times in all, with a short random pause; the last lost race is raised."""
    attempt = 1
    while True:
        try:
            return work()
        except Exception as error:
            if attempt >= ATTEMPTS or not is_lost_race(error):
                raise
            rollback()
            if has_app_context():
                g.db_writer = True
            log.info("lost a race with a concurrent write (%s); attempt %d of %d",
                     type(error).__name__, attempt + 1, ATTEMPTS)
            time.sleep(random.uniform(0.005, 0.03) * attempt)
            attempt += 1
