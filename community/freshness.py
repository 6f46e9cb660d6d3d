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

import logging
import mmap
import os
import re
import zlib
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

log = logging.getLogger(__name__)

SLOTS = 4096
WIDTH = 8
_EXTENSION = "cercle.freshness"
_WRITTEN = "cercle_written"  # tables written in the connection's open transaction
_COMMITTED = "cercle_committed"  # tables written by its committed transaction, not yet stamped

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)'
    r'\s+"?(\w+)"?', re.IGNORECASE)
_TRUNCATE = re.compile(r"^\s*TRUNCATE\s+(?:TABLE\s+)?(.+?)(?:\s+RESTART|\s+CASCADE|$)",
                       re.IGNORECASE | re.DOTALL)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?', re.IGNORECASE)
_SET = re.compile(r"\bSET\s+(.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r'"?(\w+)"?\s*=')

# Columns whose updates no cached page shows: a member's and a session's last use (written at
# most hourly, and read only by the member's own pages).
QUIET_COLUMNS = {
    "users": frozenset({"last_seen_at", "previous_visit_at"}),
    "member_sessions": frozenset({"last_seen_at"}),
}


def written_tables(statement: str) -> set[str]:
    """The tables a write statement changes (empty for reads and quiet updates)."""
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


def read_tables(statement: str) -> set[str]:
    """The tables (and subquery names) a statement reads from."""
    return {name.lower() for name in _READ.findall(statement)}


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
    """Stamps in one Redis hash: a counter per table."""

    KEY = "cercle:freshness"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def snapshot(self) -> dict[bytes, bytes]:
        return self.client.hgetall(self.KEY)

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
        pipe = self.client.pipeline(transaction=False)
        for table in tables:
            pipe.hincrby(self.KEY, table, 1)
        pipe.execute()


def stamps(app: Flask | None = None):
    """The app's stamp store (set up by ``init_engine``)."""
    return (app or current_app).extensions[_EXTENSION]


def init_engine(app: Flask, engine: sa.Engine) -> None:
    """Watch this engine's SQL: note the tables each transaction writes, replace their stamps
    once it has committed (when its connection goes back to the pool), and tell the request
    which tables it read (``track_reads``)."""
    if app.config.get("REDIS_URL"):
        store = RedisStamps(app.config["REDIS_URL"])
    else:
        store = FileStamps(Path(app.config["INSTANCE_PATH"]) / "freshness.stamps")
    app.extensions[_EXTENSION] = store

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _note(conn, _cursor, statement, _parameters, _context, _executemany):
        head = statement.lstrip()[:8].upper()
        if head.startswith(("SELECT", "WITH")):
            if has_request_context():
                reads = g.get("fresh_reads")
                if reads is not None:
                    reads.update(read_tables(statement))
            return
        tables = written_tables(statement)
        if tables:
            conn.info.setdefault(_WRITTEN, set()).update(tables)

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


def track_reads() -> set[str]:
    """From now on in this request, collect the tables its SQL reads (returned set)."""
    reads: set[str] = set()
    g.fresh_reads = reads
    return reads


def depends_on(*tables: str) -> None:
    """Declare that this request's output depends on these tables although it did not read
    them through SQL (a memo kept in memory)."""
    reads = g.get("fresh_reads") if has_request_context() else None
    if reads is not None:
        reads.update(tables)
