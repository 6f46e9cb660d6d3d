"""A short-lived cache of search results, so that a common query is ranked once per TTL.

What is cached: a page of results (the hits, their links, "has next", the per-kind counts) of
one search, for ``SEARCH_CACHE_SECONDS`` (default :data:`DEFAULT_SECONDS`, 30 s; 0 turns the
cache off). In Redis when ``REDIS_URL`` is set (shared by every worker), otherwise in each
worker's memory (an LRU of ``SEARCH_CACHE_ENTRIES`` pages, default 512).

The key holds everything that changes the answer: the query's normalized terms
(``terms.query_groups``: "Servers" and "server" share an entry), the kind tab, the scope
(category), the author, "solved", the page and its size, and **the reader's visibility
signature**: the SQL (text and parameters) of every condition ``kinds.audience`` gave this
reader, i.e. exactly what the search query filters on. Two readers share an entry only when
the database would be asked the very same thing; a reader whose conditions name their own id
or their own set of private categories (a club member, a group member) gets entries of their
own, and visitors share theirs. An entry holds no translated text (tab labels and numbers are
rendered per request), so the language is not part of the key.

Invalidation: the key also holds the search documents' freshness stamp
(``community/freshness.py``), replaced after every committed write to the index by any
worker (shared through Redis, or the instance's stamp file): a new post, a hidden one, a
topic moved to a staff-only category, an edit show in the very next search everywhere.
Besides, a transaction that removed or rewrote a document (``service.remove_document``,
``remove_topic_documents``, ``update_topic_documents``, ``index_document`` replacing one)
bumps a generation that drops this worker's older entries at once; the TTL bounds the rest.

A Redis outage degrades to no cache (a logged warning, then Redis is left alone for
:data:`RETRY_SECONDS`), never to an error page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from markupsafe import Markup

from community import freshness
from community.extensions import db
from community.search.kinds import Hit, SearchPage

DEFAULT_SECONDS = 30
DEFAULT_ENTRIES = 512
RETRY_SECONDS = 10  # after a Redis error, how long searches skip the cache
PREFIX = "cercle:search:"
FORMAT = 1  # bump when what an entry holds changes (old entries in Redis become misses)
_CHANGED = "search_cache_changed"  # session.info flag: this transaction changed documents

log = logging.getLogger(__name__)


class _Memory:
    """A bounded LRU in this process; entries expire after ``seconds``."""

    def __init__(self, seconds: int, entries: int) -> None:
        self.seconds, self.entries = seconds, max(1, entries)
        self.data: OrderedDict[str, tuple[float, int, Any]] = OrderedDict()
        self.generation = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[Any | None, int | None]:
        now = time.monotonic()
        with self.lock:
            generation = self.generation
            found = self.data.get(key)
            if found is None:
                return None, generation
            expires, stored_generation, value = found
            if expires <= now or stored_generation != generation:
                del self.data[key]
                return None, generation
            self.data.move_to_end(key)
            return value, generation

    def put(self, key: str, value: Any, generation: int) -> None:
        with self.lock:
            if generation != self.generation:
                return  # documents changed while this search ran
            self.data[key] = (time.monotonic() + self.seconds, generation, value)
            self.data.move_to_end(key)
            while len(self.data) > self.entries:
                self.data.popitem(last=False)

    def invalidate(self) -> None:
        with self.lock:
            self.generation += 1
            self.data.clear()


class _Redis:
    """Entries as JSON under ``PREFIX`` and the database's hash, with a shared generation
    counter; any Redis error makes the cache step aside for ``RETRY_SECONDS``."""

    def __init__(self, url: str, seconds: int, site: str) -> None:
        import redis

        self.errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.seconds = seconds
        self.down_until = 0.0
        self.prefix = f"{PREFIX}{site}:"  # two sites on one Redis never share an entry
        self.generation_key = self.prefix + "generation"

    def _usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def _failed(self, error: Exception) -> None:
        self.down_until = time.monotonic() + RETRY_SECONDS
        log.warning("search cache: Redis failed (%s: %s); searching without the cache for %d s",
                    type(error).__name__, error, RETRY_SECONDS)

    def get(self, key: str) -> tuple[Any | None, int | None]:
        if not self._usable():
            return None, None
        try:
            raw, generation = self.client.mget([self.prefix + key, self.generation_key])
        except self.errors as error:
            self._failed(error)
            return None, None
        generation = int(generation or 0)
        if raw is None:
            return None, generation
        try:
            entry = json.loads(raw)
            if entry["f"] != FORMAT or entry["g"] != generation:
                return None, generation
            return _decode(entry["v"]), generation
        except (ValueError, KeyError, TypeError):
            return None, generation

    def put(self, key: str, value: Any, generation: int | None) -> None:
        if generation is None or not self._usable():
            return
        entry = json.dumps({"f": FORMAT, "g": generation, "v": _encode(value)})
        try:
            self.client.set(self.prefix + key, entry, ex=self.seconds)
        except self.errors as error:
            self._failed(error)

    def invalidate(self) -> None:
        try:
            self.client.incr(self.generation_key)
        except self.errors as error:
            # The entries cannot be reached now either; they expire within the TTL.
            self._failed(error)


class _Off:
    def get(self, key: str) -> tuple[None, None]:
        return None, None

    def put(self, key: str, value: Any, generation: int | None) -> None:
        pass

    def invalidate(self) -> None:
        pass


def init_app(app: Flask) -> None:
    """Build the app's cache from its settings (``SEARCH_CACHE_SECONDS``,
    ``SEARCH_CACHE_ENTRIES``, ``REDIS_URL``)."""
    seconds = int(app.config.get("SEARCH_CACHE_SECONDS", DEFAULT_SECONDS) or 0)
    entries = int(app.config.get("SEARCH_CACHE_ENTRIES", DEFAULT_ENTRIES) or 0)
    url = app.config.get("REDIS_URL", "")
    if seconds <= 0 or entries <= 0:
        backend: Any = _Off()
    elif url:
        site = hashlib.sha256(str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).encode())
        backend = _Redis(url, seconds, site.hexdigest()[:12])
    else:
        backend = _Memory(seconds, entries)
    app.extensions["search_cache"] = backend


def _backend():
    return current_app.extensions.get("search_cache") or _Off()


def get(key: str) -> tuple[Any | None, int | None]:
    """``(value, generation)``: value None on a miss; pass the generation to :func:`put`."""
    return _backend().get(key)


def put(key: str, value: Any, generation: int | None) -> None:
    """Keep ``value`` (``(SearchPage, urls)``) unless documents changed since :func:`get`
    read ``generation``."""
    _backend().put(key, value, generation)


def invalidate() -> None:
    _backend().invalidate()


def changed() -> None:
    """Called by the service when the transaction removes or rewrites a document: the cache
    is invalidated once it commits (before, another search could store the old state)."""
    db.session.info[_CHANGED] = True


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _after_commit(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        invalidate()


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_CHANGED, None)


# --- keys ------------------------------------------------------------------------------------


def _documents_stamp() -> bytes:
    """The search documents' freshness stamp (``community/freshness.py``): replaced after any
    committed write to the index, by any worker, so a key made after a new, hidden or moved
    document differs from every key made before it. (A kept visitors' page showing these
    results depends on the index too, though a cached search reads no SQL from it.)"""
    freshness.depends_on("search_documents")
    stamp = freshness.stamp_of("search_documents")  # as found before this request's reads
    return os.urandom(8) if stamp is None else stamp  # unavailable: a key shared by none


def visibility_signature(conditions: Mapping[str, Any]) -> str:
    """What the reader may see, as the SQL the search filters on: per kind (sorted), the
    condition's compiled text and its parameters (each shared condition compiled once)."""
    dialect = db.session.get_bind().dialect
    compiled: dict[int, tuple] = {}
    parts = []
    for name in sorted(conditions):
        condition = conditions[name]
        if condition is None or condition is False:
            continue
        if condition is True:
            parts.append((name, "true"))
            continue
        if id(condition) not in compiled:
            done = condition.compile(dialect=dialect)
            compiled[id(condition)] = (str(done), sorted(
                (key, repr(value)) for key, value in done.params.items()))
        parts.append((name, compiled[id(condition)]))
    return repr(parts)


def key(*, groups, kind: str, scope: int | None, author_id: int | None,
        solved: bool | None, page: int, per_page: int, conditions: Mapping[str, Any]) -> str:
    """The entry's key: a hash of everything that changes the answer (module docstring)."""
    material = repr((FORMAT, [list(g) for g in groups], kind, scope, author_id, solved, page,
                     per_page, visibility_signature(conditions), _documents_stamp()))
    return hashlib.sha256(material.encode()).hexdigest()


# --- Redis values ----------------------------------------------------------------------------


def _encode(value) -> dict:
    results, urls = value
    return {
        "hits": [[h.kind, h.ref_id, h.topic_id, h.category_id, h.author_id, h.title,
                  str(h.snippet), h.score, h.created_at.isoformat(), h.solved]
                 for h in results.hits],
        "urls": list(urls), "page": results.page, "has_next": results.has_next,
        "searched": results.searched, "by_kind": results.by_kind, "capped": results.capped,
    }


def _decode(data: dict):
    hits = [Hit(kind=h[0], ref_id=h[1], topic_id=h[2], category_id=h[3], author_id=h[4],
                title=h[5], snippet=Markup(h[6]), score=h[7],
                created_at=datetime.fromisoformat(h[8]), solved=h[9]) for h in data["hits"]]
    results = SearchPage(hits, data["page"], data["has_next"], data["searched"],
                         by_kind=data["by_kind"], capped=data["capped"])
    return results, list(data["urls"])
