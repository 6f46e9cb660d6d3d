"""The visitors' page cache: the HTML of a public page, rendered once for every visitor.

Visitors (no session cookie, no remember cookie) all see the same page for the same address
and language, as Discourse serves its anonymous visitors. The first visitor's page is kept,
keyed by scheme, host, path, query string and language, with the stamps (``freshness.py``)
of every table the request read, taken before it read them. The next visitor gets the kept
copy while none of those tables has been written since, and while it is younger than
``PAGE_CACHE_SECONDS`` (relative dates, "3 minutes ago", age with it). A reply, a vote, a
status change, a moderation decision: each writes a table the page read, so the next visitor
gets a fresh page. Nothing needs to say so; the database layer replaces the stamps.

Only what every visitor would get is kept: a GET answered 200 with HTML, that set no cookie,
left the session empty and did not ask for ``private``/``no-store``. Members' pages are never
kept, and never served from here (a request with a session or remember cookie bypasses the
cache); a restricted page answers visitors 403/404 or a log-in redirect, never kept either.

Where copies live: in Redis with ``REDIS_URL`` (shared by every worker), else in each
process (a bounded LRU). A Redis outage means no cache, never an error page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request, session

from community import freshness
from community.i18n import LANG_COOKIE

log = logging.getLogger(__name__)

_EXTENSION = "cercle.pagecache"
HEADER = "X-Cercle-Cache"
# Headers of the first answer not replayed: per-response or per-client ones.
_NOT_KEPT = frozenset({"set-cookie", "content-length", "date", "vary", "retry-after",
                       "cache-control",
                       "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                       HEADER.lower()})


class Entry:
    __slots__ = ("body", "headers", "stamps", "born")

    def __init__(self, body: bytes, headers: list[tuple[str, str]], stamps: dict, born: float):
        self.body, self.headers, self.stamps, self.born = body, headers, stamps, born


class MemoryStore:
    """A bounded LRU of entries, per process."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry, _ttl: float) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


class RedisStore:
    """Entries in Redis (a hash per page: body and meta), expiring with their age limit."""

    PREFIX = "cercle:page:"

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def _key(self, key: str) -> str:
        return self.PREFIX + hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> Entry | None:
        found = self.client.hmget(self._key(key), ["body", "meta"])
        if not found[0] or not found[1]:
            return None
        meta = json.loads(found[1])
        stamps = {table: value.encode("latin-1") for table, value in meta["stamps"].items()}
        return Entry(found[0], [tuple(h) for h in meta["headers"]], stamps, meta["born"])

    def put(self, key: str, entry: Entry, ttl: float) -> None:
        meta = json.dumps({"headers": entry.headers, "born": entry.born,
                           "stamps": {t: v.decode("latin-1") for t, v in entry.stamps.items()}})
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key(key), mapping={"body": entry.body, "meta": meta})
        pipe.expire(self._key(key), max(1, int(ttl) + 1))
        pipe.execute()

    def drop(self, key: str) -> None:
        self.client.delete(self._key(key))


def init_app(app: Flask) -> None:
    """Look pages up before the views run (after the rate limits), keep them after."""
    if app.config.get("REDIS_URL"):
        app.extensions[_EXTENSION] = RedisStore(app.config["REDIS_URL"])
    else:
        app.extensions[_EXTENSION] = MemoryStore(app.config["PAGE_CACHE_ENTRIES"])
    app.before_request(serve_kept)


def _visitor() -> bool:
    cookies = request.cookies
    return (current_app.config["SESSION_COOKIE_NAME"] not in cookies
            and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
            and "Authorization" not in request.headers)


def _key() -> str:
    # A visitor's language, as i18n.select_locale chooses it (a visitor has no member's choice).
    languages = current_app.config["LANGUAGES"]
    language = request.cookies.get(LANG_COOKIE)
    if language not in languages:
        language = (request.accept_languages.best_match(languages)
                    or current_app.config["BABEL_DEFAULT_LOCALE"])
    return "|".join((request.scheme, request.host, request.full_path, language))


def serve_kept() -> Response | None:
    """A visitor's GET: the kept page if it is still fresh; else note what to keep."""
    config = current_app.config
    if (not config["PAGE_CACHE"] or request.method not in ("GET", "HEAD") or not _visitor()
            or request.endpoint is None or request.endpoint == "static"):
        return None
    store = current_app.extensions[_EXTENSION]
    stamps = freshness.stamps()
    key = _key()
    try:
        entry = store.get(key)
        if entry is not None and time.time() - entry.born < config["PAGE_CACHE_SECONDS"]:
            now = stamps.current(entry.stamps)
            if all(now[table] == stamp for table, stamp in entry.stamps.items()):
                response = Response(entry.body, 200, entry.headers)
                response.headers[HEADER] = "hit"
                return _for_visitors(response)
    except Exception:  # Redis away: serve the page as if there were no cache
        log.warning("page cache unavailable", exc_info=True)
        return None
    snapshot = freshness.snapshot()  # before the request's first read
    if snapshot is not None:
        g.page_to_keep = (key, snapshot, freshness.track_reads())
    return None


def _for_visitors(response: Response) -> Response:
    """A kept page is every visitor's, never a member's: no shared cache (a proxy, a CDN) may
    keep it, since it cannot tell a visitor from a member or one language from another."""
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def keep(response: Response) -> Response:
    """After the response is complete (cookies included): keep it if every visitor would
    get the same. Called by the app's ``process_response``."""
    pending = g.pop("page_to_keep", None)
    if pending is None:
        return response
    key, snapshot, reads = pending
    config = current_app.config
    cache_control = response.headers.get("Cache-Control", "")
    if (request.method != "GET" or response.status_code != 200
            or response.mimetype != "text/html" or response.is_streamed
            or "Set-Cookie" in response.headers or session.modified or session
            or "private" in cache_control or "no-store" in cache_control
            or not freshness.tracking(reads)):
        return response
    body = response.get_data()
    if len(body) > config["PAGE_CACHE_MAX_BYTES"]:
        return response
    stamps = freshness.stamps()
    depends = {*reads, freshness.EPOCH}
    entry = Entry(body, [(name, value) for name, value in response.headers.items()
                         if name.lower() not in _NOT_KEPT],
                  {table: stamps.of(snapshot, table) for table in sorted(depends)}, time.time())
    try:
        current_app.extensions[_EXTENSION].put(key, entry, config["PAGE_CACHE_SECONDS"])
    except Exception:
        log.warning("page cache unavailable", exc_info=True)
        return response
    response.headers[HEADER] = "miss"
    return _for_visitors(response)
