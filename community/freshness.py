"""Which tables changed: one stamp per table, replaced after every commit that wrote it.

Anything kept for reuse (the visitors' page cache, ``pagecache.py``; a memo of rows) notes the
stamps of the tables it was built from, taken *before* it read them, and is still good while
those stamps are unchanged. Stamps are replaced by the database layer itself, from the SQL
the engine runs: every committed INSERT, UPDATE, DELETE or TRUNCATE replaces the stamps of
the tables it names, after the commit. No service has to remember to invalidate anything,
and a write that is rolled back replaces nothing.

Where stamps live:

- with ``REDIS_URL``, in one Redis hash (``HINCRBY``), shared by every worker and machine;
- otherwise in a small file under the instance folder, mapped in memory
  (``instance/freshness.stamps``): 4,096 slots of 8 bytes, a table's slot chosen by a hash of
  its name; a commit writes 8 fresh random bytes in each slot it touched. Every process of
  one machine (gunicorn's workers) sees the same slots. Two tables sharing a slot only make
  each other's copies expire sooner. No read-modify-write, so no lock: a reader compares
  bytes, and any write after its snapshot has changed them.

A few writes change nothing a page shows and would otherwise expire copies for nothing: a
member's hourly "last seen" moments (``QUIET_COLUMNS``).
"""

from __future__ import annotations

import functools
import logging
import mmap
import os
import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOTS = 4096
WIDTH = 8
EPOCH = "__epoch__"  # a pseudo-table every kept thing depends on (RedisStamps)
_EXTENSION = "cercle.freshness"
_WRITTEN = "cercle_written"  # tables written in the connection's open transaction
_COMMITTED = "cercle_committed"  # tables written by its committed transaction, not yet stamped

_WRITE_ANYWHERE = re.compile(
    r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)'
    r'\s+"?(\w+)"?', re.IGNORECASE)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\s+(?:TABLE\s+)?(.+?)(?:\s+RESTART|\s+CASCADE|$)",
                       re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_SET = re.compile(r"\bSET\s+(.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r'"?(\w+)"?\s*=')

# Columns whose updates no cached page shows: a member's and a session's last use (written at
# most hourly, and read only by the member's own pages).
QUIET_COLUMNS = {
    "users": frozenset({"last_seen_at", "previous_visit_at"}),
    "member_sessions": frozenset({"last_seen_at"}),
}


# Tables written by the database itself, not by a statement that names them (SQLite's full-text
# index follows the search documents through triggers).
TRIGGERED = {"search_documents": frozenset({"search_fts"})}


def written_tables(statement: str) -> set[str]:
    """The tables a write statement changes (empty for reads and quiet updates); a ``WITH``
    statement writes every table it inserts into, updates or deletes from."""
    if statement.lstrip()[:4].upper() == "WITH":
        return {name.lower() for name in _WRITE_ANYWHERE.findall(statement)}
    match = _WRITE.match(statement)
    if match:
        table = match.group(1).lower()
        quiet = QUIET_COLUMNS.get(table)
        if quiet and statement.lstrip()[:6].upper() == "UPDATE":
            assigned = _SET.search(statement)
            if assigned and set(_COLUMN.findall(assigned.group(1))) <= quiet:
                return set()
        return {table}
    match = _TRUNCATE.match(statement)
    if match:
        return {name.strip(' "').lower() for name in match.group(1).split(",") if name.strip()}
    return set()


@functools.lru_cache(maxsize=4096)
def read_tables(statement: str, known: frozenset[str]) -> frozenset[str]:
    """The tables a statement may read: every known table it names, wherever (FROM, JOIN, a
    comma join, a subquery). A column that shares a table's name only adds a dependency,
    which is safe: a kept copy then expires a little more often."""
    return known.intersection(_WORD.findall(statement.lower()))


class FileStamps:
    """Stamps in a memory-mapped file, shared by the processes of one machine."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        size = SLOTS * WIDTH
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            self._map = mmap.mmap(fd, size)
        finally:
            os.close(fd)

    @staticmethod
    def _slot(table: str) -> int:
        return (zlib.crc32(table.encode()) % SLOTS) * WIDTH

    def snapshot(self) -> bytes:
        return self._map[:]

    @classmethod
    def of(cls, snapshot: bytes, table: str) -> bytes:
        at = cls._slot(table)
        return snapshot[at:at + WIDTH]

    def current(self, tables) -> dict[str, bytes]:
        return {table: self._map[self._slot(table):self._slot(table) + WIDTH] for table in tables}

    def bump(self, tables) -> None:
        for table in tables:
            at = self._slot(table)
            self._map[at:at + WIDTH] = os.urandom(WIDTH)


class RedisStamps:
    """Stamps in one Redis hash: 8 random bytes per table, as in the file, and an epoch. A
    hash lost (a Redis restarted without persistence, an eviction) starts a new epoch, which
    every kept copy depends on: nothing kept before the loss is served after it."""

    KEY = "cercle:freshness"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def snapshot(self) -> dict[bytes, bytes]:
        found = self.client.hgetall(self.KEY)
        if EPOCH.encode() not in found:
            self.client.hsetnx(self.KEY, EPOCH, os.urandom(WIDTH))
            found = self.client.hgetall(self.KEY)
        return found

    @staticmethod
    def of(snapshot: dict[bytes, bytes], table: str) -> bytes:
        return snapshot.get(table.encode(), b"0")

    def current(self, tables) -> dict[str, bytes]:
        tables = list(tables)
        if not tables:
            return {}
        values = self.client.hmget(self.KEY, tables)
        return {table: value or b"0" for table, value in zip(tables, values, strict=True)}

    def bump(self, tables) -> None:
        self.client.hset(self.KEY, mapping={table: os.urandom(WIDTH) for table in tables})


def stamps(app: Flask | None = None):
    """The app's stamp store (set up by ``init_engine``)."""
    return (app or current_app).extensions[_EXTENSION]


def init_engine(app: Flask, engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Watch this engine's SQL: note the tables each transaction writes, replace their stamps
    once it has committed (when its connection goes back to the pool), and tell the request
    which of the app's tables (``metadata``) it read (``track_reads``)."""
    if app.config.get("REDIS_URL"):
        store = RedisStamps(app.config["REDIS_URL"])
    else:
        store = FileStamps(Path(app.config["INSTANCE_PATH"]) / "freshness.stamps")
    app.extensions[_EXTENSION] = store
    known: list[frozenset[str]] = [frozenset()]

    def known_tables() -> frozenset[str]:
        # The domains' models are imported after the engine is set up: read them on use.
        if len(known[0]) != len(metadata.tables):
            known[0] = frozenset(name.lower() for name in metadata.tables)
        return known[0]

    cascades: dict[str, frozenset[str]] = {}
    cascades_of: list[int] = [-1]  # how many tables the map was worked out from

    def affected(tables: set[str], deleting: bool) -> set[str]:
        """The tables a write changes, with those the database changes for it: triggers, and
        for a delete the rows its foreign keys delete or set to NULL (chains followed)."""
        if deleting and cascades_of[0] != len(metadata.tables):
            cascades.clear()
            cascades.update(_cascades(metadata))
            cascades_of[0] = len(metadata.tables)
        found = set(tables)
        for table in tables:
            found |= TRIGGERED.get(table, frozenset())
        if deleting:
            todo = list(found)
            while todo:
                for child in cascades.get(todo.pop(), ()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
        return found

    @sa.event.listens_for(engine, "begin")
    def _snapshot_first(_conn):
        # Before the request's first read: what a memo made in this request may carry.
        if has_request_context() and "fresh_snapshot" not in g:
            snapshot()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _note(conn, _cursor, statement, _parameters, _context, _executemany):
        tables = written_tables(statement)
        if tables:
            head = statement.lstrip()[:8].upper()
            tables = affected(tables, head.startswith(("DELETE", "TRUNCATE", "WITH")))
            conn.info.setdefault(_WRITTEN, set()).update(tables)
            return
        if has_request_context():  # every other statement may read (a UNION, a comment first)
            trackers = g.get("fresh_reads")
            if trackers:
                found = read_tables(statement, known_tables())
                for reads in trackers:
                    reads.update(found)

    @sa.event.listens_for(engine, "commit")
    def _committed(conn):
        written = conn.info.pop(_WRITTEN, None)
        if written:
            conn.info.setdefault(_COMMITTED, set()).update(written)

    @sa.event.listens_for(engine, "rollback")
    def _rolled_back(conn):
        conn.info.pop(_WRITTEN, None)

    @sa.event.listens_for(engine, "checkin")
    def _stamp(_dbapi_connection, record):
        committed = record.info.pop(_COMMITTED, None)
        record.info.pop(_WRITTEN, None)
        if committed:
            try:
                store.bump(committed)
            except Exception:  # Redis away: kept copies expire by their age instead
                log.warning("could not replace the stamps of %s", sorted(committed),
                            exc_info=True)


def _cascades(metadata: sa.MetaData) -> dict[str, frozenset[str]]:
    """For each table, the tables whose rows its deletes delete or update (ON DELETE)."""
    children: dict[str, set[str]] = {}
    for table in metadata.tables.values():
        for key in table.foreign_keys:
            if (key.ondelete or "").upper() in ("CASCADE", "SET NULL", "SET DEFAULT"):
                children.setdefault(key.column.table.name.lower(), set()).add(table.name.lower())
    return {parent: frozenset(found) for parent, found in children.items()}


def snapshot():
    """This request's stamps, taken once, before its first read (the page cache's lookup, or
    the first transaction's begin): what anything made from this request's reads may carry.
    None when the stamps cannot be read (Redis away): then nothing is kept."""
    if not has_request_context():
        try:
            return stamps().snapshot()
        except Exception:
            return None
    if "fresh_snapshot" not in g:
        try:
            g.fresh_snapshot = stamps().snapshot()
        except Exception:
            log.warning("freshness stamps unavailable", exc_info=True)
            g.fresh_snapshot = None
    return g.fresh_snapshot


def stamp_of(table: str):
    """``table``'s stamp in this request's snapshot (None: unavailable, keep nothing)."""
    taken = snapshot()
    return None if taken is None else stamps().of(taken, table)


def track_reads() -> set[str]:
    """From now on in this request, collect the tables its SQL reads (in the returned set,
    until ``stop_tracking``; trackers nest: a fragment kept inside a kept page)."""
    reads: set[str] = set()
    trackers = g.get("fresh_reads")
    if trackers is None:
        trackers = g.fresh_reads = []
    trackers.append(reads)
    return reads


def stop_tracking(reads: set[str]) -> None:
    trackers = g.get("fresh_reads") or []
    for index, tracker in enumerate(trackers):
        if tracker is reads:  # by identity: two trackers may hold the same tables
            del trackers[index]
            return


def tracking(reads: set[str]) -> bool:
    """Is this set still collecting the request's reads?"""
    return any(tracker is reads for tracker in g.get("fresh_reads") or ())


def depends_on(*tables: str) -> None:
    """Declare that this request's output depends on these tables although it did not read
    them through SQL (a memo kept in memory)."""
    for reads in (g.get("fresh_reads") or ()) if has_request_context() else ():
        reads.update(tables)


class _Kept:
    __slots__ = ("value", "stamps", "born")

    def __init__(self, value, stamps: dict, born: float) -> None:
        self.value, self.stamps, self.born = value, stamps, born


def kept(name: str, key: tuple, make: Callable[[], T], max_age: float = 300.0,
         entries: int = 64) -> T:
    """``make()``, kept per worker under ``key`` while no table it read has been written
    since (and for at most ``max_age`` seconds): a rendered fragment that most readers
    share. Only for what ``make`` reads through SQL in this request (or declares with
    ``depends_on``); the key must hold everything else that changes it (who reads, the
    language)."""
    store: OrderedDict = current_app.extensions.setdefault(f"cercle.kept.{name}",
                                                           OrderedDict())
    lock = current_app.extensions.setdefault("cercle.kept.lock", threading.Lock())
    store_of = stamps()
    taken = snapshot()
    with lock:
        found = store.get(key)
    if (found is not None and taken is not None and time.monotonic() - found.born < max_age
            and all(store_of.of(taken, t) == v for t, v in found.stamps.items())):
        depends_on(*found.stamps)
        return found.value
    reads = track_reads()
    try:
        value = make()
    finally:
        stop_tracking(reads)
    if taken is None:
        return value
    reads.add(EPOCH)
    entry = _Kept(value, {table: store_of.of(taken, table) for table in sorted(reads)},
                  time.monotonic())
    with lock:
        store[key] = entry
        store.move_to_end(key)
        while len(store) > entries:
            store.popitem(last=False)
    return value
