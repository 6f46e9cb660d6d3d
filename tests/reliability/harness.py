"""The reliability tests' harness: the real gunicorn (``gunicorn.conf.py``, as in production)
on loopback against a fresh database, rows seeded in this process through the app's own models,
members driven over HTTP, raw sockets for slow or oversized bodies.

The gunicorn helpers and the HTTP client are the benchmarks' (``bench/common.py``).
"""

from __future__ import annotations

import random
import re
import secrets
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.common import (
    BenchError,
    Client,
    bench_env,
    free_port,
    migrate,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_healthy,
)
from community import create_app
from community.accounts.models import User
from community.config import TestConfig
from community.extensions import db
from community.forums import admin
from community.forums import service as forums
from community.forums.models import ForumCategory, Post, Topic
from community.ideas import service as ideas
from community.ideas.models import Idea, Vote
from community.timeutil import utcnow
from tests.conftest import GOOD_PASSWORD, dispose, make_user

HOST = "127.0.0.1"
# Environment variables that would change what gunicorn.conf.py or the app decide.
_NOT_INHERITED = ("REDIS_URL", "MAIL_SERVER", "COMPANY_DOMAINS", "GUNICORN_CMD_ARGS",
                  "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "MAX_CONTENT_LENGTH",
                  "ESTABLISHED_AFTER_DAYS", "TRENDING_EPOCH", "TRENDING_HALF_LIFE_HOURS")
OLD = timedelta(days=60)  # an established member (ESTABLISHED_AFTER_DAYS is 7)


class LiveSite:
    """gunicorn serving ``database_url``, plus an app in this process on the same database
    for seeding and for checking what was stored."""

    def __init__(self, name: str, database_url: str, workdir: Path) -> None:
        self.name, self.database_url, self.workdir = name, database_url, workdir
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        self.env = bench_env(database_url, workdir)
        for variable in _NOT_INHERITED:
            self.env.pop(variable, None)
        self.env.update(SECRET_KEY=secrets.token_hex(16), SESSION_COOKIE_SECURE="false",
                        RATELIMIT_ENABLED="false")
        self.process: subprocess.Popen | None = None
        self.app = None
        self._log_mark = 0

    # -- lifecycle --

    def start(self) -> None:
        migrate(self.env)
        self.app = create_app(TestConfig(self.database_url,
                                         OUTBOX_DIR=str(self.workdir / "outbox")))
        self.process = start_gunicorn(self.port, self.env, self.log_path)
        try:
            wait_healthy(self.base, self.process, self.log_path)
            if "Using worker: gthread" not in self.log_path.read_text(errors="replace"):
                raise BenchError(f"gunicorn.conf.py did not give gthread workers:\n"
                                 f"{tail(self.log_path)}")
        except BenchError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is not None:
            stop_gunicorn(self.process)
            self.process = None
        if self.app is not None:
            dispose(self.app)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    # -- gunicorn's log --

    def mark_log(self) -> None:
        """Later checks read the log from here on (what the current test caused)."""
        self._log_mark = self._log_size()

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def new_log(self) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(self._log_mark)
            return log.read().decode("utf-8", "replace")

    def tracebacks(self) -> list[str]:
        """The tracebacks gunicorn logged since ``mark_log`` (with their last lines)."""
        lines = self.new_log().splitlines()
        found = []
        for i, line in enumerate(lines):
            if "Traceback" in line:
                end = i + 1
                while end < len(lines) and (lines[end].startswith((" ", "\t"))
                                            or not lines[end].strip()):
                    end += 1
                block = lines[max(0, i - 1):end + 1]
                if len(block) > 20:  # the log line, then the innermost frames and the error
                    block = [*block[:2], "  ...", *block[-14:]]
                found.append("\n".join(block))
        return found

    def assert_no_traceback(self) -> None:
        found = self.tracebacks()
        assert not found, (f"gunicorn ({self.name}) logged {len(found)} traceback(s); "
                           f"the first:\n{found[0]}")

    def log_hint(self) -> str:
        found = self.tracebacks()
        return (f"\nfirst traceback in gunicorn's log:\n{found[0]}" if found
                else f"\ngunicorn's log ends with:\n{tail(self.log_path, 15)}")

    # -- clients --

    def client(self) -> Client:
        return Client(HOST, self.port, timeout=30)

    def logged_in(self, email: str) -> Client:
        client = self.client()
        client.log_in(email, GOOD_PASSWORD)
        client.freeze()
        return client

    # -- seeding, in this process --

    def members(self, tag: str, count: int, new_every: int = 0) -> list[User]:
        """Verified members ``<tag>-<n>`` with the tests' password; established (60 days old)
        except every ``new_every``-th, a day old (its vote weighs 0.5, outside trusted_score)."""
        now = utcnow()
        made = []
        for n in range(count):
            new = new_every and n % new_every == new_every - 1
            made.append(make_user(
                self.app, f"{tag.title()} {n}", f"{tag}-{n}@example.com", handle=f"{tag}-{n}",
                created_at=now - (timedelta(days=1) if new else OLD)))
        return made

    def idea(self, author_id: int, title: str) -> int:
        with self.app.app_context():
            idea = ideas.create_idea(db.session.get(User, author_id), title,
                                     "An idea for the reliability tests.", None, [],
                                     author_vote=False)
            db.session.commit()
            return idea.id

    def topic(self, author_id: int, tag: str) -> tuple[int, int]:
        """A fresh forum category holding one topic: (category id, topic id)."""
        with self.app.app_context():
            category = admin.create_category(f"Category {tag}", slug=f"cat-{tag}")
            topic = forums.create_topic(db.session.get(User, author_id), category,
                                        f"Topic for {tag}", "The opening post of the topic.")
            db.session.commit()
            return category.id, topic.id

    # -- what is stored --

    def vote_report(self, idea_ids: list[int]) -> VoteReport:
        with self.app.app_context():
            duplicates = db.session.execute(
                sa.select(Vote.idea_id, Vote.user_id, sa.func.count())
                .where(Vote.idea_id.in_(idea_ids))
                .group_by(Vote.idea_id, Vote.user_id).having(sa.func.count() > 1)).all()
            drift = {}
            for idea_id in idea_ids:
                stored, counted = (ideas.stored(db.session.get(Idea, idea_id)),
                                   ideas.counted(idea_id))
                if stored != counted:
                    drift[idea_id] = (stored, counted)
            votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote)
                                      .where(Vote.idea_id.in_(idea_ids)))
            return VoteReport([tuple(d) for d in duplicates], drift, votes)

    def votes_of(self, idea_id: int, user_id: int) -> list[int]:
        with self.app.app_context():
            return list(db.session.scalars(sa.select(Vote.importance).where(
                Vote.idea_id == idea_id, Vote.user_id == user_id)))

    def stored_counters(self, idea_id: int) -> ideas.Counters:
        with self.app.app_context():
            return ideas.stored(db.session.get(Idea, idea_id))

    def topic_report(self, category_id: int, topic_id: int) -> dict:
        with self.app.app_context():
            topic = db.session.get(Topic, topic_id)
            category = db.session.get(ForumCategory, category_id)
            numbers = list(db.session.scalars(sa.select(Post.number).where(
                Post.topic_id == topic_id).order_by(Post.number)))
            return {"numbers": numbers, "max_number": topic.max_number,
                    "reply_count": topic.reply_count, "category_posts": category.post_count,
                    "category_topics": category.topic_count}


@dataclass
class VoteReport:
    duplicates: list[tuple]
    drift: dict[int, tuple]  # idea id -> (stored, counted)
    votes: int


@dataclass
class Tally:
    """What the client threads saw: answers by status, and the errors (a traceback-free
    description each), under a lock."""

    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    acknowledged: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, expected: bool) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.acknowledged += int(expected)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    @property
    def server_errors(self) -> dict[int, int]:
        return {s: n for s, n in self.statuses.items() if s >= 500}


def run_threads(count: int, work: Callable[[int, threading.Barrier], None],
                tally: Tally, timeout: float = 120) -> None:
    """Run ``work(index, barrier)`` in ``count`` threads started together; an exception in a
    thread is recorded in the tally (the thread stops), never raised in it."""
    barrier = threading.Barrier(count, timeout=60)

    def guarded(index: int) -> None:
        try:
            work(index, barrier)
        except Exception as error:  # recorded: the test fails on it with the message
            tally.error(f"thread {index}: {type(error).__name__}: {error}")
            barrier.abort()

    threads = [threading.Thread(target=guarded, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    alive = sum(thread.is_alive() for thread in threads)
    if alive:
        tally.error(f"{alive} thread(s) still running after {timeout:.0f} s")


def vote_or_unvote(client: Client, rng: random.Random, idea_id: int, tally: Tally,
                   unvote_share: float = 0.3) -> None:
    """One random write on an idea: a vote (new, or a change of importance) or an unvote."""
    if rng.random() < unvote_share:
        path, form = f"/ideas/{idea_id}/unvote", {"csrf_token": client.token}
    else:
        form = {"csrf_token": client.token, "importance": str(rng.randint(1, 3))}
        if rng.random() < 0.3:
            form["why"] = f"Use case {rng.randint(1, 10**6)}"
        path = f"/ideas/{idea_id}/vote"
    status, location, _ = client.request("POST", path, form)
    tally.answer(status, status == 302 and f"/ideas/{idea_id}-" in location)


# --- raw sockets ------------------------------------------------------------------------------


def status_of(head: bytes) -> int | None:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(match.group(1)) if match else None


def send_raw(port: int, head: str, body_parts, timeout: float = 30) -> tuple[int | None, str]:
    """Send a request's head, then its body parts from a thread, while this thread reads the
    answer: a server that answers early (413) and closes is seen, not mistaken for a reset.
    Returns (status or None, what the sender met: "" or the error that stopped it)."""
    sock = socket.create_connection((HOST, port), timeout=timeout)
    sent: list[str] = []

    def sender() -> None:
        try:
            sock.sendall(head.encode("latin-1"))
            for part in body_parts:
                sock.sendall(part)
            sent.append("")
        except OSError as error:  # the server closed the connection: it answered or refused
            sent.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=sender, daemon=True)
    try:
        thread.start()
        received = b""
        try:
            while b"\r\n\r\n" not in received:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError as error:
            if not received:
                return None, f"no answer: {type(error).__name__}: {error}"
        return status_of(received), sent[0] if sent else "still sending"
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        thread.join(timeout=10)


def chunked(data: bytes, size: int = 65536):
    """``data`` as HTTP/1.1 chunks, then the last (empty) chunk."""
    for start in range(0, len(data), size):
        piece = data[start:start + size]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def pieces(data: bytes, size: int = 65536):
    for start in range(0, len(data), size):
        yield data[start:start + size]
