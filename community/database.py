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
runs the request's hooks and view again (as a writer), a few times, but never once something
was committed during the attempt (a second run would write it twice); if the database stays
busy the request gets a 503 page saying whether the change was saved. A database that cannot be
reached at all is a 503 too (``errors.py``), never a 500. Work that may be skipped (a reading
position, a session's last use) runs through ``best_effort`` and gives way instead.
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
from sqlalchemy.orm import Session
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
# SQLite messages of a database file that cannot be used at all.
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")
# PostgreSQL SQLSTATEs of a server going away: admin_shutdown, crash_shutdown,
# cannot_connect_now (class 08, connection_exception, is matched as a whole).
_PG_UNAVAILABLE = frozenset({"57P01", "57P02", "57P03"})

T = TypeVar("T")


# A connection option for work known to only read outside a request (the migration check at
# start-up): a plain BEGIN, so it never waits for, nor holds, the write lock.
READ_ONLY = "cercle_read_only"


def is_writer() -> bool:
    """Does the current unit of work write? Requests by method (or after a lost race);
    commands and jobs always."""
    if not has_request_context():
        return True
    return request.method not in READ_METHODS or is_retry()


def is_retry() -> bool:
    """Is this request's work running again after a lost race? (Rate limits count it once.)"""
    return has_app_context() and g.get("db_attempt", 1) > 1


def saved_before_failing() -> bool:
    """Did this request commit something before its last lost race? (The 503 page says so.)"""
    return has_app_context() and bool(g.get("db_saved"))


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
        writer = is_writer() and not connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@sa.event.listens_for(Session, "after_commit")
def _count_commit(session: Session) -> None:
    """Count each request's commits: ``run_retrying`` must know whether an attempt wrote.
    (The event also fires when a SAVEPOINT is released, which commits nothing yet.)"""
    if has_app_context() and not session.in_nested_transaction():
        g.db_commits = g.get("db_commits", 0) + 1


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
    """The database cannot be used at all (down, refused, connection lost, file unreadable):
    a 503, not a 500. Other errors (a missing table, a full disk) are bugs or faults to log."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in str(error.orig).lower() for text in _SQLITE_UNREACHABLE)
    sqlstate = getattr(error.orig, "sqlstate", None)
    # No SQLSTATE: the client could not reach the server at all ("connection failed").
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _PG_UNAVAILABLE


def run_retrying(work: Callable[[], T], rollback: Callable[[], None]) -> T:
    """Run ``work``; after a lost race roll back and run it again as a writer, up to
    ATTEMPTS times in all, with a short random pause. The lost race is raised as it is on the
    last attempt, or when the attempt had committed (it must not write twice)."""
    while True:
        commits = g.get("db_commits", 0)
        try:
            return work()
        except Exception as error:
            attempt = g.get("db_attempt", 1)
            if not is_lost_race(error):
                raise
            if g.get("db_commits", 0) != commits:
                g.db_saved = True
                raise
            if attempt >= ATTEMPTS:
                raise
            rollback()
            g.db_attempt = attempt + 1
            log.info("lost a race with a concurrent write (%s); attempt %d of %d",
                     type(error).__name__, attempt + 1, ATTEMPTS)
            time.sleep(random.uniform(0.005, 0.03) * attempt)


def best_effort(work: Callable[[], object], rollback: Callable[[], None]) -> bool:
    """Run ``work`` (which commits); if it loses a race, roll back and go on without it.
    For writes that may wait for the next request: a reading position, a session's last use."""
    try:
        work()
    except Exception as error:
        if not is_lost_race(error):
            raise
        rollback()
        return False
    return True

