"""Groups at scale: the group list (and its search), a group's page (the biggest and a typical
one) and the directory search of the biggest group, under gunicorn.

    .venv/bin/python bench/groups_bench.py [--db sqlite|postgresql|both] [--members 50000]
        [--groups 10000] [--memberships 200000] [--duration 10] [--warmup 2]
        [--worker-class gthread|sync] [--reuse] [--baseline]

For each database asked for:

1. seeds with bench/groups_seed.py (members through bench/ideas_seed.py with the real
   migrations, then ``--groups`` groups a tenth secret and a fifth private, each with its forum
   category, ``--memberships`` memberships with Zipf-like group sizes, directory cards, events
   and RSVPs; bulk inserts): an SQLite file ``bench/out/<size>.db`` or a schema in the
   PostgreSQL database of --pg-url (created if missing). With --reuse a database seeded earlier
   with the same parameters is kept;
2. starts gunicorn (gunicorn.conf.py, 2 workers, ``--worker-class``: gthread x 8 threads as
   production, or sync; 127.0.0.1, a free port), logs in through /login as the bench member
   (a member of the biggest group and of a typical one; cookies kept by hand, the same
   User-Agent as wrk), checks each page answers 200, then runs ``wrk -t2 -c8 --latency`` on:
   ``/groups`` (a visitor, then the member), ``/groups?q=lyon``, ``/groups/<biggest>``,
   ``/groups/<typical>``, ``/groups/<biggest>/directory`` and its search ``?q=acme`` (as the
   member). A page whose endpoint this app does not have yet is reported as missing, not
   measured;
3. stops gunicorn whatever happens and prints a markdown table per database (target: p50
   under 50 ms) and a note on the machine.

``--profile`` instead runs each page 20 times in process (the Flask test client against the
bench database, cProfile) and prints the top functions by cumulative time and the SQL
statements with their time, to find a slow page's hot spot.

Loopback only; bounded in time. Logs and the report go to a fresh directory of bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bench import groups_seed, ideas_seed  # noqa: E402
from bench.common import bench_env, warn_log_problems  # noqa: E402
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
    THREADS,
    WORKERS,
    WRK_CONNECTIONS,
    WRK_THREADS,
    BenchError,
    free_port,
    log_problems,
    machine_note,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)
from bench.roadmap_bench import (  # noqa: E402
    Browser,
    Page,
    endpoints_of_app,
    measure_baseline,
    run_wrk,
)

OUT = ROOT / "bench" / "out"
BASELINE_KIT = ROOT.parent / "shared" / "peers" / "flaskbb"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/cercle_bench_groups"
TARGET_P50_MS = 50.0
GROUP_QUERY = "lyon"  # a city: about one group name in twelve
DIRECTORY_QUERY = "acme"  # a company: about one directory card in twelve


# --- the database ----------------------------------------------------------------------------


def prepare_database(backend: str, size: groups_seed.Size, args,
                     workdir: Path) -> tuple[str, str]:
    """Seed (or, with --reuse, keep) this backend's database; return (URL, note)."""
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
        lacking = schema_difference(url)
        groups = scalar(url, "SELECT count(*) FROM groups")
        if not lacking and groups == size.groups:
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
    print(f"seeding {backend}: {size.groups:,} groups, {size.memberships:,} memberships, "
          f"{size.members:,} members ...", flush=True)
    try:
        note = groups_seed.seed(target, size, workdir)
    except (RuntimeError, subprocess.SubprocessError) as error:
        raise BenchError(str(error)) from error
    print(note, flush=True)
    marker.write_text(f"{datetime.now():%Y-%m-%d %H:%M}: {note}\n")
    return url, note


# --- what to measure -------------------------------------------------------------------------


def choose_pages(url: str) -> list[Page]:
    """The biggest group (public, the bench member in it) and a typical public one the bench
    member belongs to (the median size)."""
    member = scalar(url, "SELECT id FROM users WHERE email = :e", e=ideas_seed.BENCH_EMAIL)
    big = scalar(url, "SELECT slug FROM groups WHERE visibility = 'public' "
                      "ORDER BY member_count DESC, id LIMIT 1")
    typical = scalar(url, "SELECT g.slug FROM groups g JOIN group_members m "
                          "ON m.group_id = g.id AND m.user_id = :u WHERE g.slug != :big "
                          "AND g.visibility = 'public' ORDER BY g.member_count, g.id LIMIT 1",
                     u=member, big=big)
    big_count = scalar(url, "SELECT member_count FROM groups WHERE slug = :s", s=big)
    typical_count = scalar(url, "SELECT member_count FROM groups WHERE slug = :s", s=typical)
    return [
        Page("group list `/groups`", "groups.index", "/groups", "anonymous"),
        Page("group list `/groups` (member)", "groups.index", "/groups", "member"),
        Page(f"group search `/groups?q={GROUP_QUERY}`", "groups.index",
             f"/groups?q={GROUP_QUERY}", "anonymous"),
        Page(f"big group `/groups/<slug>` ({big_count:,} members)", "groups.page",
             f"/groups/{big}", "anonymous"),
        Page(f"typical group `/groups/<slug>` ({typical_count} members)", "groups.page",
             f"/groups/{typical}", "anonymous"),
        Page("directory `/groups/<big>/directory` (member)", "groups.directory",
             f"/groups/{big}/directory", "member"),
        Page(f"directory search `?q={DIRECTORY_QUERY}` (member)", "groups.directory",
             f"/groups/{big}/directory?q={DIRECTORY_QUERY}", "member"),
    ]


def measure(backend: str, size: groups_seed.Size, args, workdir: Path) -> dict:
    url, note = prepare_database(backend, size, args, workdir)
    present = endpoints_of_app(url, workdir)
    pages = choose_pages(url)
    env = bench_env(url, workdir)
    if args.worker_class != "gthread":
        env["GUNICORN_CMD_ARGS"] = f"--worker-class {args.worker_class}"
    log_path = workdir / f"gunicorn-{backend}.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_gunicorn(port, env, log_path)
    results: dict[str, dict] = {}
    try:
        wait_healthy(base, process, log_path)
        browser = Browser(base)
        browser.log_in(ideas_seed.BENCH_EMAIL, ideas_seed.BENCH_PASSWORD)
        cookies = {"anonymous": "", "member": browser.cookie_header}
        for page in pages:
            if page.endpoint not in present:
                results[page.label] = {"missing": page.endpoint}
                print(f"{page.path}: no endpoint {page.endpoint} in this app yet", flush=True)
                continue
            browser = Browser(base)
            if cookies[page.who]:
                browser.cookies = dict(c.split("=", 1) for c in cookies[page.who].split("; "))
            browser.freeze()
            status, _, body = browser.request("GET", page.path)
            if status != 200:
                results[page.label] = {"failed": f"answered {status}"}
                print(f"GET {page.path} as {page.who} answered {status}: not measured\n"
                      f"{body[:800]}", file=sys.stderr, flush=True)
                continue
            if args.warmup:
                run_wrk(base + page.path, args.warmup, cookies[page.who])
            with LoadBesidesUs(process.pid, backend == "postgresql") as other:
                stats, raw = run_wrk(base + page.path, args.duration, cookies[page.who])
            stats["other_cpu"] = other.percent
            stats["bytes"] = len(body.encode())
            tag = page.label.split("`")[0].strip().replace(" ", "-")
            (workdir / f"wrk-{backend}-{tag}-{page.who}.txt").write_text(raw)
            if stats["non2xx"]:
                results[page.label] = {"failed": f"{stats['non2xx']} of {stats['requests']} "
                                                 "answers not 2xx"}
                print(f"{page.path}: {results[page.label]['failed']}: not measured (see "
                      f"{log_path.name})", file=sys.stderr, flush=True)
                continue
            results[page.label] = stats
            print(f"{backend} {page.path} ({page.who}): {stats['rps']:.0f} req/s, p50 "
                  f"{stats['p50']:.1f} ms, p99 {stats['p99']:.1f} ms", flush=True)
    finally:
        stop_gunicorn(process)
        warn_log_problems(log_path, log_problems(log_path))
    return {"seed": note, "pages": results}


# --- in-process profile ----------------------------------------------------------------------


def profile(backend: str, size: groups_seed.Size, args, workdir: Path, runs: int = 20) -> None:
    """Each page ``runs`` times through the test client, under cProfile, with the SQL timed."""
    import cProfile
    import io
    import pstats

    import sqlalchemy as sa

    url, _ = prepare_database(backend, size, args, workdir)
    pages = choose_pages(url)
    os.environ.update(bench_env(url, workdir))
    from community import create_app
    from community.config import Config
    from community.extensions import db

    app = create_app(Config())
    statements: list[tuple[float, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((time.perf_counter() - context._bench_started, statement))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", before)
        sa.event.listen(db.engine, "after_cursor_execute", after)
        member = scalar(url, "SELECT id FROM users WHERE email = :e", e=ideas_seed.BENCH_EMAIL)
        nonce = scalar(url, "SELECT session_nonce FROM users WHERE id = :u", u=member)
    for page in pages:
        if page.endpoint not in app.view_functions:
            print(f"\n## {page.label}: no endpoint {page.endpoint} yet")
            continue
        client = app.test_client()
        if page.who == "member":
            from bench.common import csrf_token

            html = client.get("/login").get_data(as_text=True)
            answer = client.post("/login", data={
                "csrf_token": csrf_token(html), "email": ideas_seed.BENCH_EMAIL,
                "password": ideas_seed.BENCH_PASSWORD})
            if answer.status_code != 302:
                print(f"log-in refused ({answer.status_code}; nonce {nonce})")
                continue
        status = client.get(page.path).status_code
        statements.clear()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(runs):
            client.get(page.path)
        profiler.disable()
        elapsed = (time.perf_counter() - started) / runs * 1000
        print(f"\n## {page.label} ({backend}): {status}, {elapsed:.1f} ms a request in "
              f"process, {len(statements) / runs:.0f} SQL statements a request, "
              f"{sum(t for t, _ in statements) / runs * 1000:.1f} ms of SQL")
        slowest: dict[str, float] = {}
        for seconds, statement in statements:
            key = " ".join(statement.split())[:300]
            slowest[key] = slowest.get(key, 0.0) + seconds / runs
        for statement, seconds in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {seconds * 1000:7.2f} ms  {statement}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print("\n".join(line for line in out.getvalue().splitlines()
                        if "community/" in line or "templates" in line)[:4000])
    with app.app_context():
        db.engine.dispose()


# --- the report ------------------------------------------------------------------------------


def report(backends: list[str], results: dict, args, size: groups_seed.Size) -> list[str]:
    lines = [f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency (after "
             f"{args.warmup}s of warm-up), gunicorn -c gunicorn.conf.py -w {WORKERS} "
             f"({args.worker_class}"
             f"{f', {THREADS} threads' if args.worker_class == 'gthread' else ''}); "
             f"{size.members:,} members, {size.groups:,} groups, {size.memberships:,} "
             f"memberships.", ""]
    header = "| page |" + "".join(f" {b} req/s | p50 ms | p99 ms |" for b in backends)
    lines += [header, "|---|" + "---:|---:|---:|" * len(backends)]
    labels = list(dict.fromkeys(label for b in backends for label in results[b]["pages"]))
    for label in labels:
        cells = []
        for b in backends:
            stats = results[b]["pages"].get(label, {})
            if "rps" in stats:
                mark = "**" if stats["p50"] >= TARGET_P50_MS else ""
                cells.append(f" {stats['rps']:.0f} | {mark}{stats['p50']:.1f}{mark} | "
                             f"{stats['p99']:.1f} |")
            else:
                cells.append(f" {'failed' if 'failed' in stats else 'missing'} | | |")
        lines.append(f"| {label} |" + "".join(cells))
    lines.append("")
    for b in backends:
        failed = [f"{label} ({s['failed']})" for label, s in results[b]["pages"].items()
                  if "failed" in s]
        if failed:
            lines.append(f"{b}: failed: {'; '.join(failed)}.")
        missing = sorted({s["missing"] for s in results[b]["pages"].values() if "missing" in s})
        if missing:
            lines.append(f"{b}: not measured, endpoint not in the app yet: {', '.join(missing)}.")
        others = [s.get("other_cpu") for s in results[b]["pages"].values() if "rps" in s]
        if others and all(o is not None for o in others):
            busiest = max(others)
            lines.append(f"{b}: other processes took at most {busiest:.0f} % of the CPUs while "
                         f"wrk ran" + (" (above the 10 % this bench trusts)"
                                       if busiest > OTHER_LOAD_WARN else "") + ".")
        lines.append(f"{b} seed: {results[b]['seed']}")
    baseline = results.get("baseline")
    if baseline:
        lines.append(f"Bare-Flask baseline (`baseline_app.py` `/db`, same gunicorn and wrk): "
                     f"{baseline['rps']:.0f} req/s, p50 {baseline['p50']:.1f} ms, p99 "
                     f"{baseline['p99']:.1f} ms.")
    lines.append(f"Target: p50 under {TARGET_P50_MS:.0f} ms (misses in bold).")
    lines.append(machine_note())
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--members", type=int, default=groups_seed.DEFAULT_MEMBERS)
    parser.add_argument("--groups", type=int, default=groups_seed.DEFAULT_GROUPS)
    parser.add_argument("--memberships", type=int, default=groups_seed.DEFAULT_MEMBERSHIPS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="a PostgreSQL database of the benchmark's own (created if missing)")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded earlier")
    parser.add_argument("--baseline", action="store_true",
                        help="also measure the bare-Flask baseline (baseline_app.py /db)")
    parser.add_argument("--baseline-kit", default=str(BASELINE_KIT),
                        help="the directory holding baseline_app.py and its templates/")
    parser.add_argument("--profile", action="store_true",
                        help="profile each page in process instead of measuring it")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration 1..120, --warmup 0..30")
    if args.members < 100 or args.groups < 10 or args.memberships < 3 * args.groups:
        parser.error("--members >= 100, --groups >= 10, and at least 3 memberships a group")
    if not args.profile and shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    size = groups_seed.Size(args.members, args.groups, args.memberships, args.seed)
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"groups-{datetime.now():%Y%m%d-%H%M%S}-",
                                    dir=OUT))
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)
    # community.config reads the instance path at import: before anything imports it here.
    os.environ.update(bench_env(f"sqlite:///{workdir / 'unused.db'}", workdir))
    if args.profile:
        for backend in backends:
            profile(backend, size, args, workdir)
        return 0
    results = {}
    started = time.monotonic()
    if args.baseline:
        try:
            results["baseline"] = measure_baseline(args, workdir)
        except (BenchError, OSError, subprocess.SubprocessError) as error:
            print(f"baseline: not measured: {error}", file=sys.stderr, flush=True)
    for backend in backends:
        try:
            results[backend] = measure(backend, size, args, workdir)
        except (BenchError, OSError, subprocess.SubprocessError, SQLAlchemyError) as error:
            print(f"{backend}: benchmark failed: {error}", file=sys.stderr)
            if backend == "postgresql" and "sqlite" in results:
                backends = ["sqlite"]
                break
            return 1
    lines = report(backends, results, args, size)
    lines.append(f"Whole run: {time.monotonic() - started:.0f}s.")
    print()
    print("\n".join(lines))
    (workdir / "report.md").write_text("\n".join(lines) + "\n")
    (workdir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
