"""Forums at scale: topic pages, topic lists and search at 1M posts, under gunicorn, beside FlaskBB.

    .venv/bin/python bench/forums.py [--db sqlite|postgresql|both] [--duration 10]
        [--warmup 2] [--reuse] [--no-flaskbb] [--only all|search] [--search-cache 0]
        [--members 50000] [--topics 50000] [--posts 1000000] [--big-replies 2000]
        [--pg-url URL]

For each database asked for:

1. seeds it with bench/forums_seed.py (real migrations; 50,000 members, 8 categories, 50,000
   topics, 1,000,000 posts and their search documents; consistent counters): an SQLite file
   ``bench/out/forums-m<M>-t<T>-p<P>-s<seed>.db``, or a schema of that name in the
   PostgreSQL database of --pg-url (created if missing). With --reuse, a database seeded
   earlier with the same parameters is kept (migrated to head);
2. starts gunicorn with the production settings (gunicorn.conf.py: 2 gthread workers x 8
   threads; 127.0.0.1, a free port, CERCLE_ENV=production, anonymous requests;
   RATELIMIT_ENABLED=0, or /search would answer 429 after 30 requests a minute from
   one address), checks each page (200, and the expected posts / topics / hits in it), then
   runs ``wrk -t2 -c8 --latency`` (after --warmup seconds) on: the 2,001-post topic's first
   and last pages, a typical 25-post topic, the largest category's topic list, /forums, and
   /search with three kinds of queries (common words, rare words, two words), each rotating
   over several queries with a Lua script (with SEARCH_CACHE_SECONDS=--search-cache, 0 by
   default: the query runs every time; --only search: those three rows alone);
3. interleaved with those, unless --no-flaskbb: the same load on FlaskBB 2.2.0 (the peer
   installed under /tmp/peer, see /tmp/peer/SUMMARY.md), on its own gunicorn (2 sync
   workers: another app, with its own command) from a fresh copy of its pristine
   25-per-page database: its 25-post topic, its forum page, its index, and its (POST-only,
   CSRF-protected) guest search over topics;
4. prints a markdown table per database, the ratios Cercle / FlaskBB, and a machine note.

Logs, Lua scripts and the page checks go to a fresh directory of bench/out/ (gitignored).
See docs/BENCHMARKS.md, "Forums at scale".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
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

from bench import forums_seed, ideas_seed  # noqa: E402
from bench.common import (  # noqa: E402
    THREADS,
    WORKERS,
    BenchError,
    bench_env,
    free_port,
    get,
    log_problems,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
    warn_log_problems,
)
from bench.ideas import (  # noqa: E402
    Browser,
    LoadBesidesUs,
    ensure_pg_database,
    pg_exec,
    scalar,
    with_schema,
)
from bench.pages import WRK_CONNECTIONS, WRK_THREADS, machine_note, parse_wrk  # noqa: E402

OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/cercle_bench_forums"
PEER = Path("/tmp/peer")
FLASKBB_TOPIC = "/topic/1663-just-feature-version"  # 25 posts (BENCH_TOPIC_ID in RUN.md)
FLASKBB_FORUM = "/forum/1-announcements"
FLASKBB_SEARCH_WORDS = ("gunicorn", "traceback", "nginx", "sqlite", "session", "latency")
POSTS_PER_PAGE = 20  # community.forums.queries.POSTS_PER_PAGE
TOPICS_PER_PAGE = 30  # community.forums.queries.TOPICS_PER_PAGE


@dataclass
class Size:
    members: int
    topics: int
    posts: int
    big_replies: int
    seed: int = 1

    @property
    def name(self) -> str:
        return f"forums-m{self.members}-t{self.topics}-p{self.posts}-s{self.seed}"


@dataclass
class Page:
    key: str  # row label
    path: str  # what is checked (and loaded, without a script)
    check: object  # callable(body) -> problem or ""
    paths: list[str] = field(default_factory=list)  # rotated with a Lua script when given
    peer: str | None = None  # the FlaskBB page it is compared with
    method: str = "GET"
    body: str = ""


# --- databases -------------------------------------------------------------------------------


def prepare_database(backend: str, size: Size, args, workdir: Path) -> tuple[str, dict]:
    """Seed (or, with --reuse, keep) the database; return (URL, the seed's summary)."""
    schema = size.name.replace("-", "_")
    if backend == "sqlite":
        path = OUT / f"{size.name}.db"
        url = f"sqlite:///{path.resolve()}"
        target = str(path)
    else:
        ensure_pg_database(args.pg_url)
        url = target = with_schema(args.pg_url, schema)
    summary_path = forums_seed.summary_file(target)
    if args.reuse and summary_path.exists():
        ideas_seed.migrate(url, workdir)  # others add migrations: bring it to head
        summary = json.loads(summary_path.read_text())
        if scalar(url, "SELECT count(*) FROM posts") == size.posts:
            summary["reused"] = True
            return url, summary
        print(f"the kept {backend} database does not fit: seeding afresh", flush=True)
    summary_path.unlink(missing_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        pg_exec(args.pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg_exec(args.pg_url, f"CREATE SCHEMA {schema}")
    print(f"seeding {backend}: {size.posts:,} posts, {size.topics:,} topics, "
          f"{size.members:,} members ...", flush=True)
    seeded = subprocess.run(
        ["nice", "-n", "5", str(VENV_BIN / "python"), str(ROOT / "bench" / "forums_seed.py"),
         target, "--members", str(size.members), "--topics", str(size.topics),
         "--posts", str(size.posts), "--big-replies", str(size.big_replies),
         "--seed", str(size.seed), "--instance", str(workdir)],
        cwd=ROOT, env=bench_env(url, workdir), timeout=3600, capture_output=True, text=True)
    if seeded.returncode != 0:
        raise BenchError(f"seeding failed:\n{seeded.stdout}{seeded.stderr}")
    print(seeded.stdout.strip(), flush=True)
    return url, json.loads(summary_path.read_text())


def targets(url: str) -> dict:
    """The pages' subjects, from the database: the biggest topic, a typical (25-post) topic of
    the largest open category, that category, and search words of known frequency."""
    big = scalar(url, "SELECT id FROM topics ORDER BY max_number DESC, id LIMIT 1")
    big_slug = scalar(url, "SELECT slug FROM topics WHERE id = :i", i=big)
    big_posts = scalar(url, "SELECT max_number FROM topics WHERE id = :i", i=big)
    false = "false" if url.startswith("postgresql") else "0"
    category = scalar(url, f"SELECT id FROM forum_categories WHERE staff_only = {false} "
                           "ORDER BY topic_count DESC, id LIMIT 1")
    slug = scalar(url, "SELECT slug FROM forum_categories WHERE id = :c", c=category)
    typical = scalar(url, f"SELECT id FROM topics WHERE category_id = :c AND max_number = 25 "
                          f"AND pinned = {false} AND id != :b ORDER BY id LIMIT 1",
                     c=category, b=big)
    typical_slug = scalar(url, "SELECT slug FROM topics WHERE id = :i", i=typical)
    return {"big": big, "big_slug": big_slug, "big_posts": big_posts, "typical": typical,
            "typical_slug": typical_slug, "category": slug}


# Search queries: words of the seed's vocabulary, by rank (forums_seed.Vocabulary: the most
# frequent real words first, pseudo-words in the tail). Each row rotates over these.
SEARCH_COMMON = ("server", "cache", "config", "serveur", "install", "database")
SEARCH_TWO = ("cache timeout", "server backup", "erreur connexion", "python traceback",
              "memory disk", "requete base")


def rare_words(url: str, workdir: Path, count: int = 6) -> list[str]:
    """Tail words of the seed's vocabulary (pseudo-words), found in the data: from posts
    spread over the table, the words in the fewest documents (each still in some)."""
    from community.search import terms

    common = set(forums_seed.EN_WORDS) | set(forums_seed.FR_WORDS)
    top = scalar(url, "SELECT max(id) FROM search_documents")
    candidates: list[str] = []
    for n in range(1, 41):
        body = scalar(url, "SELECT body FROM search_documents WHERE id = :i", i=top * n // 41)
        for word in terms.words(body or ""):
            word = word.lower()
            if len(word) >= 8 and word.isalpha() and word not in common \
                    and word not in candidates:
                candidates.append(word)
                break
    counted = sorted((count_matches(url, workdir, w), w) for w in candidates)
    return [w for n, w in counted if n > 0][:count]


def count_matches(url: str, workdir: Path, query: str) -> int:
    """Documents matching a query, counted by the same MATCH / tsquery the service sends."""
    from community.search import terms

    groups = terms.query_groups(query)
    if url.startswith("sqlite"):
        return scalar(url, "SELECT count(*) FROM search_fts WHERE search_fts MATCH :m",
                      m=terms.fts5_match(groups))
    return scalar(url, "SELECT count(*) FROM search_documents WHERE tsv @@ "
                       "to_tsquery('simple'::regconfig, :q)", q=terms.tsquery(groups))


# --- checks ----------------------------------------------------------------------------------


def expect_count(pattern: str, count: int | tuple[int, int], what: str):
    low, high = (count, count) if isinstance(count, int) else count

    def check(body: str) -> str:
        found = len(re.findall(pattern, body))
        return "" if low <= found <= high else f"{found} {what}, expected {low}–{high}"
    return check


def cercle_pages(t: dict, rare: list[str]) -> list[Page]:
    big, last = t["big_posts"], -(-t["big_posts"] // POSTS_PER_PAGE)
    on_last = big - (last - 1) * POSTS_PER_PAGE
    post = r'<article class="post[^"]*" id="p\d+"'
    row = r'<tr class="topic-row'
    hit = r'<li class="search-hit">'

    def search(words):
        return [f"/search?q={urllib.parse.quote_plus(w)}" for w in words]

    return [
        Page("topic, 2,001 posts: page 1", f"/t/{t['big']}-{t['big_slug']}",
             expect_count(post, POSTS_PER_PAGE, "posts")),
        Page(f"topic, 2,001 posts: last page ({last})",
             f"/t/{t['big']}-{t['big_slug']}?page={last}", expect_count(post, on_last, "posts")),
        Page("topic, 25 posts: page 1", f"/t/{t['typical']}-{t['typical_slug']}",
             expect_count(post, POSTS_PER_PAGE, "posts"), peer="topic"),
        Page(f"category `/c/{t['category']}`", f"/c/{t['category']}",
             expect_count(row, (TOPICS_PER_PAGE, TOPICS_PER_PAGE + 2), "topic rows"),
             peer="forum"),
        Page("`/forums` (index)", "/forums",
             expect_count(row, TOPICS_PER_PAGE, "topic rows"), peer="index"),
        Page("search, common word", search(SEARCH_COMMON)[0],
             expect_count(hit, 20, "hits"), paths=search(SEARCH_COMMON), peer="search"),
        Page("search, rare word", search(rare)[0], expect_count(hit, (1, 20), "hits"),
             paths=search(rare)),
        Page("search, two words", search(SEARCH_TWO)[0], expect_count(hit, (1, 20), "hits"),
             paths=search(SEARCH_TWO)),
    ]


# --- wrk -------------------------------------------------------------------------------------

ROTATE_LUA = """-- Written by bench/forums.py: rotate over several requests.
local paths = {%(paths)s}
local i = 0
function init(args)
  i = math.random(#paths)
end
function request()
  i = i %% #paths + 1
  return wrk.format("%(method)s", paths[i], %(headers)s, %(body)s)
end
"""


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(workdir: Path, name: str, paths: list[str], method: str = "GET",
                 headers: dict | None = None, bodies: list[str] | None = None) -> Path:
    script = workdir / f"{name}.lua"
    if bodies:  # POST: rotate the bodies, same path
        lua = ROTATE_LUA.replace("paths[i], %(headers)s, %(body)s",
                                 f"{lua_string(paths[0])}, %(headers)s, bodies[i]")
        lua = lua.replace("local paths = {%(paths)s}",
                          "local paths = {%(paths)s}\nlocal bodies = {%(bodies)s}")
        lua = lua.replace("%(paths)s", ", ".join(lua_string(b).replace("%", "%%")
                                                  for b in bodies))
    else:  # (a path's "%C3%A9" must survive the % formatting below)
        lua = ROTATE_LUA.replace("%(paths)s", ", ".join(lua_string(p).replace("%", "%%")
                                                        for p in paths))
    header_lua = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                                 for k, v in (headers or {}).items()) + "}"
    lua = lua % {"method": method, "headers": header_lua if headers else "nil",
                 "body": "nil", "bodies": ", ".join(lua_string(b) for b in bodies or [])}
    script.write_text(lua)
    return script


def run_wrk(url: str, duration: int, script: Path | None = None,
            timeout: int = 5) -> tuple[dict, str]:
    """bench/ideas.py's run_wrk, with the request timeout as a parameter."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s",
               "--timeout", f"{timeout}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    result = subprocess.run(command + [url], capture_output=True, text=True,
                            timeout=duration + timeout + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout), result.stdout


def load(base: str, path: str, args, master: int, postgres: bool,
         script: Path | None = None, timeout: int = 5) -> dict:
    if args.warmup:
        run_wrk(base + path, args.warmup, script, timeout)
    with LoadBesidesUs(master, postgres) as other:
        stats, raw = run_wrk(base + path, args.duration, script, timeout)
    stats["other_cpu"] = other.percent
    if stats["non2xx"]:
        raise BenchError(f"{base}{path}: {stats['non2xx']} responses >= 400:\n{raw}")
    if stats["socket_errors"]:
        print(f"warning: {base}{path}: {stats['socket_detail']}", file=sys.stderr)
    return stats


def show(label: str, stats: dict) -> None:
    print(f"  {label}: {stats['rps']:.1f} req/s, p50 {stats['p50']:.1f} ms, "
          f"p99 {stats['p99']:.1f} ms (other CPU {stats['other_cpu'] or 0:.0f} %)", flush=True)


# --- FlaskBB ---------------------------------------------------------------------------------


class FlaskBB:
    """The peer, served from a fresh copy of its pristine 25-per-page database
    (/tmp/peer/SUMMARY.md, "Start FlaskBB alone"): its topic view writes a view counter."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> None:
        pristine = PEER / "flaskbb" / "pristine"
        gunicorn = PEER / "venv" / "bin" / "gunicorn"
        if not (pristine / "flaskbb_pp25.sqlite").exists() or not gunicorn.exists():
            raise BenchError(f"FlaskBB is not installed under {PEER} (see "
                             "/work/shared/peers/flaskbb/RUN.md), or use --no-flaskbb")
        run = self.workdir / "flaskbb"
        run.mkdir()
        shutil.copy(pristine / "flaskbb_pp25.sqlite", run / "flaskbb.sqlite")
        shutil.copytree(pristine / "whoosh_index", run / "whoosh_index")
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, FLASKBB_DB=f"sqlite:///{run / 'flaskbb.sqlite'}",
                   FLASKBB_WHOOSH=str(run / "whoosh_index"),
                   PATH=f"{PEER / 'venv' / 'bin'}:{os.environ.get('PATH', '')}")
        self.log = run / "gunicorn.log"
        # FlaskBB is another app: its own gunicorn command, sync workers (not Cercle's
        # gunicorn.conf.py), as many as Cercle's.
        self.process = subprocess.Popen(
            [str(gunicorn), "--chdir", str(PEER / "flaskbb"), "-w", str(WORKERS), "-k", "sync",
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--error-logfile",
             str(self.log), "wsgi:app"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"FlaskBB's gunicorn exited:\n{self.log.read_text()[-2000:]}")
            try:
                if get(self.base + "/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise BenchError("FlaskBB did not answer within 60 s")
        self.search_script = self._search_script()

    def _search_script(self) -> Path:
        """A guest search is POST /search with the session cookie and its CSRF token."""
        browser = Browser(self.base)
        status, _, html = browser.request("GET", "/search")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        if status != 200 or not token:
            raise BenchError(f"FlaskBB GET /search: {status}, token {bool(token)}")
        bodies = [urllib.parse.urlencode({"csrf_token": token.group(1), "search_query": w,
                                          "search_types": "topic", "submit": "Search"})
                  for w in FLASKBB_SEARCH_WORDS]
        status, _, html = browser.request("POST", "/search", dict(urllib.parse.parse_qsl(
            bodies[0])))
        found = html.count('href="/topic/')
        if status != 200 or found < 20:
            raise BenchError(f"FlaskBB search: {status}, {found} topic links")
        self.search_hits = found
        return write_script(self.workdir, "flaskbb-search", ["/search"], method="POST",
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Cookie": browser.cookie_header,
                                     "User-Agent": "cercle-bench-forums"},
                            bodies=bodies)

    PAGES = {
        "topic": ("FlaskBB topic, 25 posts", FLASKBB_TOPIC, r'class="post-content"', 25),
        "forum": ("FlaskBB forum page (25 topics)", FLASKBB_FORUM, r'class="topic-name', 25),
        "index": ("FlaskBB index `/`", "/", r"Total number of posts", 1),
    }

    def measure(self, kind: str, args) -> tuple[str, dict]:
        if kind == "search":
            label = "FlaskBB search (topics, guest POST)"
            # ~1 s a request, 1.6 MB each (every matching topic, no pages): with 8
            # connections on 2 workers a request waits ~4 s, past wrk's usual 5 s timeout.
            stats = load(self.base, "/search", args, self.process.pid, False,
                         self.search_script, timeout=30)
            return label, stats
        label, path, pattern, count = self.PAGES[kind]
        status, body = get(self.base + path, timeout=10)
        found = len(re.findall(pattern, body))
        if status != 200 or found < count:
            raise BenchError(f"FlaskBB {path}: {status}, {found} x {pattern!r}")
        return label, load(self.base, path, args, self.process.pid, False)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


# --- one database ----------------------------------------------------------------------------


def measure(backend: str, size: Size, args, workdir: Path, peer: FlaskBB | None) -> dict:
    url, seeded = prepare_database(backend, size, args, workdir)
    t = targets(url)
    rare = rare_words(url, workdir)
    matches = {q: count_matches(url, workdir, q)
               for q in (*SEARCH_COMMON, *rare, *SEARCH_TWO)}
    env = bench_env(url, workdir)
    env["RATELIMIT_ENABLED"] = "0"  # one client address: /search allows 30 a minute
    # 0 (default): each search runs its query; as in production (30): the rotated queries
    # are then served from the results cache (community/search/cache.py).
    env["SEARCH_CACHE_SECONDS"] = str(args.search_cache)
    if args.only == "search":  # measure search itself, not the visitors' page cache
        env["PAGE_CACHE"] = "0"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = workdir / f"gunicorn-{backend}.log"
    process = start_gunicorn(port, env, log_path)
    rows, peer_rows = [], {}
    try:
        wait_healthy(base, process, log_path)
        print(f"gunicorn (gunicorn.conf.py: {WORKERS} gthread workers x {THREADS} threads) "
              f"is up on {base} ({backend}); big topic {t['big']}, typical topic "
              f"{t['typical']}, category {t['category']}", flush=True)
        for page in cercle_pages(t, rare):
            if args.only == "search" and not page.key.startswith("search"):
                continue
            for path in page.paths or [page.path]:
                status, body = get(base + path, timeout=30)
                problem = (f"answered {status}" if status != 200 else page.check(body))
                if problem:
                    raise BenchError(f"{backend} {path}: {problem}")
            script = (write_script(workdir, f"{backend}-{len(rows)}", page.paths)
                      if page.paths else None)
            stats = load(base, page.path, args, process.pid, backend != "sqlite", script)
            show(page.key, stats)
            rows.append((page, stats))
            if peer is not None and page.peer:
                label, peer_stats = peer.measure(page.peer, args)
                show(label, peer_stats)
                peer_rows[page.peer] = (label, peer_stats)
    finally:
        stop_gunicorn(process)
    warn_log_problems(log_path, log_problems(log_path))
    return {"url": url, "seed": seeded, "targets": t, "rows": rows, "peer": peer_rows,
            "matches": matches, "rare": rare}


# --- report ----------------------------------------------------------------------------------


def report(backend: str, result: dict, peer_on: bool) -> list[str]:
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    lines = [f"#### {title}", ""]
    lines.append("| page | req/s | p50 ms | p99 ms | other CPU % | FlaskBB page | FlaskBB "
                 "req/s | p50 ms | p99 ms | other CPU % | req/s Cercle / FlaskBB |")
    lines.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for page, s in result["rows"]:
        cells = (f"| {page.key} | {s['rps']:.1f} | {s['p50']:.1f} | {s['p99']:.1f} | "
                 f"{s['other_cpu'] or 0:.0f} |")
        if peer_on and page.peer in result["peer"]:
            label, p = result["peer"][page.peer]
            ratio = f"**{s['rps'] / p['rps']:.1f}×**" if p["rps"] else "∞ (FlaskBB: 0)"
            cells += (f" {label} | {p['rps']:.1f} | {p['p50']:.1f} | {p['p99']:.1f} | "
                      f"{p['other_cpu'] or 0:.0f} | {ratio} |")
        else:
            cells += " | | | | | |"
        lines.append(cells)
    lines.append("")
    others = [s["other_cpu"] for _, s in result["rows"] if s["other_cpu"] is not None]
    if others:
        lines.append(f"CPU taken by other processes during the Cercle runs: "
                     f"{min(others):.0f}–{max(others):.0f} % of the machine.")
    t = result["targets"]
    m = result["matches"]
    lines.append(f"Subjects: topic {t['big']} ({t['big_posts']:,} posts), topic {t['typical']} "
                 f"(25 posts), category `{t['category']}`. Search documents matching each "
                 "query: " + ", ".join(f"`{q}` {n:,}" for q, n in m.items()) + ".")
    s = result["seed"]
    how = ("reused" if s.get("reused") else "seeded")
    lines.append(f"Database ({how}): {s['posts']:,} posts in {s['topics']:,} topics by "
                 f"{s['members']:,} members; {s['size']}; seeded in {s['seconds']} s "
                 f"(+ migrations {s['migrated_s']} s): {s['steps']}.")
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--members", type=int, default=forums_seed.DEFAULT_MEMBERS)
    parser.add_argument("--topics", type=int, default=forums_seed.DEFAULT_TOPICS)
    parser.add_argument("--posts", type=int, default=forums_seed.DEFAULT_POSTS)
    parser.add_argument("--big-replies", type=int, default=forums_seed.DEFAULT_BIG_REPLIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded wrk first")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database seeded earlier with the same parameters")
    parser.add_argument("--no-flaskbb", action="store_true", help="Cercle alone")
    parser.add_argument("--only", choices=("all", "search"), default="all",
                        help="search: the three search rows alone (visitors' page cache off)")
    parser.add_argument("--search-cache", type=int, default=0, metavar="SECONDS",
                        help="SEARCH_CACHE_SECONDS for Cercle (default 0: every search runs "
                             "its query; 30 as in production: served from the results cache)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for the bench (created if missing)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration 1-120, --warmup 0-30")
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    size = Size(args.members, args.topics, args.posts, args.big_replies, args.seed)
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"forums-{datetime.now():%Y%m%d-%H%M%S}-", dir=OUT))
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)
    os.environ.update(bench_env(f"sqlite:///{workdir / 'unused.db'}", workdir))

    started = time.monotonic()
    peer = None if args.no_flaskbb else FlaskBB(workdir)
    results = {}
    try:
        if peer is not None:
            peer.start()
            print(f"FlaskBB is up on {peer.base} (search for a word: {peer.search_hits} "
                  "topic links on the page)", flush=True)
        for backend in backends:
            results[backend] = measure(backend, size, args, workdir, peer)
    except (BenchError, OSError, subprocess.SubprocessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        if peer is not None:
            peer.stop()

    lines = [f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency (after "
             f"{args.warmup} s of warm-up), Cercle on gunicorn -c gunicorn.conf.py -w {WORKERS} "
             f"(gthread, {THREADS} threads), FlaskBB on gunicorn -w {WORKERS} (sync); "
             "FlaskBB measured right after the Cercle page it is compared with; "
             f"SEARCH_CACHE_SECONDS={args.search_cache}.", ""]
    for backend in backends:
        lines += report(backend, results[backend], peer is not None)
    lines.append(machine_note())
    lines.append(f"Whole run: {time.monotonic() - started:.0f} s.")
    print()
    print("\n".join(lines))
    (workdir / "report.md").write_text("\n".join(lines) + "\n")
    (workdir / "results.json").write_text(json.dumps(
        {b: {"rows": [(p.key, s) for p, s in r["rows"]], "peer": r["peer"],
             "targets": r["targets"], "matches": r["matches"], "seed": r["seed"]}
         for b, r in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
