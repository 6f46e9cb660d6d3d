"""Ideas at scale: the list pages and casting a vote, at 10k and 100k ideas, under gunicorn.

    .venv/bin/python bench/ideas.py [--db sqlite|postgresql|both] [--ideas 100000]
        [--votes 1000000] [--members 50000] [--duration 10] [--reuse]

For each database asked for, and for two sizes (--ideas/--votes, and a tenth of them, same
members: the "cost does not grow with the number of ideas" check; --no-scale skips the small
one):

1. seeds a database with bench/ideas_seed.py (real migrations, skewed votes, consistent
   counters): an SQLite file ``bench/out/ideas-m<M>-i<I>-v<V>-s<seed>.db``, or a schema of
   that name in the PostgreSQL database of --pg-url (created if missing). With --reuse, a
   database seeded earlier with the same parameters is kept (and migrated to head) instead;
2. in this process: EXPLAINs the list query of each ranking (the statement
   ``queries.list_ideas`` really sends, captured from the engine), times ``list_ideas`` alone
   ("query ms") and the whole request through Flask's test client ("app ms": no network,
   no queue), medians of 30;
3. starts gunicorn with the production settings (gunicorn.conf.py: 2 gthread workers x 8
   threads; 127.0.0.1, a free port), waits for /healthz, checks that each list page answers
   200 with a full page whose first idea is the database's first in that order, then runs
   ``wrk -t2 -c8 --latency`` (after --warmup seconds) on ``/ideas?sort=top``,
   ``?sort=trending``, ``?sort=priorities`` and ``?sort=discussed`` (every idea tied at 0
   comments: the order rests on its tie-break);
4. at the full size only, the vote: logs in as the bench voter through /login (urllib, no
   redirects followed, cookies kept by hand), takes a CSRF token from a page, checks one vote
   by hand (302 to the idea, one row in ``votes``), then runs wrk with a Lua script
   (``vote-*.lua``, written to the run's directory) POSTing ``/ideas/<id>/vote`` over a pool of
   --vote-pool open ideas picked at random, so requests mix first votes (insert + counters)
   and changes of importance (update + counters). The script counts 302s pointing at an
   idea; the votes in the database are counted before and after, and the ideas' counters
   are recounted from the rows at the end;
5. stops gunicorn whatever happens, and prints markdown tables (small vs full size side by
   side, with the ratio), the targets (p50 under 50 ms at full size; p50 not growing with
   the number of ideas), and a note on the machine.

Everything is on the loopback interface; each run writes its logs, plans and the Lua script
under a fresh directory of bench/out/ (gitignored). See docs/BENCHMARKS.md, "Ideas at scale".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bench import ideas_seed  # noqa: E402
from bench.common import Client, bench_env, csrf_token, warn_log_problems  # noqa: E402
from bench.pages import (  # noqa: E402
    OTHER_LOAD_WARN,
    THREADS,
    WORKERS,
    WRK_CONNECTIONS,
    WRK_THREADS,
    BenchError,
    OtherLoad,
    _gunicorn_pids,
    _proc_jiffies,
    free_port,
    log_problems,
    machine_note,
    parse_wrk,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)

OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/cercle_bench_ideas"
# "discussed": the seed writes no comment, so all ideas tie at 0 and the page rests on the
# tie-break (more votes, then older) alone: the case the ideas' indexes must cover.
SORTS = ("top", "trending", "priorities", "discussed")
ORDER_COLUMN = {"top": "top_score", "trending": "trending_score", "priorities": "priority_score",
                "discussed": "comment_count"}
TARGET_P50_MS = 50.0
FLAT_RATIO = 1.5  # full-size p50 over small-size p50 above this: the cost grows
USER_AGENT = "cercle-bench-ideas"  # same for urllib and wrk: sessions are "strong"-protected
VOTABLE = ("open", "under_review", "planned", "in_progress")


@dataclass
class Size:
    members: int
    ideas: int
    votes: int
    seed: int = 1

    @property
    def name(self) -> str:
        return f"ideas-m{self.members}-i{self.ideas}-v{self.votes}-s{self.seed}"

    @property
    def label(self) -> str:
        return f"{self.ideas:,} ideas / {self.votes:,} votes"


@dataclass
class Measured:
    pages: dict[str, dict] = field(default_factory=dict)  # sort -> wrk stats
    query_ms: dict[str, float] = field(default_factory=dict)  # sort -> median list_ideas time
    app_ms: dict[str, float] = field(default_factory=dict)  # sort -> median whole request
    plans: dict[str, str] = field(default_factory=dict)
    vote: dict | None = None
    seed_note: str = ""


# --- databases -------------------------------------------------------------------------------


def sa_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def with_schema(pg_url: str, schema: str) -> str:
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}options=-csearch_path%3D{schema}"


def ensure_pg_database(pg_url: str) -> None:
    """CREATE DATABASE <the URL's database> if it does not exist yet."""
    import psycopg

    parts = urllib.parse.urlsplit(pg_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"unexpected database name {name!r} in --pg-url")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", query=""))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                      (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL ({admin}) is not usable: {error}") from error


def pg_exec(pg_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


def prepare_database(backend: str, size: Size, args, workdir: Path) -> tuple[str, str]:
    """Seed (or, with --reuse, keep) the database of this size; return (URL, note)."""
    marker = OUT / f"{size.name}.{backend}.seeded"
    schema = size.name.replace("-", "_")
    if backend == "sqlite":
        path = OUT / f"{size.name}.db"
        url = f"sqlite:///{path.resolve()}"
        reusable = args.reuse and marker.exists() and path.exists()
    else:
        ensure_pg_database(args.pg_url)
        url = with_schema(args.pg_url, schema)
        reusable = args.reuse and marker.exists()
    env = bench_env(url, workdir)
    if reusable:
        # Other engineers add migrations: bring the kept database to head (a no-op if it is).
        ideas_seed.migrate(url, workdir)
        lacking = schema_difference(url)
        ideas = scalar(url, "SELECT count(*) FROM ideas")
        if not lacking and ideas == size.ideas:
            return url, f"reused ({marker.read_text().strip()})"
        print(f"the kept {backend} database does not fit ("
              f"{'lacks ' + lacking if lacking else f'{ideas} ideas'}): seeding afresh",
              flush=True)

    marker.unlink(missing_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        target = str(path)
    else:
        pg_exec(args.pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg_exec(args.pg_url, f"CREATE SCHEMA {schema}")
        target = url
    print(f"seeding {backend} with {size.label}, {size.members:,} members ...", flush=True)
    seeded = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "ideas_seed.py"), target,
         "--members", str(size.members), "--ideas", str(size.ideas), "--votes", str(size.votes),
         "--seed", str(args.seed), "--instance", str(workdir)],
        cwd=ROOT, env=env, timeout=900, capture_output=True, text=True,
    )
    if seeded.returncode != 0:
        raise BenchError(f"seeding failed:\n{seeded.stdout}{seeded.stderr}")
    note = seeded.stdout.strip()
    print(note, flush=True)
    marker.write_text(f"{datetime.now():%Y-%m-%d %H:%M}: {note}\n")
    return url, note


def schema_difference(url: str) -> str:
    """What the models declare that the database lacks ("" if nothing): migrations here get
    edited in place while the app is young, so the revision alone does not tell."""
    import importlib
    import importlib.util

    import sqlalchemy as sa

    from community import DOMAINS
    from community.extensions import db

    for domain in DOMAINS:  # every domain's tables, as create_app's init_app calls load them
        if importlib.util.find_spec(f"{domain}.models") is not None:
            importlib.import_module(f"{domain}.models")

    engine = engine_for(url)
    try:
        inspector = sa.inspect(engine)
        lacking = []
        for table in db.metadata.sorted_tables:
            if not inspector.has_table(table.name):
                lacking.append(f"table {table.name}")
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            lacking += [f"{table.name}.{name}" for name in table.columns.keys()
                        if name not in present]
        return ", ".join(lacking)
    finally:
        engine.dispose()


def engine_for(url: str):
    import sqlalchemy as sa

    return sa.create_engine(sa_url(url))


def scalar(url: str, sql: str, **params):
    import sqlalchemy as sa

    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def first_idea(url: str, sort: str) -> int:
    column = ORDER_COLUMN[sort]
    return scalar(url, f"SELECT id FROM ideas WHERE status != 'merged' "
                       f"ORDER BY {column} DESC, vote_count DESC, created_at, id LIMIT 1")


# --- the list query, alone -------------------------------------------------------------------


_apps: dict[str, object] = {}


def app_for(url: str, workdir: Path):
    """The app on this database, in this process (for plans, timings, resets, recounts)."""
    if url not in _apps:
        os.environ.update(bench_env(url, workdir))
        from community import create_app
        from community.config import Config

        _apps[url] = create_app(Config())
    return _apps[url]


def explain_and_time(url: str, workdir: Path, runs: int = 30) -> tuple[dict, dict, dict]:
    """For each sort: the plan of the statement list_ideas sends, the median time (ms) of
    ``list_ideas`` alone (the query, the tags and categories loaded with it, the ORM), and the
    median time of the whole request through the app (Flask's test client: routing, query,
    template, no network, no queueing).

    Runs in this process, on this database, before gunicorn starts."""
    import sqlalchemy as sa

    from community.extensions import db
    from community.ideas import queries

    app = app_for(url, workdir)
    plans, times = {}, {}
    with app.app_context():
        engine = db.engine
        postgres = engine.dialect.name == "postgresql"
        limit = app.config["IDEAS_PER_PAGE"]
        for sort in SORTS:
            captured: list[tuple[str, object]] = []

            def capture(conn, cursor, statement, parameters, context, executemany,
                        captured=captured):
                captured.append((statement, parameters))

            sa.event.listen(engine, "before_cursor_execute", capture)
            try:
                queries.list_ideas(queries.Filters(sort=sort), limit=limit)
            finally:
                sa.event.remove(engine, "before_cursor_execute", capture)
            db.session.rollback()
            # The list's SELECT (not the BEGIN that opens its transaction on SQLite).
            statement, parameters = next((s, p) for s, p in captured
                                         if s.lstrip().upper().startswith("SELECT"))
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            with engine.connect() as connection:
                rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            plan = ("\n".join(r[0] for r in rows) if postgres
                    else "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows))
            plans[sort] = f"{statement}\n-- parameters: {parameters}\n{plan}"
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                queries.list_ideas(queries.Filters(sort=sort), limit=limit)
                samples.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            times[sort] = statistics.median(samples)
        client = app.test_client()
        whole = {}
        for sort in SORTS:
            samples = []
            for n in range(runs + 3):
                started = time.perf_counter()
                response = client.get(f"/ideas?sort={sort}")
                if n >= 3:  # three warm-up requests
                    samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise BenchError(f"in process, /ideas?sort={sort} answered "
                                     f"{response.status_code}")
            whole[sort] = statistics.median(samples)
        engine.dispose()  # gunicorn is about to use the database
    return plans, times, whole


# --- HTTP ------------------------------------------------------------------------------------


class Browser(Client):
    """bench.common's client, under the User-Agent wrk sends too (sessions are "strong"-
    protected: the logged-in cookie must come with the same agent)."""

    user_agent = USER_AGENT

    def __init__(self, base: str) -> None:
        address = urllib.parse.urlsplit(base)
        super().__init__(address.hostname, address.port, timeout=10)


def check_list_page(base: str, url: str, sort: str, per_page: int) -> None:
    status, _, body = Browser(base).request("GET", f"/ideas?sort={sort}")
    if status != 200:
        raise BenchError(f"GET /ideas?sort={sort} answered {status}:\n{body[:500]}")
    rows = body.count('class="idea-row"')
    if rows != per_page:
        raise BenchError(f"/ideas?sort={sort} shows {rows} ideas, not {per_page}")
    first = re.search(r'href="/ideas/(\d+)-', body)
    expected = first_idea(url, sort)
    if not first or int(first.group(1)) != expected:
        raise BenchError(f"/ideas?sort={sort}: first idea {first and first.group(1)}, "
                         f"expected {expected}")


def run_wrk(url: str, duration: int, script: Path | None = None) -> tuple[dict, str]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s",
               "--timeout", "5s", "--latency"]
    if script:
        command += ["-s", str(script)]
    result = subprocess.run(command + [url], capture_output=True, text=True,
                            timeout=duration + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout), result.stdout


# --- the vote --------------------------------------------------------------------------------

VOTE_LUA = """-- Written by bench/ideas.py: POST /ideas/<id>/vote as one logged-in member.
local ids = {%(ids)s}
local body_prefix = "csrf_token=%(token)s&importance="
threads = {}
ok, other, off_target, counter = 0, 0, 0, 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["User-Agent"] = "%(agent)s"

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(%(seed)d + tid)
end

function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  return wrk.format(nil, "/ideas/" .. id .. "/vote", nil,
                    body_prefix .. ((counter %% 3) + 1))
end

function response(status, headers, body)
  if status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    if string.find(location, "/ideas/", 1, true) then
      ok = ok + 1
    else
      off_target = off_target + 1
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("ok")
    b = b + thread:get("other")
    c = c + thread:get("off_target")
  end
  io.write(string.format("VOTES 302-to-idea=%%d other-status=%%d 302-elsewhere=%%d\\n", a, b, c))
end
"""

def reset_voter(url: str, workdir: Path) -> int:
    """Withdraw the bench voter's votes with the app's own ``service.remove_vote`` (counters
    included) and drop its follows: the vote benchmark starts from the seeded state, even on a
    reused database. The voter is put at ``ideas_seed.BENCH_LEVEL`` (no limit of votes an
    hour), which a database seeded before it was not: there, the votes of the last hour
    (withdrawn or not) made every first vote a refusal. Returns the voter's id."""
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db
    from community.ideas import service
    from community.ideas.models import Follow, Idea, Vote

    with app_for(url, workdir).app_context():
        voter = db.session.scalar(sa.select(User).where(
            User.email_normalized == ideas_seed.BENCH_EMAIL))
        if voter is None:
            raise BenchError(f"no member {ideas_seed.BENCH_EMAIL} in the database")
        voter.trust_level = max(voter.trust_level or 0, ideas_seed.BENCH_LEVEL)
        for idea in db.session.scalars(sa.select(Idea).join(Vote, Vote.idea_id == Idea.id)
                                       .where(Vote.user_id == voter.id)).all():
            service.remove_vote(voter, idea)
        db.session.execute(sa.delete(Follow).where(Follow.user_id == voter.id))
        db.session.commit()
        voter_id = voter.id
        db.engine.dispose()
    return voter_id


def recount_mismatches(url: str, workdir: Path) -> int:
    from community.extensions import db

    with app_for(url, workdir).app_context():
        try:
            return ideas_seed.recount_mismatches()
        finally:
            db.engine.dispose()


def settle(url: str, voter: int, timeout: float = 15) -> None:
    """Wait for the requests wrk left in flight to commit (wrk stops on the clock; gunicorn
    still answers what it had read), so that counts and recounts see a still database."""
    sql = "SELECT count(*) * 10 + coalesce(sum(importance), 0) FROM votes WHERE user_id = :u"
    deadline = time.monotonic() + timeout
    last = scalar(url, sql, u=voter)
    while time.monotonic() < deadline:
        time.sleep(0.7)
        now = scalar(url, sql, u=voter)
        if now == last:
            return
        last = now
    raise BenchError("votes were still landing 15 s after wrk stopped")


def bench_vote(base: str, url: str, workdir: Path, args, process, tag: str) -> dict:
    voter = reset_voter(url, workdir)
    statuses = ", ".join(f"'{s}'" for s in VOTABLE)
    engine = engine_for(url)
    try:
        import sqlalchemy as sa

        with engine.connect() as connection:
            votable = list(connection.scalars(sa.text(
                f"SELECT id FROM ideas WHERE status IN ({statuses}) ORDER BY id")))
    finally:
        engine.dispose()
    pool = random.Random(args.seed).sample(votable, min(args.vote_pool, len(votable)))

    browser = Browser(base)
    status, _, html = browser.request("GET", "/login")
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    status, location, html = browser.request("POST", "/login", {
        "csrf_token": csrf_token(html), "email": ideas_seed.BENCH_EMAIL,
        "password": ideas_seed.BENCH_PASSWORD})
    if status != 302:
        raise BenchError(f"log-in refused ({status}):\n{html[:800]}")
    status, _, html = browser.request("GET", "/ideas?sort=new")
    if status != 200 or "/logout" not in html:
        raise BenchError(f"not logged in after /login (GET /ideas answered {status})")
    token = csrf_token(html)

    # One vote by hand: a 302 to the idea, and the row in the database.
    sample = pool[0]
    status, location, html = browser.request("POST", f"/ideas/{sample}/vote",
                                             {"csrf_token": token, "importance": "2"})
    rows = scalar(url, "SELECT count(*) FROM votes WHERE user_id = :u AND idea_id = :i",
                  u=voter, i=sample)
    if status != 302 or f"/ideas/{sample}-" not in location or rows != 1:
        # A refused vote comes back to the idea too: its message says why.
        back = urllib.parse.urlsplit(location).path
        _, _, page = browser.request("GET", back) if back else (0, "", "")
        said = re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', page)
        raise BenchError(f"sample vote: {status} to {location!r}, {rows} row(s) in votes; "
                         f"the page said {said!r}")

    script = workdir / f"vote-{tag}.lua"
    script.write_text(VOTE_LUA % {
        "ids": ", ".join(map(str, pool)), "token": urllib.parse.quote(token, safe=""),
        "cookie": browser.cookie_header, "agent": USER_AGENT, "seed": args.seed})
    if args.warmup:  # real votes too: the counts below start after it
        run_wrk(base + "/", args.warmup, script)
        settle(url, voter)
    before = scalar(url, "SELECT count(*) FROM votes WHERE user_id = :u", u=voter)
    total_before = scalar(url, "SELECT count(*) FROM votes")
    with LoadBesidesUs(process.pid, not url.startswith("sqlite")) as other:
        stats, raw = run_wrk(base + "/", args.duration, script)
    stats["other_cpu"] = other.percent
    settle(url, voter)
    found = re.search(r"VOTES 302-to-idea=(\d+) other-status=(\d+) 302-elsewhere=(\d+)", raw)
    if not found:
        raise BenchError(f"the vote script printed no summary:\n{raw}")
    stats["ok"], stats["other_status"], stats["elsewhere"] = map(int, found.groups())
    after = scalar(url, "SELECT count(*) FROM votes WHERE user_id = :u", u=voter)
    total_after = scalar(url, "SELECT count(*) FROM votes")
    stats["inserted"] = after - before
    stats["updated"] = stats["ok"] - stats["inserted"]
    stats["others_votes_changed"] = (total_after - total_before) - (after - before)
    stats["pool"] = len(pool)
    stats["voter_votes"] = after
    stats["recount_mismatches"] = recount_mismatches(url, workdir)
    (workdir / f"vote-wrk-{tag}.txt").write_text(raw)
    return stats


# --- one database, one size ------------------------------------------------------------------


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (backends, WAL writer, checkpointer...)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class LoadBesidesUs(OtherLoad):
    """OtherLoad, counting a local PostgreSQL server as ours (it serves our requests)."""

    def __init__(self, master: int, postgres: bool) -> None:
        super().__init__(master)
        self.postgres = postgres

    def _sample(self):
        at, busy, own, waited = super()._sample()
        if self.postgres:
            pids = set(postgres_pids()) - set(_gunicorn_pids(self.master))
            own += sum(_proc_jiffies(pid) for pid in pids)
        return at, busy, own, waited


def page_once(target: str, args, process, postgres: bool) -> tuple[dict, str]:
    if args.warmup:
        run_wrk(target, args.warmup)
    with LoadBesidesUs(process.pid, postgres) as other:
        stats, raw = run_wrk(target, args.duration)
    stats["other_cpu"] = other.percent
    return stats, raw


def quietest(attempt, args) -> tuple[dict, str]:
    """Measure; while other processes took more than OTHER_LOAD_WARN % of the machine, measure
    again (up to --retries times) and keep the quietest attempt."""
    best = None
    for n in range(1 + args.retries):
        stats, raw = attempt()
        stats["attempts"] = n + 1
        if best is None or (stats["other_cpu"] or 0) < (best[0]["other_cpu"] or 0):
            best = (stats, raw)
        if stats["other_cpu"] is None or stats["other_cpu"] <= OTHER_LOAD_WARN:
            break
        if n < args.retries:
            print(f"    (other processes took {stats['other_cpu']:.0f} % of the machine: "
                  f"measuring again)", flush=True)
    best[0]["attempts"] = n + 1
    return best


def measure(backend: str, size: Size, args, workdir: Path, vote: bool) -> Measured:
    result = Measured()
    url, result.seed_note = prepare_database(backend, size, args, workdir)
    if not args.no_explain:
        result.plans, result.query_ms, result.app_ms = explain_and_time(url, workdir)
        text = "\n\n".join(f"== {sort}\n{plan}" for sort, plan in result.plans.items())
        (workdir / f"explain-{backend}-{size.name}.txt").write_text(text + "\n")

    env = bench_env(url, workdir)
    per_page = int(env.get("IDEAS_PER_PAGE") or 25)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = workdir / f"gunicorn-{backend}-{size.name}.log"
    process = start_gunicorn(port, env, log_path)
    try:
        wait_healthy(base, process, log_path)
        print(f"gunicorn (gunicorn.conf.py: {WORKERS} gthread workers x {THREADS} threads) "
              f"is up on {base} ({backend}, {size.label})", flush=True)
        for sort in SORTS:
            check_list_page(base, url, sort, per_page)
            target = f"{base}/ideas?sort={sort}"
            stats, raw = quietest(
                lambda target=target: page_once(target, args, process, backend != "sqlite"),
                args)
            if stats["non2xx"]:
                raise BenchError(f"{target}: {stats['non2xx']} responses >= 400:\n{raw}")
            if stats["socket_errors"]:
                print(f"warning: {target}: {stats['socket_detail']}", file=sys.stderr)
            print(f"  /ideas?sort={sort}: {stats['rps']:.0f} req/s, p50 {stats['p50']:.1f} ms, "
                  f"p99 {stats['p99']:.1f} ms", flush=True)
            result.pages[sort] = stats
        if vote:
            result.vote, _ = quietest(lambda: (bench_vote(base, url, workdir, args, process,
                                                          f"{backend}-{size.name}"), ""), args)
            v = result.vote
            print(f"  vote: {v['rps']:.0f} req/s, p50 {v['p50']:.1f} ms, p99 {v['p99']:.1f} ms; "
                  f"{v['ok']} x 302, {v['inserted']} new votes, {v['updated']} changed",
                  flush=True)
    finally:
        stop_gunicorn(process)
    warn_log_problems(log_path, log_problems(log_path))
    return result


# --- report ----------------------------------------------------------------------------------


def short(size: Size) -> str:
    return f"{size.ideas // 1000}k" if size.ideas % 1000 == 0 else f"{size.ideas:,}"


def report(backend: str, small: Size | None, full: Size, results: dict, args) -> list[str]:
    lines = []
    big = results[(backend, full.name)]
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    lines.append(f"### {title}\n")
    sizes = [small, full] if small else [full]
    measured = [results[(backend, size.name)] for size in sizes]
    head = "| page |" + "".join(f" req/s ({short(z)}) | p50 ms | p99 ms |" for z in sizes)
    rule = "|---|" + "---:|---:|---:|" * len(sizes)
    if small:
        head, rule = head + " p50 ratio |", rule + "---:|"
    lines += [head, rule]
    for sort in SORTS:
        row = f"| `/ideas?sort={sort}` |" + "".join(
            f" {m.pages[sort]['rps']:.0f} | {m.pages[sort]['p50']:.1f} | "
            f"{m.pages[sort]['p99']:.1f} |" for m in measured)
        if small:
            row += f" {measured[1].pages[sort]['p50'] / measured[0].pages[sort]['p50']:.2f} |"
        lines.append(row)
    lines.append("")
    lines.append("| page |" + "".join(f" app ms ({short(z)}) |" for z in sizes)
                 + "".join(f" query ms ({short(z)}) |" for z in sizes)
                 + " other CPU % (attempts) |")
    lines.append("|---|" + "---:|" * (2 * len(sizes) + 1))
    for sort in SORTS:
        lines.append(
            f"| `/ideas?sort={sort}` |"
            + "".join(f" {m.app_ms[sort]:.1f} |" if m.app_ms else " – |" for m in measured)
            + "".join(f" {m.query_ms[sort]:.1f} |" if m.query_ms else " – |" for m in measured)
            + " " + " / ".join(f"{m.pages[sort]['other_cpu'] or 0:.0f} "
                               f"({m.pages[sort]['attempts']})" for m in measured) + " |")
    if big.vote:
        v = big.vote
        lines.append("")
        lines.append("| vote (POST `/ideas/<id>/vote`) | req/s | p50 ms | p99 ms | requests "
                     "| 302 to the idea | new votes | changed votes | other CPU % |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines.append(f"| {short(full)} ideas, pool of {v['pool']} | {v['rps']:.0f} | "
                     f"{v['p50']:.1f} | {v['p99']:.1f} | {v['requests']} | {v['ok']} | "
                     f"{v['inserted']} | {v['updated']} | {v['other_cpu'] or 0:.0f} |")
        problems = []
        if v["other_status"] or v["elsewhere"] or v["non2xx"]:
            problems.append(f"{v['other_status']} non-302 answers, {v['elsewhere']} 302s "
                            f"elsewhere than the idea")
        if v["recount_mismatches"]:
            problems.append(f"{v['recount_mismatches']} ideas' counters differ from a recount")
        if v["others_votes_changed"]:
            problems.append(f"{v['others_votes_changed']} votes of other members changed")
        lines.append("")
        lines.append("Vote check: " + ("; ".join(problems) if problems else
                     "every answer a 302 to the idea; counters match a recount afterwards") + ".")
    lines.append("")
    verdicts = []
    for sort in SORTS:
        b = big.pages[sort]
        ok = b["p50"] < TARGET_P50_MS
        verdict = f"`{sort}` p50 {b['p50']:.1f} ms {'<' if ok else '>='} {TARGET_P50_MS:.0f} ms"
        if small:
            ratio = b["p50"] / results[(backend, small.name)].pages[sort]["p50"]
            flat = ratio <= FLAT_RATIO
            verdict += f", x{ratio:.2f} for 10x the ideas ({'flat' if flat else 'GROWS'})"
            ok = ok and flat
        verdicts.append(("met: " if ok else "MISSED: ") + verdict)
    lines.append("Targets: " + "; ".join(verdicts) + ".")
    others = [(f"{sort}@{size}", r.pages[sort].get("other_cpu"))
              for (b_, size), r in results.items() if b_ == backend for sort in SORTS]
    shares = [share for _, share in others if share is not None]
    if shares:
        lines.append(f"CPU taken by other processes during the runs: {min(shares):.0f}–"
                     f"{max(shares):.0f} % of the machine.")
        if max(shares) > OTHER_LOAD_WARN:
            print(f"warning: other processes took more than {OTHER_LOAD_WARN}% of the CPUs "
                  f"during a {backend} run: run again when the machine is quiet",
                  file=sys.stderr)
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--ideas", type=int, default=ideas_seed.DEFAULT_IDEAS)
    parser.add_argument("--votes", type=int, default=ideas_seed.DEFAULT_VOTES)
    parser.add_argument("--members", type=int, default=ideas_seed.DEFAULT_MEMBERS)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded wrk first")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database seeded earlier with the same parameters")
    parser.add_argument("--no-scale", action="store_true",
                        help="skip the run at a tenth of the ideas and votes")
    parser.add_argument("--no-explain", action="store_true",
                        help="skip the query plans and the query-alone timings")
    parser.add_argument("--vote-pool", type=int, default=2000,
                        help="open ideas the vote benchmark votes on (at random)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for the bench (created if missing; one "
                             "schema per size)")
    parser.add_argument("--retries", type=int, default=2,
                        help="measure a page again (keeping the quietest) while other "
                             f"processes take more than {OTHER_LOAD_WARN}%% of the machine")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    if not 0 <= args.warmup <= 30:
        parser.error("--warmup must be between 0 and 30 seconds")
    if args.ideas < 100 or args.votes < 100 or args.members < 100:
        parser.error("--ideas, --votes and --members must be at least 100")
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    for tool in ("python", "gunicorn", "flask"):
        if not (VENV_BIN / tool).exists():
            print(f"{VENV_BIN / tool} is missing: `.venv/bin/pip install -e '.[prod]'`",
                  file=sys.stderr)
            return 2

    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    full = Size(args.members, args.ideas, args.votes, args.seed)
    small = (None if args.no_scale
             else Size(args.members, args.ideas // 10, args.votes // 10, args.seed))
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"ideas-{datetime.now():%Y%m%d-%H%M%S}-", dir=OUT))
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)
    # community.config reads the instance path at import: before anything imports it here.
    os.environ.update(bench_env(f"sqlite:///{workdir / 'unused.db'}", workdir))

    results: dict[tuple[str, str], Measured] = {}
    started = time.monotonic()
    try:
        for backend in backends:
            for size in ([small] if small else []) + [full]:
                results[(backend, size.name)] = measure(backend, size, args, workdir,
                                                        vote=size is full)
    except (BenchError, OSError, subprocess.SubprocessError, SQLAlchemyError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1

    lines = [f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency "
             f"(after {args.warmup}s of warm-up), gunicorn -c gunicorn.conf.py -w {WORKERS} "
             f"(gthread, {THREADS} threads), "
             f"{args.members:,} members. app ms: median time of the whole request in "
             f"process (test client: no network, no queue); query ms: `queries.list_ideas` "
             f"alone (its 3 queries and the ORM).", ""]
    for backend in backends:
        lines += report(backend, small, full, results, args)
    for (backend, name), r in results.items():
        seeded = re.search(r"migrated in ([\d.]+)s; seeded .*? in ([\d.]+)s", r.seed_note)
        how = (f"migrated in {seeded.group(1)} s, seeded in {seeded.group(2)} s"
               if seeded and not r.seed_note.startswith("reused") else "reused")
        lines.append(f"Database {backend} {name}: {how}.")
    lines.append("")
    lines.append(machine_note())
    lines.append(f"Whole run: {time.monotonic() - started:.0f}s.")
    print()
    print("\n".join(lines))
    (workdir / "report.md").write_text("\n".join(lines) + "\n")
    (workdir / "results.json").write_text(json.dumps(
        {f"{b}:{s}": {"pages": r.pages, "query_ms": r.query_ms, "app_ms": r.app_ms,
                      "vote": r.vote,
                      "seed": r.seed_note} for (b, s), r in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
