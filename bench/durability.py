"""Durability: kill -9 under load. Acknowledged votes must survive, counters must stay exact.

    .venv/bin/python bench/durability.py [--duration 30] [--kills 3]
    .venv/bin/python bench/durability.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/cercle_durability

Makes a directory under bench/out/ (gitignored) holding the SQLite database (unless
--database-url names a PostgreSQL one), the instance directory and gunicorn's log; migrates it
(``flask db upgrade``); seeds verified members (most established, some new) and open ideas in
this process with the app's models; starts gunicorn with the production settings
(``gunicorn -c gunicorn.conf.py``, 2 gthread workers) on a free loopback port. Client threads,
each owning its own members (so every (member, idea) pair sees one request at a time, in
order), then vote, change the importance of their votes and unvote through the real forms,
recording every request and whether it was ACKNOWLEDGED (a 302 back to the idea). Meanwhile
the gunicorn master and its workers are killed with SIGKILL ``--kills`` times, each time
restarted at once. At the end (gunicorn stopped gracefully, nothing in flight):

- **lost writes**: for each (member, idea) pair whose last request was acknowledged (no
  request without an answer after it, whose fate is unknown), the stored vote must be what that
  request left: present with its importance after a vote, absent after an unvote;
- **counter mismatches**: ideas whose stored counters differ from a recount of their votes
  (``community.ideas.service.counted``).

Prints the figures; exits 1 if either is not 0 (2 if it could not run). See
docs/BENCHMARKS.md, "Durability: kill -9 under load".
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    VENV_BIN,
    BenchError,
    Client,
    NotSent,
    bench_env,
    free_port,
    kill_gunicorn,
    log_problems,
    migrate,
    sqlite_url,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
    warn_log_problems,
)

OUT = ROOT / "bench" / "out"
PASSWORD = "durable otter canoe harbour"
UNVOTE_SHARE = 0.3
REQUEST_TIMEOUT = 40  # above gunicorn's own 30 s: an answer, if any, arrives before


@dataclass
class Attempt:
    """One request on a (member, idea) pair, as the client saw it."""

    kind: str  # "vote" or "unvote"
    importance: int | None
    acknowledged: bool
    outcome: str  # the status, or the error that took the answer away


@dataclass
class Load:
    """What the client threads did (each thread writes only its own pairs' histories)."""

    history: dict[tuple[int, int], list[Attempt]] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    refused: int = 0  # connections refused while gunicorn was down: never sent
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- databases ---------------------------------------------------------------------------------


def prepare_postgres(url: str) -> bool:
    """Create the database of ``url`` if missing (True if created here); refuse one that
    already holds tables (the bench needs a fresh schema)."""
    import sqlalchemy as sa

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"unexpected database name {name!r} in --database-url")
    admin = sa.create_engine(urllib.parse.urlunsplit(parts._replace(path="/postgres")),
                             isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                       {"n": name})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
                return True
    except sa.exc.SQLAlchemyError as error:
        raise BenchError(f"PostgreSQL is not usable: {error}") from error
    finally:
        admin.dispose()
    engine = sa.create_engine(url)
    try:
        tables = sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BenchError(f"database {name} already holds {len(tables)} tables: give a fresh "
                         f"or missing one (DROP DATABASE {name};)")
    return False


def drop_postgres(url: str) -> None:
    import sqlalchemy as sa

    parts = urllib.parse.urlsplit(url)
    admin = sa.create_engine(urllib.parse.urlunsplit(parts._replace(path="/postgres")),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(
            f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)'))
    admin.dispose()


def app_for(url: str, workdir: Path):
    from community import create_app
    from community.config import Config

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.INSTANCE_PATH = str(workdir.resolve())
    return create_app(config)


def seed(url: str, workdir: Path, members: int, ideas: int) -> tuple[list[str], list[int]]:
    """Verified members (every fourth a day old: its vote weighs 0.5 and stays out of
    trusted_score; the others 60 days old) and open ideas; (e-mails, idea ids)."""
    from community.accounts.models import User
    from community.accounts.passwords import hash_password
    from community.extensions import db
    from community.ideas import service
    from community.timeutil import utcnow

    app = app_for(url, workdir)
    password_hash = hash_password(PASSWORD)
    now = utcnow()
    emails = []
    with app.app_context():
        users = []
        for n in range(members):
            email = f"durable-{n:03d}@example.test"
            users.append(User(
                handle=f"durable-{n:03d}", display_name=f"Durable {n}", email=email,
                email_normalized=email, email_verified_at=now - timedelta(days=59),
                password_hash=password_hash,
                created_at=now - timedelta(days=1 if n % 4 == 3 else 60)))
            emails.append(email)
        db.session.add_all(users)
        db.session.flush()
        idea_ids = [service.create_idea(users[n % members], f"Durable idea {n}",
                                        "Votes on this idea must survive a crash.", None, []).id
                    for n in range(ideas)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return emails, idea_ids


# --- load --------------------------------------------------------------------------------------


def client_thread(index: int, port: int, emails: list[str], member_ids: dict[str, int],
                  idea_ids: list[int], load: Load, ready: threading.Barrier,
                  stop: threading.Event, seed: int) -> None:
    """Log in as each of ``emails`` (this thread's members only), then vote and unvote at
    random until ``stop``, one request at a time, recording each."""
    rng = random.Random(seed * 1000 + index)
    clients = {}
    try:
        for email in emails:
            client = Client("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            client.user_agent = f"cercle-durability-{index}"
            client.log_in(email, PASSWORD)
            client.freeze()  # flashed messages must not pile up in the session cookie
            clients[email] = client
    except Exception as error:  # reported, and the run fails
        with load.lock:
            load.errors.append(f"thread {index}: log-in failed: {error}")
        ready.abort()
        return
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        return
    while not stop.is_set():
        email = rng.choice(emails)
        client, idea_id = clients[email], rng.choice(idea_ids)
        if rng.random() < UNVOTE_SHARE:
            kind, importance = "unvote", None
            form = {"csrf_token": client.token}
        else:
            kind, importance = "vote", rng.randint(1, 3)
            form = {"csrf_token": client.token, "importance": str(importance)}
        try:
            status, location, _ = client.request("POST", f"/ideas/{idea_id}/{kind}", form)
        except NotSent:  # gunicorn is down: nothing was sent, nothing can have happened
            with load.lock:
                load.refused += 1
            time.sleep(0.05)
            continue
        except (OSError, http.client.HTTPException) as error:
            acknowledged, outcome = False, f"no answer ({type(error).__name__})"
        else:
            acknowledged = status == 302 and f"/ideas/{idea_id}-" in location
            outcome = str(status) if status != 302 or acknowledged else "302 elsewhere"
        pair = (member_ids[email], idea_id)
        with load.lock:
            load.history.setdefault(pair, []).append(
                Attempt(kind, importance, acknowledged, outcome))
            load.outcomes[outcome] += 1
        if not acknowledged:
            time.sleep(0.05)


# --- checks ------------------------------------------------------------------------------------


def check(url: str, workdir: Path, load: Load, idea_ids: list[int]) -> dict:
    import sqlalchemy as sa

    from community.extensions import db
    from community.ideas import service
    from community.ideas.models import Idea, Vote

    app = app_for(url, workdir)
    with app.app_context():
        stored = {(user_id, idea_id): importance for user_id, idea_id, importance in
                  db.session.execute(sa.select(Vote.user_id, Vote.idea_id, Vote.importance))}
        duplicates = db.session.scalar(sa.select(sa.func.count()).select_from(
            sa.select(Vote.idea_id, Vote.user_id).group_by(Vote.idea_id, Vote.user_id)
            .having(sa.func.count() > 1).subquery()))
        mismatches = [idea_id for idea_id in idea_ids
                      if service.stored(db.session.get(Idea, idea_id))
                      != service.counted(idea_id)]
        db.session.remove()
        db.engine.dispose()

    checked = uncertain = never = 0
    lost: list[str] = []
    for pair, attempts in sorted(load.history.items()):
        acked = [i for i, attempt in enumerate(attempts) if attempt.acknowledged]
        if not acked:
            never += 1
            continue
        if acked[-1] != len(attempts) - 1:  # a request after it whose fate is unknown
            uncertain += 1
            continue
        checked += 1
        last = attempts[acked[-1]]
        expected = last.importance if last.kind == "vote" else None
        if stored.get(pair) != expected:
            lost.append(f"member {pair[0]}, idea {pair[1]}: last acknowledged {last.kind}"
                        f"{f' ({last.importance})' if last.importance else ''}, stored "
                        f"{stored.get(pair) or 'no vote'}")
    return {"checked": checked, "uncertain": uncertain, "never": never, "lost": lost,
            "mismatches": mismatches, "duplicates": duplicates,
            "acknowledged": sum(a.acknowledged for h in load.history.values() for a in h)}


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (5-600)")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs during the load")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--members", type=int, default=24, help="members (shared by threads)")
    parser.add_argument("--ideas", type=int, default=6, help="ideas voted on")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL database (created if missing, must hold no table; "
                             "dropped afterwards if created here); default: SQLite in bench/out")
    parser.add_argument("--keep", action="store_true",
                        help="keep a PostgreSQL database this run created")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 5 <= args.duration <= 600:
        parser.error("--duration must be between 5 and 600 seconds")
    if not 0 <= args.kills <= 20 or not 1 <= args.threads <= 64:
        parser.error("--kills must be 0-20 and --threads 1-64")
    if not args.threads <= args.members <= 10_000 or not 1 <= args.ideas <= 1000:
        parser.error("--members must be at least --threads (and at most 10,000), --ideas 1-1000")
    for tool in ("gunicorn", "flask"):
        if not (VENV_BIN / tool).exists():
            print(f"{VENV_BIN / tool} is missing: `.venv/bin/pip install -e '.[prod]'` first",
                  file=sys.stderr)
            return 2

    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"durability-{datetime.now():%Y%m%d-%H%M%S}-",
                                    dir=OUT))
    postgres = bool(args.database_url)
    url = args.database_url or sqlite_url(workdir / "durability.db")
    if postgres and not url.startswith("postgresql"):
        parser.error("--database-url must be a postgresql:// or postgresql+psycopg:// URL")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    env = bench_env(url, workdir)
    env.update(RATELIMIT_ENABLED="false",  # every member logs in from one address
               SESSION_COOKIE_SECURE="false")
    for variable in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        env.pop(variable, None)  # gunicorn.conf.py as it ships
    # community.config reads the environment at import: set it before importing the app.
    os.environ.update(env)
    log_path = workdir / "gunicorn.log"
    database = "PostgreSQL" if postgres else "SQLite"
    print(f"Working in {workdir.relative_to(ROOT)} ({database})", flush=True)

    created = False
    try:
        if postgres:
            created = prepare_postgres(url)
        migrate(env)
        emails, idea_ids = seed(url, workdir, args.members, args.ideas)
        member_ids = member_ids_of(url, workdir, emails)
    except (BenchError, OSError) as error:
        print(f"could not prepare the database: {error}", file=sys.stderr)
        return 2

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load, stop = Load(), threading.Event()
    ready = threading.Barrier(args.threads + 1, timeout=120)
    rng = random.Random(args.seed)
    kills: list[tuple[float, float]] = []  # (seconds into the load, seconds until healthy)
    process = start_gunicorn(port, env, log_path)
    threads = []
    status = 2
    try:
        wait_healthy(base, process, log_path)
        print(f"gunicorn (gunicorn.conf.py) is up on {base}; {args.threads} client threads, "
              f"{args.members} members, {args.ideas} ideas, {args.duration:.0f} s, "
              f"{args.kills} kills", flush=True)
        for index in range(args.threads):
            own = emails[index::args.threads]
            thread = threading.Thread(
                target=client_thread,
                args=(index, port, own, member_ids, idea_ids, load, ready, stop, args.seed),
                daemon=True)
            thread.start()
            threads.append(thread)
        ready.wait()  # every member logged in
        started = time.monotonic()
        gap = args.duration / (args.kills + 1)
        for k in range(args.kills):
            at = gap * (k + 1) + rng.uniform(-0.2, 0.2) * gap
            time.sleep(max(0.0, started + at - time.monotonic()))
            killed = time.monotonic()
            kill_gunicorn(process)
            process = start_gunicorn(port, env, log_path)
            wait_healthy(base, process, log_path, timeout=60)
            kills.append((killed - started, time.monotonic() - killed))
            print(f"kill -9 #{k + 1} at {killed - started:.1f} s: back up after "
                  f"{kills[-1][1]:.1f} s", flush=True)
        time.sleep(max(0.0, started + args.duration - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        stop_gunicorn(process)  # graceful: whatever was in flight is answered first
        if load.errors:
            raise BenchError("a client thread failed")
        result = check(url, workdir, load, idea_ids)
        status = 1 if result["lost"] or result["mismatches"] or result["duplicates"] else 0
    except (BenchError, OSError, threading.BrokenBarrierError) as error:
        print(f"benchmark failed: {error or type(error).__name__}", file=sys.stderr)
        for line in load.errors[:5]:
            print(f"  {line}", file=sys.stderr)
        return 2
    finally:
        stop.set()
        stop_gunicorn(process)
        if created and not args.keep:
            drop_postgres(url)

    answered = {k: v for k, v in load.outcomes.items() if not k.startswith("no answer")}
    unanswered = sum(v for k, v in load.outcomes.items() if k.startswith("no answer"))
    print()
    print(f"Durability, {database}: {args.threads} client threads, {args.members} members, "
          f"{args.ideas} ideas, {args.duration:.0f} s of load, {len(kills)} x kill -9 "
          "(master and workers) and restart")
    for n, (at, down) in enumerate(kills, 1):
        print(f"  kill {n} at {at:.1f} s, healthy again after {down:.1f} s")
    print(f"requests answered: {sum(answered.values())} "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(answered.items()))}); "
          f"without an answer (killed in flight): {unanswered}; refused while down: "
          f"{load.refused}")
    print(f"acknowledged writes: {result['acknowledged']}")
    print(f"(member, idea) pairs checked: {result['checked']} (uncertain: {result['uncertain']}"
          f", a request without an answer after the last acknowledged one; never acknowledged: "
          f"{result['never']})")
    print(f"lost writes: {len(result['lost'])}")
    for line in result["lost"][:10]:
        print(f"  {line}")
    print(f"counter mismatches: {len(result['mismatches'])} of {args.ideas} ideas"
          + (f" (ideas {result['mismatches']})" if result["mismatches"] else ""))
    if result["duplicates"]:
        print(f"duplicate (idea, member) votes: {result['duplicates']}")
    warn_log_problems(log_path, log_problems(log_path))
    print("verdict: " + ("OK" if status == 0 else "FAILED"))
    return status


def member_ids_of(url: str, workdir: Path, emails: list[str]) -> dict[str, int]:
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db

    app = app_for(url, workdir)
    with app.app_context():
        ids = dict(db.session.execute(sa.select(User.email, User.id).where(
            User.email.in_(emails))).all())
        db.session.remove()
        db.engine.dispose()
    return ids


if __name__ == "__main__":
    sys.exit(main())
