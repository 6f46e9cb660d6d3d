"""Speed against a bare Flask page: every main page, for a visitor and a member, each measured
right after the bare-Flask baseline in the same run (issue #16).

    .venv/bin/python bench/speed.py [--db sqlite|postgresql|both] [--scale 4 [5]]
        [--duration 10] [--warmup 2] [--reuse] [--no-page-cache] [--pages KEY,...]
        [--readers visitor,member] [--worker-class gthread|sync] [--redis-url URL]
        [--pg-url URL] [--seed 1]
    .venv/bin/python bench/speed.py --profile topic [--profile-as member]
        [--profile-requests 200] [--db sqlite] [--scale 4] [--reuse] [--no-page-cache]

For each database and each scale asked for (``--scale 4``: 10^4 topics and 10^4 ideas; 5:
10^5; 3: a small one to try the bench):

1. seeds one database holding every domain, with the seeders of the other benches (their
   functions, not copies): bench/ideas_seed.py first (real migrations; 10^s / 2 members
   sharing ``ideas_seed.BENCH_PASSWORD``, the member ``ideas_seed.BENCH_EMAIL``, 10^s ideas
   and 10 x 10^s skewed votes, priorities), then the forums of bench/forums_seed.py (its
   ``Plan``, ``Generator`` and bulk inserts, without its members: the posts' authors are the
   members above; 8 categories, 10^s topics, 10 x 10^s posts and their search documents,
   checked by its ``check``), then the clubs and roadmap of bench/roadmap_bench.py
   (``seed_roadmap``: up to 100 clubs, 60 roadmap items, official responses, a product-team
   member) and the groups of bench/groups_seed.py (``seed_groups``: 10^s / 10 groups, 2 x 10^s
   memberships, directory cards, events), and 4 FAQ entries per forum category through the
   app's own services (an accepted answer promoted by the product-team member). An SQLite file
   ``bench/out/speed-e<s>-s<seed>.db`` or a schema of the PostgreSQL database of --pg-url
   (created if missing); the seeding time is printed. With --reuse, a database seeded earlier
   with the same parameters is kept (migrated to head);
2. serves the bare-Flask baseline of the peers' kit (``../shared/peers/flaskbb/
   baseline_app.py``, ``/db``: 25 rows of a 50,000-row SQLite table read through the
   SQLAlchemy ORM and rendered) and Cercle side by side, each on its own gunicorn (Cercle:
   gunicorn.conf.py as production, 2 gthread workers x 8 threads; the baseline: the same
   workers, worker class and threads; 127.0.0.1, free ports). Cercle runs with
   ``RATELIMIT_ENABLED=0`` (one client address) and, with --no-page-cache, ``PAGE_CACHE=0``;
3. logs in through /login as ``ideas_seed.BENCH_EMAIL`` (a voter, in the biggest group), the
   cookie kept and sent by wrk with the same User-Agent, and for each page, as a visitor then
   as that member: checks it answers 200 (the member's page shows /logout; a visitor's page
   that sets a cookie is noted), runs ``wrk -t2 -c8 --latency`` for --duration seconds on the
   baseline's ``/db``, then --warmup seconds unrecorded and --duration seconds on the page, so
   each page's req/s is read as a ratio to the baseline measured just before it. The pages:
   home ``/``, ``/ideas``, the most voted idea, ``/forums``, the largest category, a typical
   topic (20 posts: one page), ``/faq``, ``/search?q=`` two mid-frequency words (of
   bench/forums.py's two-word queries, the one with the median number of matches),
   ``/roadmap``, ``/groups`` and the biggest public group's page. A page whose endpoint the
   app lacks is reported missing, not measured; one with more than 1 % of its answers not 2xx
   under wrk is reported failed, with fewer its figure stands and the errors are noted;
4. stops both gunicorns whatever happens and prints a markdown table per database and scale
   (page, reader, req/s, p50, p99, the baseline's req/s next to it, the ratio; pages under
   the target marked: a visitor's page >= 0.5x, a member's >= 0.35x), then, when two scales
   ran, each page's req/s at the larger scale over the smaller (the cost should stay flat),
   the machine note and the share of the CPUs other processes took while wrk ran.

``--profile PAGE`` (a page key: home, ideas, idea, forums, category, topic, faq, search,
roadmap, groups, group; or a path) instead seeds or reuses the database, then sends
--profile-requests GETs of that page through Flask's test client (in process, same database,
as a visitor or, with --profile-as member, logged in) under cProfile, and prints the time a
request, its SQL statements and time, and the top 20 functions by cumulative time: the
"before and after" of the slowest page.

Loopback only; bounded in time (about (2 x --duration + --warmup + 1) s a row, 22 rows a
database and scale). Logs, wrk's outputs and the report go to a fresh directory of
bench/out/ (gitignored). See docs/BENCHMARKS.md, "Speed against a bare Flask page".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bench import forums_seed, groups_seed, ideas_seed, roadmap_bench  # noqa: E402
from bench.common import (  # noqa: E402
    BASELINE_KIT,
    THREADS,
    WORKERS,
    BenchError,
    bench_env,
    csrf_token,
    free_port,
    log_problems,
    prepare_baseline,
    start_baseline,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
    warn_log_problems,
)
from bench.forums import SEARCH_TWO, count_matches  # noqa: E402
from bench.ideas import (  # noqa: E402
    LoadBesidesUs,
    ensure_pg_database,
    pg_exec,
    scalar,
    schema_difference,
    with_schema,
)
from bench.pages import (  # noqa: E402
    OTHER_LOAD_WARN,
    WRK_CONNECTIONS,
    WRK_THREADS,
    machine_note,
)
from bench.roadmap_bench import USER_AGENT, Browser, endpoints_of_app, run_wrk  # noqa: E402

OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/cercle_bench_speed"
TARGETS = {"visitor": 0.5, "member": 0.35}  # req/s as a share of the baseline's, at least
FLAT_WARN = 0.8  # req/s at the larger scale over the smaller below this: the cost grows
TYPICAL_TOPIC_POSTS = 20  # one page of posts (community.forums.queries.POSTS_PER_PAGE)
FAQ_PER_CATEGORY = 4
PROFILE_TOP = 20


@dataclass(frozen=True)
class Size:
    """Everything seeded at one scale: 10^scale topics and ideas, ten times as many posts and
    votes, half as many members; clubs, groups and roadmap items to match."""

    scale: int
    seed: int = 1

    @property
    def n(self) -> int:
        return 10 ** self.scale

    @property
    def members(self) -> int:
        return max(200, self.n // 2)

    topics = ideas = n

    @property
    def posts(self) -> int:
        return 10 * self.n

    votes = posts

    @property
    def big_replies(self) -> int:  # the forums seed's one long topic
        return min(forums_seed.DEFAULT_BIG_REPLIES, self.n // 5)

    @property
    def roadmap(self) -> roadmap_bench.Size:
        clubs = min(100, max(10, self.n // 100))
        return roadmap_bench.Size(self.members, self.ideas, self.votes, clubs,
                                  min(10_000, self.n // 2), 60, self.seed)

    @property
    def groups(self) -> groups_seed.Size:
        return groups_seed.Size(self.members, max(10, self.n // 10), 2 * self.n, self.seed)

    @property
    def name(self) -> str:
        return f"speed-e{self.scale}-s{self.seed}"

    def describe(self) -> str:
        r, g = self.roadmap, self.groups
        return (f"10^{self.scale}: {self.topics:,} topics / {self.posts:,} posts, {self.ideas:,} "
                f"ideas / {self.votes:,} votes, {self.members:,} members, {r.clubs} clubs, "
                f"{r.items} roadmap items, {g.groups:,} groups / {g.memberships:,} memberships")


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    endpoint: str
    path: str


READERS = ("visitor", "member")
PAGE_KEYS = ("home", "ideas", "idea", "forums", "category", "topic", "faq", "search", "roadmap",
             "groups", "group")


# --- seeding ---------------------------------------------------------------------------------


def seed_forums(app, url: str, size: Size) -> str:
    """The forums of bench/forums_seed.py (its plan, generator, bulk inserts and checks) on a
    database the ideas seeder filled: the posts' authors are its members 1..``size.members``
    (forums_seed.seed would insert members of its own, with the same e-mails)."""
    import sqlalchemy as sa

    from community.extensions import db
    from community.forums.models import ForumCategory
    from community.timeutil import utcnow

    timer = ideas_seed.Timer()
    postgres = not url.startswith("sqlite")
    rng = random.Random(size.seed)
    now = utcnow().replace(microsecond=0)
    plan = forums_seed.Plan(SimpleNamespace(members=size.members, topics=size.topics,
                                            posts=size.posts, big_replies=size.big_replies),
                            rng, now)
    gen = forums_seed.Generator(plan, rng, postgres)
    timer.mark("plan and text")
    with app.app_context():
        engine = db.engine
        categories = gen.category_rows()
        last_topics = {row["id"]: row.pop("last_topic_id") for row in categories}
        with engine.begin() as connection:  # the migrations' empty "General" makes way
            table = ForumCategory.__table__
            connection.execute(table.delete().where(table.c.topic_count == 0))
            connection.execute(table.insert(), categories)
        if postgres:
            forums_seed.insert_postgres(engine, gen, timer)
        else:
            engine.dispose()
            forums_seed.insert_sqlite(url, gen, timer, "rebuild")
        with engine.begin() as connection:
            for cid, tid in last_topics.items():
                connection.execute(sa.update(ForumCategory.__table__).where(
                    ForumCategory.id == cid).values(last_topic_id=tid))
        engine.dispose()
    problems = forums_seed.check(app, gen)
    timer.mark("checks")
    if problems:
        raise BenchError("seeded forums are inconsistent:\n  " + "\n  ".join(problems))
    return (f"{plan.topics:,} topics, {len(plan.events):,} posts in "
            f"{sum(s for _, s in timer.marks):.1f}s ({timer.summary()})")


def seed_faq(app) -> str:
    """FAQ_PER_CATEGORY entries per forum category, as staff make them: the first reply of a
    question accepted, then promoted (community.forums.qa), by the product-team member."""
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db
    from community.forums import qa
    from community.forums.models import ForumCategory, Post, Topic
    from community.refusals import Refused

    started = time.perf_counter()
    slugs = [c[0] for c in forums_seed.CATEGORIES]
    count = 0
    with app.test_request_context("/"):
        staff = db.session.scalar(sa.select(User).where(
            User.email == roadmap_bench.STAFF_EMAIL))
        for category in db.session.scalars(sa.select(ForumCategory).where(
                ForumCategory.slug.in_(slugs)).order_by(ForumCategory.position)):
            topics = db.session.scalars(sa.select(Topic).where(
                Topic.category_id == category.id, Topic.is_question.is_(True),
                Topic.max_number >= 2, Topic.pinned.is_(False)).order_by(Topic.id)
                .limit(FAQ_PER_CATEGORY)).all()
            for topic in topics:
                post = db.session.scalar(sa.select(Post).where(Post.topic_id == topic.id,
                                                               Post.number == 2))
                try:
                    qa.accept_answer(staff, post)
                    qa.promote_to_faq(staff, post, f"{topic.title[:190]}?", post.body_md,
                                      category)
                    count += 1
                except Refused as refused:
                    print(f"FAQ: topic {topic.id} not promoted ({refused})", file=sys.stderr)
        db.session.commit()
        db.engine.dispose()
    return f"{count} FAQ entries in {time.perf_counter() - started:.1f}s"


def prepare_database(backend: str, size: Size, args, workdir: Path) -> tuple[str, str]:
    """Seed (or, with --reuse, keep) this backend's database at this scale; (URL, note)."""
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
    if reusable:
        ideas_seed.migrate(url, workdir)  # others add migrations: bring it to head
        counts = [scalar(url, f"SELECT count(*) FROM {t}")
                  for t in ("topics", "ideas", "groups")]
        if not schema_difference(url) and counts == [size.topics, size.ideas,
                                                     size.groups.groups]:
            return url, f"reused ({marker.read_text().strip()})"
        print(f"the kept {backend} database does not fit: seeding afresh", flush=True)
    marker.unlink(missing_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        target = str(path)
    else:
        pg_exec(args.pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg_exec(args.pg_url, f"CREATE SCHEMA {schema}")
        target = url
    print(f"seeding {backend}, {size.describe()} ...", flush=True)
    started = time.perf_counter()
    steps = []

    def step(label: str, began: float, note: str = "") -> None:
        steps.append(f"{label} {time.perf_counter() - began:.1f}s")
        print(f"  {label}: {note or 'done'} ({time.perf_counter() - began:.1f}s)", flush=True)

    began = time.perf_counter()
    seeded = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "ideas_seed.py"), target,
         "--members", str(size.members), "--ideas", str(size.ideas), "--votes",
         str(size.votes), "--seed", str(size.seed), "--instance", str(workdir),
         "--no-verify"],
        cwd=ROOT, env=bench_env(url, workdir), timeout=1800, capture_output=True, text=True)
    if seeded.returncode != 0:
        raise BenchError(f"seeding the ideas failed:\n{seeded.stdout}{seeded.stderr}")
    step("migrations, members, ideas, votes (ideas_seed)", began, seeded.stdout.strip())

    os.environ.update(bench_env(url, workdir))  # community.config reads it
    from community import create_app
    from community.config import Config

    app = create_app(Config())
    began = time.perf_counter()
    step("forums (forums_seed)", began, seed_forums(app, url, size))
    began = time.perf_counter()
    step("clubs and roadmap (roadmap_bench.seed_roadmap)", began,
         roadmap_bench.seed_roadmap(url, size.roadmap))
    began = time.perf_counter()
    step("groups (groups_seed.seed_groups)", began, groups_seed.seed_groups(url, size.groups))
    began = time.perf_counter()
    step("FAQ (forums.qa)", began, seed_faq(app))
    total = time.perf_counter() - started
    note = f"seeded in {total:.0f}s: {', '.join(steps)}"
    print(f"{backend} {note}", flush=True)
    marker.write_text(f"{datetime.now():%Y-%m-%d %H:%M}: {size.describe()}; {note}\n")
    return url, note


# --- what to measure -------------------------------------------------------------------------


def search_query(url: str, workdir: Path) -> tuple[str, dict[str, int]]:
    """Of bench/forums.py's two-word queries, the one with the median number of matches."""
    counts = {q: count_matches(url, workdir, q) for q in SEARCH_TWO}
    ranked = sorted(counts, key=lambda q: (counts[q], q))
    return ranked[len(ranked) // 2], counts


def choose_pages(url: str, workdir: Path) -> tuple[list[Page], dict]:
    false = "false" if url.startswith("postgresql") else "0"
    idea_id, idea_slug, votes = _row(url, "SELECT id, slug, vote_count FROM ideas "
                                          "WHERE status != 'merged' "
                                          "ORDER BY vote_count DESC, id LIMIT 1")
    category_id, category_slug = _row(
        url, f"SELECT id, slug FROM forum_categories WHERE staff_only = {false} "
             "AND group_id IS NULL AND club_id IS NULL ORDER BY topic_count DESC, id LIMIT 1")
    topic_id, topic_slug, posts = _row(
        url, f"SELECT id, slug, max_number FROM topics WHERE category_id = :c "
             f"AND pinned = {false} AND hidden = {false} AND deleted_at IS NULL "
             "AND merged_into_id IS NULL ORDER BY abs(max_number - :n), id LIMIT 1",
        c=category_id, n=TYPICAL_TOPIC_POSTS)
    group_slug, group_members = _row(url, "SELECT slug, member_count FROM groups "
                                          "WHERE visibility = 'public' "
                                          "ORDER BY member_count DESC, id LIMIT 1")
    query, matches = search_query(url, workdir)
    q = urllib.parse.quote_plus(query)
    pages = [
        Page("home", "home `/`", "core.index", "/"),
        Page("ideas", "ideas `/ideas`", "ideas.index", "/ideas"),
        Page("idea", f"idea `/ideas/<id>` ({votes:,} votes)", "ideas.detail",
             f"/ideas/{idea_id}-{idea_slug}"),
        Page("forums", "forums `/forums`", "forums.index", "/forums"),
        Page("category", f"category `/c/{category_slug}`", "forums.category",
             f"/c/{category_slug}"),
        Page("topic", f"topic `/t/<id>` ({posts} posts)", "forums.topic",
             f"/t/{topic_id}-{topic_slug}"),
        Page("faq", "FAQ `/faq`", "forums.faq", "/faq"),
        Page("search", f"search `?q={query}` ({matches[query]:,} matches)", "search.index",
             f"/search?q={q}"),
        Page("roadmap", "roadmap `/roadmap`", "roadmap.board", "/roadmap"),
        Page("groups", "groups `/groups`", "groups.index", "/groups"),
        Page("group", f"group `/groups/<slug>` ({group_members:,} members)", "groups.page",
             f"/groups/{group_slug}"),
    ]
    return pages, {"search_matches": matches}


def _row(url: str, sql: str, **params) -> tuple:
    import sqlalchemy as sa

    from bench.ideas import engine_for

    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(sa.text(sql), params).first()
    finally:
        engine.dispose()
    if row is None:
        raise BenchError(f"nothing in the database for: {sql}")
    return tuple(row)


def fetch(base: str, path: str, cookie: str = "") -> tuple[int, bool, str]:
    """One GET as wrk sends it (same User-Agent, the cookie if any): (status, whether the
    answer sets a cookie, body)."""
    address = urllib.parse.urlsplit(base)
    headers = {"User-Agent": USER_AGENT, "Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, bool(response.headers.get_all("Set-Cookie")), body
    finally:
        connection.close()


# --- one database at one scale ---------------------------------------------------------------


class Baseline:
    """The bare-Flask baseline, served for the whole run."""

    def __init__(self, workdir: Path, args) -> None:
        self.home = workdir / "baseline"
        self.log = workdir / "gunicorn-baseline.log"
        self.args = args
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> None:
        prepare_baseline(self.home, Path(self.args.baseline_kit))
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = start_baseline(self.home, port, self.log, self.args.worker_class)
        wait_healthy(self.base, self.process, self.log, path="/db")
        if self.args.warmup:
            run_wrk(self.base + "/db", self.args.warmup)

    def measure(self) -> dict:
        with LoadBesidesUs(self.process.pid, False) as other:
            stats, raw = run_wrk(self.base + "/db", self.args.duration)
        stats["other_cpu"] = other.percent
        if stats["non2xx"]:
            raise BenchError(f"the baseline answered {stats['non2xx']} errors:\n{raw}")
        return stats

    def stop(self) -> None:
        if self.process is not None:
            stop_gunicorn(self.process)


def cercle_env(url: str, workdir: Path, args) -> dict[str, str]:
    env = bench_env(url, workdir)
    env["RATELIMIT_ENABLED"] = "0"  # one client address: /search allows 30 a minute
    if args.no_page_cache:
        env["PAGE_CACHE"] = "0"
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    if args.worker_class != "gthread":
        env["GUNICORN_CMD_ARGS"] = f"--worker-class {args.worker_class}"
    return env


def measure(backend: str, size: Size, args, workdir: Path, baseline: Baseline) -> dict:
    url, note = prepare_database(backend, size, args, workdir)
    present = endpoints_of_app(url, workdir)
    pages, extra = choose_pages(url, workdir)
    if args.pages:
        pages = [p for p in pages if p.key in args.pages]
    tag = f"{backend}-e{size.scale}"
    log_path = workdir / f"gunicorn-{tag}.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_gunicorn(port, cercle_env(url, workdir, args), log_path)
    rows = []
    try:
        wait_healthy(base, process, log_path)
        browser = Browser(base)
        browser.log_in(ideas_seed.BENCH_EMAIL, ideas_seed.BENCH_PASSWORD)
        cookies = {"visitor": "", "member": browser.cookie_header}
        print(f"{backend} 10^{size.scale}: Cercle on {base}, baseline on {baseline.base}",
              flush=True)
        for page in pages:
            for reader in args.readers:
                row = {"key": page.key, "label": page.label, "path": page.path,
                       "reader": reader}
                rows.append(row)
                if page.endpoint not in present:
                    row["missing"] = page.endpoint
                    print(f"  {page.path}: no endpoint {page.endpoint} in this app", flush=True)
                    continue
                status, sets_cookie, body = fetch(base, page.path, cookies[reader])
                if status != 200 or (reader == "member" and "/logout" not in body):
                    row["failed"] = (f"answered {status}" if status != 200
                                     else "not logged in")
                    print(f"  GET {page.path} as a {reader}: {row['failed']}: not measured\n"
                          f"{body[:500]}", file=sys.stderr, flush=True)
                    continue
                row["sets_cookie"], row["bytes"] = sets_cookie, len(body.encode())
                row["baseline"] = baseline.measure()
                if args.warmup:
                    run_wrk(base + page.path, args.warmup, cookies[reader])
                with LoadBesidesUs(process.pid, backend == "postgresql") as other:
                    stats, raw = run_wrk(base + page.path, args.duration, cookies[reader])
                stats["other_cpu"] = other.percent
                (workdir / f"wrk-{tag}-{page.key}-{reader}.txt").write_text(raw)
                if stats["non2xx"] * 100 > stats["requests"]:  # more than 1 %: no figure
                    row["failed"] = (f"{stats['non2xx']} of {stats['requests']} answers not "
                                     "2xx")
                    print(f"  {page.path} ({reader}): {row['failed']} (see {log_path.name})",
                          file=sys.stderr, flush=True)
                    continue
                if stats["non2xx"]:  # a rare error (a race?): the figure stands, noted
                    print(f"  {page.path} ({reader}): {stats['non2xx']} of {stats['requests']} "
                          f"answers not 2xx (see {log_path.name})", file=sys.stderr, flush=True)
                row.update(stats)
                row["ratio"] = stats["rps"] / row["baseline"]["rps"]
                print(f"  {page.path} ({reader}): {stats['rps']:.0f} req/s, p50 "
                      f"{stats['p50']:.1f} ms, p99 {stats['p99']:.1f} ms; baseline "
                      f"{row['baseline']['rps']:.0f} req/s: {row['ratio']:.2f}x", flush=True)
    finally:
        stop_gunicorn(process)
        warn_log_problems(log_path, log_problems(log_path))
    return {"backend": backend, "scale": size.scale, "size": size.describe(), "seed": note,
            "rows": rows, **extra}


# --- the report ------------------------------------------------------------------------------

TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def report_one(result: dict) -> list[str]:
    lines = [f"#### {TITLES[result['backend']]}, {result['size']}", "",
             "| page | reader | req/s | p50 ms | p99 ms | baseline req/s | ratio | other CPU % |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    under, cookies, missing, failed, errors = [], [], [], [], []
    for row in result["rows"]:
        who = row["reader"]
        if "missing" in row:
            missing.append(row["missing"])
            lines.append(f"| {row['label']} | {who} | missing | | | | | |")
            continue
        if "failed" in row:
            failed.append(f"{row['label']} as a {who} ({row['failed']})")
            lines.append(f"| {row['label']} | {who} | failed | | | | | |")
            continue
        if row["non2xx"]:
            errors.append(f"{row['key']} as a {who} ({row['non2xx']} of {row['requests']})")
            who = f"{who} (errors)"
        low = row["ratio"] < TARGETS[row["reader"]]
        if low:
            under.append(f"{row['key']} ({row['reader']}, {row['ratio']:.2f}x)")
        if row["reader"] == "visitor" and row["sets_cookie"]:
            cookies.append(row["key"])
        ratio = f"**{row['ratio']:.2f}x**" if low else f"{row['ratio']:.2f}x"
        others = max(row["other_cpu"] or 0, row["baseline"]["other_cpu"] or 0)
        lines.append(f"| {row['label']} | {who} | {row['rps']:.0f} | {row['p50']:.1f} | "
                     f"{row['p99']:.1f} | {row['baseline']['rps']:.0f} | {ratio} | "
                     f"{others:.0f} |")
    lines.append("")
    lines.append("Under the target (a visitor's page >= 0.5x the baseline, a member's >= "
                 "0.35x; in bold): " + (", ".join(under) if under else "none") + ".")
    if cookies:
        lines.append("Visitors' pages that set a cookie: " + ", ".join(cookies) + ".")
    if missing:
        lines.append("Not measured, no such endpoint in the app: "
                     + ", ".join(sorted(set(missing))) + ".")
    if failed:
        lines.append("Failed: " + "; ".join(failed) + ".")
    if errors:
        lines.append("Answers not 2xx during wrk (under 1 %: the figure is kept; see gunicorn's "
                     "log): " + "; ".join(errors) + ".")
    baselines = [r["baseline"]["rps"] for r in result["rows"] if "baseline" in r]
    if baselines:
        lines.append(f"Baseline `/db` over the run: {min(baselines):.0f}–{max(baselines):.0f} "
                     f"req/s (median {sorted(baselines)[len(baselines) // 2]:.0f}).")
    lines.append(f"Database: {result['seed']}.")
    lines.append("")
    return lines


def report_scales(backend: str, low: dict, high: dict) -> list[str]:
    """req/s at the larger scale over the smaller, page by page (flat: about 1)."""
    a, b = low["scale"], high["scale"]
    lines = [f"#### {TITLES[backend]}: from 10^{a} to 10^{b}", "",
             f"| page | reader | req/s 10^{a} | req/s 10^{b} | 10^{b} / 10^{a} | ratio to the "
             f"baseline 10^{a} | 10^{b} |", "|---|---|---:|---:|---:|---:|---:|"]
    before = {(r["key"], r["reader"]): r for r in low["rows"] if "rps" in r}
    grew = []
    for row in high["rows"]:
        old = before.get((row["key"], row["reader"]))
        if old is None or "rps" not in row:
            continue
        change = row["rps"] / old["rps"]
        if change < FLAT_WARN:
            grew.append(f"{row['key']} ({row['reader']}, {change:.2f})")
        shown = f"**{change:.2f}**" if change < FLAT_WARN else f"{change:.2f}"
        lines.append(f"| {row['key']} | {row['reader']} | {old['rps']:.0f} | {row['rps']:.0f} | "
                     f"{shown} | {old['ratio']:.2f}x | {row['ratio']:.2f}x |")
    lines += ["", f"Slower by more than {1 / FLAT_WARN:.2g}x at 10^{b} (in bold): "
              + (", ".join(grew) if grew else "none") + ".", ""]
    return lines


def report(results: list[dict], args) -> list[str]:
    page_cache = "off (PAGE_CACHE=0)" if args.no_page_cache else (
        "on (the app's default), " + ("Redis" if args.redis_url else "in process"))
    lines = [f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency on the "
             f"baseline `/db`, then {args.warmup}s of warm-up and -d{args.duration}s on the page; "
             f"Cercle on gunicorn -c gunicorn.conf.py -w {WORKERS} ({args.worker_class}"
             f"{f', {THREADS} threads' if args.worker_class == 'gthread' else ''}), the "
             f"baseline on the same workers; visitors' page cache {page_cache}.", ""]
    for result in results:
        lines += report_one(result)
    for backend in dict.fromkeys(r["backend"] for r in results):
        mine = sorted((r for r in results if r["backend"] == backend), key=lambda r: r["scale"])
        if len(mine) > 1:
            lines += report_scales(backend, mine[0], mine[-1])
    shares = [(f"{r['backend']} 10^{r['scale']} {row['key']} {row['reader']}",
               max(row["other_cpu"] or 0, row["baseline"]["other_cpu"] or 0))
              for r in results for row in r["rows"] if "rps" in row]
    if shares:
        busy = [f"{label} {share:.0f} %" for label, share in shares if share > OTHER_LOAD_WARN]
        if len(busy) > 5:
            busy = [f"{len(busy)} of {len(shares)} rows"]
        median = sorted(s for _, s in shares)[len(shares) // 2]
        lines.append(f"CPU taken by other processes while wrk ran (share of the machine, the "
                     f"larger of the page's and its baseline's): "
                     f"{min(s for _, s in shares):.0f}–{max(s for _, s in shares):.0f} % "
                     f"(median {median:.0f} %)"
                     + (f"; above {OTHER_LOAD_WARN} %, where figures are not representative: "
                        f"{', '.join(busy)}" if busy else "") + ".")
    lines.append(machine_note())
    return lines


# --- in-process profile ----------------------------------------------------------------------


def profile(backend: str, size: Size, args, workdir: Path) -> None:
    """--profile-requests GETs of one page through the test client, under cProfile."""
    import cProfile
    import io
    import pstats

    import sqlalchemy as sa

    url, _ = prepare_database(backend, size, args, workdir)
    pages, _ = choose_pages(url, workdir)
    wanted = args.profile
    if wanted.startswith("/"):
        path = wanted
    else:
        found = [p for p in pages if p.key == wanted]
        if not found:
            raise BenchError(f"no page {wanted!r}: one of {', '.join(PAGE_KEYS)} or a path")
        path = found[0].path
    os.environ.update(cercle_env(url, workdir, args))
    from community import create_app
    from community.config import Config
    from community.extensions import db

    app = create_app(Config())
    if args.no_page_cache:
        app.config["PAGE_CACHE"] = False
    statements: list[float] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append(time.perf_counter() - context._bench_started)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", before)
        sa.event.listen(db.engine, "after_cursor_execute", after)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    if args.profile_as == "member":
        html = client.get("/login").get_data(as_text=True)
        answer = client.post("/login", data={
            "csrf_token": csrf_token(html), "email": ideas_seed.BENCH_EMAIL,
            "password": ideas_seed.BENCH_PASSWORD})
        if answer.status_code != 302:
            raise BenchError(f"log-in refused in process ({answer.status_code})")
    first = client.get(path)
    if first.status_code != 200:
        raise BenchError(f"GET {path} as a {args.profile_as} answered {first.status_code}")
    if args.profile_as == "member" and "/logout" not in first.get_data(as_text=True):
        raise BenchError(f"GET {path}: not logged in")
    runs = args.profile_requests
    started = time.perf_counter()
    for _ in range(runs):
        client.get(path)
    plain = (time.perf_counter() - started) / runs * 1000
    statements.clear()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    elapsed = (time.perf_counter() - started) / runs * 1000
    print(f"\n## {path} as a {args.profile_as}, {TITLES[backend]} 10^{size.scale}, "
          f"{runs} requests in process (page cache "
          f"{'off' if args.no_page_cache else 'on'}): {plain:.2f} ms a request "
          f"({elapsed:.2f} ms under cProfile), {len(statements) / runs:.1f} SQL statements a "
          f"request, {sum(statements) / runs * 1000:.2f} ms of SQL (under cProfile)\n")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(PROFILE_TOP)
    print(out.getvalue().strip())
    with app.app_context():
        db.engine.dispose()


# --- main ------------------------------------------------------------------------------------


def _terminate(signum, frame):  # SIGTERM: unwind, so that every gunicorn is stopped
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", type=int, nargs="+", default=[4], choices=(3, 4, 5),
                        help="10^N topics and ideas (several: the cost from one to the next)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per run")
    parser.add_argument("--warmup", type=int, default=2,
                        help="seconds of unrecorded wrk on each page first")
    parser.add_argument("--pages", type=lambda v: [k.strip() for k in v.split(",") if k],
                        help=f"only these pages, comma-separated: {','.join(PAGE_KEYS)}")
    parser.add_argument("--readers", type=lambda v: [r.strip() for r in v.split(",") if r],
                        default=list(READERS), help="visitor,member (the default: both)")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="serve with PAGE_CACHE=0 (visitors' pages rendered every time)")
    parser.add_argument("--redis-url", default="",
                        help="REDIS_URL for Cercle (default: none, the in-process cache)")
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database seeded earlier with the same parameters")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL database of the benchmark's own (created if missing)")
    parser.add_argument("--baseline-kit", default=str(BASELINE_KIT),
                        help="the directory holding baseline_app.py and its templates/")
    parser.add_argument("--profile", metavar="PAGE",
                        help="profile this page (a key or a path) in process instead of wrk")
    parser.add_argument("--profile-as", choices=READERS, default="visitor")
    parser.add_argument("--profile-requests", type=int, default=200)
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration 1..120, --warmup 0..30")
    if args.pages and set(args.pages) - set(PAGE_KEYS):
        parser.error(f"--pages: unknown {', '.join(set(args.pages) - set(PAGE_KEYS))}")
    if not args.readers or set(args.readers) - set(READERS):
        parser.error("--readers: visitor, member or both")
    if not 1 <= args.profile_requests <= 10_000:
        parser.error("--profile-requests 1..10000")
    if not args.profile and shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    scales = sorted(set(args.scale))
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"speed-{datetime.now():%Y%m%d-%H%M%S}-", dir=OUT))
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)
    # community.config reads the instance path at import: before anything imports it here.
    os.environ.update(bench_env(f"sqlite:///{workdir / 'unused.db'}", workdir))
    signal.signal(signal.SIGTERM, _terminate)
    if args.profile:
        try:
            for scale in scales:
                for backend in backends:
                    profile(backend, Size(scale, args.seed), args, workdir)
        except (BenchError, OSError, subprocess.SubprocessError, SQLAlchemyError) as error:
            print(f"profile failed: {error}", file=sys.stderr)
            return 1
        return 0

    rows = len(args.pages or PAGE_KEYS) * len(args.readers)
    estimate = rows * (2 * args.duration + args.warmup + 1) * len(backends) * len(scales)
    print(f"wrk will run for about {estimate / 60:.0f} min (plus seeding)", flush=True)
    started = time.monotonic()
    baseline = Baseline(workdir, args)
    results = []
    try:
        baseline.start()
        for scale in scales:
            for backend in backends:
                results.append(measure(backend, Size(scale, args.seed), args, workdir,
                                       baseline))
    except (BenchError, OSError, subprocess.SubprocessError, SQLAlchemyError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        if not results:
            return 1
    finally:
        baseline.stop()
        warn_log_problems(baseline.log, log_problems(baseline.log))
    lines = report(results, args)
    lines.append(f"Whole run: {time.monotonic() - started:.0f}s.")
    print()
    print("\n".join(lines))
    (workdir / "report.md").write_text("\n".join(lines) + "\n")
    (workdir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
