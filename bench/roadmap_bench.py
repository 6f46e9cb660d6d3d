"""Roadmap and clubs at scale: the roadmap board, a club's page and ballot, the product team's
side-by-side view and "what happened to our requests", under gunicorn.

    .venv/bin/python bench/roadmap_bench.py [--db sqlite|postgresql|both] [--members 50000]
        [--ideas 100000] [--votes 1000000] [--clubs 100] [--club-members 10000] [--items 60]
        [--duration 10] [--warmup 2] [--worker-class gthread|sync] [--reuse]

For each database asked for:

1. seeds the ideas benchmark's scale with bench/ideas_seed.py (members, ideas, skewed votes,
   priorities; real migrations), then adds, with bulk inserts (executemany; nothing row by
   row): ``--clubs`` clubs (a fifth members-only) with ``--club-members`` memberships drawn
   among the verified members (club sizes Zipf-like, every drawn member in at least one club,
   a fifth of them in two or three; an owner and two managers each), each club's discussion
   category, 1-3 published ballot versions of 10 ideas for 90 % of clubs, ``--items`` roadmap
   items (a tenth members-only; now / next / later / quarters; planned / in progress / shipped)
   with 1-6 linked ideas each (their status follows the item), a changelog entry per shipped
   item, an official response on 3,000 ideas, and a product-team member. An SQLite file
   ``bench/out/roadmap-<size>.db`` or a schema in the PostgreSQL database of --pg-url (a
   database of its own, created if missing). With --reuse a database seeded earlier with the
   same parameters is kept;
2. starts gunicorn (gunicorn.conf.py, 2 workers, ``--worker-class``: gthread x 8 threads as
   production, or sync; 127.0.0.1, a free port), logs in through /login as product staff and
   as the most active member of the biggest public club (cookies kept by hand, the same
   User-Agent as wrk), checks each page answers 200, then runs ``wrk -t2 -c8 --latency`` on:
   ``/roadmap``, ``/clubs/<biggest public club>``, its ``/ballot``, ``/triage/clubs`` (as
   staff), ``/clubs/<slug>/requests`` and ``/settings/requests`` (as that member). A page
   whose endpoint this app does not have yet is reported as missing, not measured;
3. stops gunicorn whatever happens and prints a markdown table per database (target: p50
   under 50 ms) and a note on the machine.

Loopback only; bounded in time. Logs and the report go to a fresh directory of bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bench import ideas_seed  # noqa: E402
from bench.common import Client, bench_env, warn_log_problems  # noqa: E402
from bench.ideas import (  # noqa: E402
    LoadBesidesUs,
    engine_for,
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
    parse_wrk,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)

OUT = ROOT / "bench" / "out"
BASELINE_KIT = ROOT.parent / "shared" / "peers" / "flaskbb"  # baseline_app.py and templates/
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/cercle_bench_roadmap"
TARGET_P50_MS = 50.0
USER_AGENT = "cercle-bench-roadmap"  # urllib and wrk alike: sessions are "strong"-protected
STAFF_EMAIL = "bench-product@example.test"
MEMBERS_ONLY_SHARE = 0.2
BALLOT_SHARE = 0.9
MULTI_CLUB_SHARE = 0.2  # of drawn members: in two or three clubs
ITEM_MEMBERS_ONLY_SHARE = 0.1
OFFICIAL_RESPONSES = 3000
HORIZONS = (("now", 0.25), ("next", 0.3), ("later", 0.25), ("quarter", 0.2))
QUARTERS = ("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4")
ITEM_STATUSES = (("planned", 0.5), ("in_progress", 0.25), ("shipped", 0.25))
ANSWERS = ("Thanks, we read every vote: this is planned for the next release.",
           "We looked into it: the current export covers most of it, see the help page.",
           "This is on our roadmap; the design starts this quarter.",
           "Shipped in the last release: tell us whether it solves your need.",
           "Not for now: it would break the offline mode. We keep it open for votes.")


@dataclass(frozen=True)
class Size:
    members: int
    ideas: int
    votes: int
    clubs: int
    club_members: int
    items: int
    seed: int = 1

    @property
    def name(self) -> str:
        return (f"roadmap-m{self.members}-i{self.ideas}-v{self.votes}-c{self.clubs}"
                f"-cm{self.club_members}-r{self.items}-s{self.seed}")


@dataclass(frozen=True)
class Page:
    label: str
    endpoint: str
    path: str
    who: str  # "anonymous", "staff" or "member"


# --- seeding ---------------------------------------------------------------------------------


def _zipf_sizes(total: int, count: int, offset: int = 5, least: int = 5) -> list[int]:
    """``count`` club sizes summing to ``total``, Zipf-like (weight 1/(rank+offset))."""
    weights = [1.0 / (rank + offset) for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [max(least, int(w * scale)) for w in weights]
    n = 0
    while sum(sizes) < total:
        sizes[n % count] += 1
        n += 1
    while sum(sizes) > total:
        i = max(range(count), key=sizes.__getitem__)
        sizes[i] -= 1
    return sizes


def _pick(rng: random.Random, choices) -> str:
    draw, acc = rng.random(), 0.0
    for value, share in choices:
        acc += share
        if draw < acc:
            return value
    return choices[-1][0]


def seed_roadmap(url: str, size: Size) -> str:
    """Add the clubs, memberships, ballots, roadmap items, responses and a product-team member
    to a database the ideas seeder filled. Bulk inserts, one transaction."""
    import sqlalchemy as sa

    from community.accounts.models import Role, User
    from community.clubs.models import Club, ClubMember, ClubRole, Visibility
    from community.forums.models import ForumCategory
    from community.ideas.models import Comment, Idea, Status
    from community.roadmap.models import (
        BallotLine,
        ChangelogEntry,
        ClubBallot,
        Horizon,
        ItemStatus,
        RoadmapItem,
        RoadmapLink,
    )
    from community.timeutil import utcnow

    started = time.perf_counter()
    rng = random.Random(size.seed)
    now = utcnow().replace(microsecond=0)
    engine = engine_for(url)
    postgres = engine.dialect.name == "postgresql"
    try:
        with engine.begin() as db:
            password_hash = db.execute(sa.text("SELECT password_hash FROM users WHERE id = 1")
                                       ).scalar_one()
            verified = list(db.execute(sa.text(
                "SELECT id FROM users WHERE email_verified_at IS NOT NULL AND role = 'member' "
                "AND deleted_at IS NULL ORDER BY id")).scalars())
            staff_id = db.execute(sa.text("SELECT max(id) FROM users")).scalar_one() + 1
            db.execute(User.__table__.insert(), [{
                "id": staff_id, "handle": "bench-product", "display_name": "Bench Product",
                "email": STAFF_EMAIL, "email_normalized": STAFF_EMAIL,
                "email_verified_at": now - timedelta(days=500), "password_hash": password_hash,
                "session_nonce": "p" * 16, "role": Role.PRODUCT, "locale": "en",
                "is_demo": False, "created_at": now - timedelta(days=501), "trust_level": 3}])

            # Clubs and their categories.
            clubs, categories = [], []
            for n in range(1, size.clubs + 1):
                members_only = n % round(1 / MEMBERS_ONLY_SHARE) == 0
                slug = f"club-{n:03d}"
                clubs.append({
                    "id": n, "slug": slug, "name": f"Customer club {n:03d}",
                    "description_md": f"The users of product line {n}.",
                    "description_html": f"<p>The users of product line {n}.</p>",
                    "visibility": Visibility.MEMBERS if members_only else Visibility.PUBLIC,
                    "logo_version": 0, "created_at": now - timedelta(days=400 - n)})
                categories.append({
                    "slug": f"club-{slug}", "name": f"Customer club {n:03d}",
                    "description": "", "colour": "#3b6ea5", "position": 100 + n,
                    "club_id": n if members_only else None, "staff_only": False,
                    "topic_count": 0, "post_count": 0})
            db.execute(Club.__table__.insert(), clubs)
            db.execute(ForumCategory.__table__.insert(), categories)

            # Memberships: every drawn member in one club, a fifth in two or three.
            sizes = _zipf_sizes(size.club_members, size.clubs)
            drawn = rng.sample(verified, min(len(verified), int(size.club_members / 1.25)))
            slots = [club for club, count in enumerate(sizes, start=1) for _ in range(count)]
            rng.shuffle(slots)
            seen: set[tuple[int, int]] = set()
            memberships = []
            extra = iter(rng.choices(drawn, k=len(slots) * 3))
            for n, club_id in enumerate(slots):
                user_id = drawn[n] if n < len(drawn) else next(extra)
                while (club_id, user_id) in seen:
                    user_id = next(extra)
                seen.add((club_id, user_id))
                memberships.append({"club_id": club_id, "user_id": user_id,
                                    "organisation": f"Organisation {user_id % 997}",
                                    "role": ClubRole.MEMBER,
                                    "joined_at": now - timedelta(days=rng.uniform(1, 300))})
            by_club: dict[int, list[dict]] = {}
            for row in memberships:
                by_club.setdefault(row["club_id"], []).append(row)
            for rows in by_club.values():
                for position, row in enumerate(rows[:3]):
                    row["role"] = ClubRole.OWNER if position == 0 else ClubRole.MANAGER
            for n in range(0, len(memberships), 20_000):
                db.execute(ClubMember.__table__.insert(), memberships[n:n + 20_000])

            # Ballots: from the 1,000 most voted open ideas, 1-3 versions each.
            popular = list(db.execute(
                sa.select(Idea.id).where(Idea.status.notin_([Status.MERGED, Status.SHIPPED,
                                                              Status.DECLINED,
                                                              Status.ALREADY_EXISTS]))
                .order_by(Idea.vote_count.desc(), Idea.id).limit(1000)).scalars())
            ballots, lines, ballot_id = [], [], 0
            for club_id in range(1, size.clubs + 1):
                if rng.random() >= BALLOT_SHARE or not popular:
                    continue
                owner = by_club[club_id][0]["user_id"] if club_id in by_club else None
                chosen = rng.sample(popular[:300], min(10, len(popular)))
                for version in range(1, rng.randint(1, 3) + 1):
                    ballot_id += 1
                    ballots.append({"id": ballot_id, "club_id": club_id, "version": version,
                                    "published_by_id": owner,
                                    "published_at": now - timedelta(days=90 - 30 * version)})
                    lines += [{"ballot_id": ballot_id, "position": p, "idea_id": idea_id,
                               "reason": f"Our members rank it #{p}."}
                              for p, idea_id in enumerate(chosen, start=1)]
                    chosen = chosen[:7] + rng.sample(
                        [i for i in popular if i not in chosen], min(3, len(popular)))
            if ballots:
                db.execute(ClubBallot.__table__.insert(), ballots)
                db.execute(BallotLine.__table__.insert(), lines)

            # Roadmap items with their ideas (whose status follows the item).
            pool = rng.sample(popular[:3000] if len(popular) >= 600 else popular,
                              min(len(popular), size.items * 6))
            items, links, entries, restatus = [], [], [], []
            cursor = 0
            for n in range(1, size.items + 1):
                horizon = _pick(rng, HORIZONS)
                status = _pick(rng, ITEM_STATUSES)
                members_only = rng.random() < ITEM_MEMBERS_ONLY_SHARE
                created = now - timedelta(days=rng.uniform(5, 200))
                items.append({
                    "id": n, "title": f"Roadmap item {n}: better {n % 7 and 'reports' or 'sync'}",
                    "body_md": f"What item {n} brings.", "body_html": f"<p>What item {n} "
                    "brings.</p>", "horizon": Horizon(horizon),
                    "quarter": rng.choice(QUARTERS) if horizon == "quarter" else None,
                    "status": ItemStatus(status), "members_only": members_only,
                    "position": n, "created_by_id": staff_id, "created_at": created,
                    "updated_at": created,
                    "shipped_at": now - timedelta(days=rng.uniform(1, 4))
                    if status == "shipped" else None})
                for idea_id in pool[cursor:cursor + rng.randint(1, 6)]:
                    links.append({"idea_id": idea_id, "item_id": n, "linked_at": created})
                    restatus.append({"b_id": idea_id, "b_status": Status(status),
                                     "b_at": created})
                cursor += 6
                if status == "shipped":
                    entries.append({"item_id": n, "title": items[-1]["title"],
                                    "body_md": "Now live.", "body_html": "<p>Now live.</p>",
                                    "members_only": members_only,
                                    "published_at": items[-1]["shipped_at"]})
            db.execute(RoadmapItem.__table__.insert(), items)
            if links:
                db.execute(RoadmapLink.__table__.insert(), links)
                db.execute(Idea.__table__.update().where(Idea.id == sa.bindparam("b_id"))
                           .values(status=sa.bindparam("b_status"),
                                   status_changed_at=sa.bindparam("b_at")), restatus)
            if entries:
                db.execute(ChangelogEntry.__table__.insert(), entries)

            # Official responses: every linked idea, then popular ones, 3,000 in all.
            answered = list(dict.fromkeys([link["idea_id"] for link in links] + popular))
            answered += rng.sample(range(1, size.ideas + 1), min(size.ideas, OFFICIAL_RESPONSES))
            answered = list(dict.fromkeys(answered))[:OFFICIAL_RESPONSES]
            comments = []
            for idea_id in answered:
                text = rng.choice(ANSWERS)
                comments.append({"idea_id": idea_id, "author_id": staff_id, "body_md": text,
                                 "body_html": f"<p>{text}</p>", "official": True,
                                 "created_at": now - timedelta(days=rng.uniform(0, 60))})
            db.execute(Comment.__table__.insert(), comments)
            db.execute(Idea.__table__.update().where(Idea.id == sa.bindparam("b_id"))
                       .values(comment_count=Idea.comment_count + 1),
                       [{"b_id": idea_id} for idea_id in answered])
            if postgres:  # explicit ids went in: move the sequences past them
                for table in ("users", "clubs", "club_ballots", "roadmap_items"):
                    db.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))")
        if postgres:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                db.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    multi = len(memberships) - len({row["user_id"] for row in memberships})
    return (f"added {size.clubs} clubs, {len(memberships)} memberships "
            f"({len({row['user_id'] for row in memberships})} members, {multi} extra "
            f"memberships), {len(ballots)} ballot versions ({len(lines)} lines), "
            f"{len(items)} roadmap items ({len(links)} linked ideas, {len(entries)} shipped), "
            f"{len(comments)} official responses in {time.perf_counter() - started:.1f}s")


def prepare_database(backend: str, size: Size, args, workdir: Path) -> tuple[str, str]:
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
        ideas_seed.migrate(url, workdir)
        lacking = schema_difference(url)
        clubs = scalar(url, "SELECT count(*) FROM clubs")
        if not lacking and clubs == size.clubs:
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
    print(f"seeding {backend}: {size.ideas:,} ideas, {size.votes:,} votes, "
          f"{size.members:,} members ...", flush=True)
    seeded = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "ideas_seed.py"), target,
         "--members", str(size.members), "--ideas", str(size.ideas), "--votes",
         str(size.votes), "--seed", str(size.seed), "--instance", str(workdir),
         "--no-verify"],
        cwd=ROOT, env=bench_env(url, workdir), timeout=1200, capture_output=True, text=True)
    if seeded.returncode != 0:
        raise BenchError(f"seeding failed:\n{seeded.stdout}{seeded.stderr}")
    note = seeded.stdout.strip() + "; " + seed_roadmap(url, size)
    print(note, flush=True)
    marker.write_text(f"{datetime.now():%Y-%m-%d %H:%M}: {note}\n")
    return url, note


# --- what to measure -------------------------------------------------------------------------


def endpoints_of_app(url: str, workdir: Path) -> set[str]:
    """The endpoints the app has today (other pages of the roadmap may not exist yet)."""
    os.environ.update(bench_env(url, workdir))
    from community import create_app
    from community.config import Config

    app = create_app(Config())
    try:
        return set(app.view_functions)
    finally:
        from community.extensions import db

        with app.app_context():
            db.engine.dispose()


def choose_pages(url: str) -> tuple[list[Page], str]:
    """The pages, on the biggest public club; and the e-mail of that club's most active
    member (their requests are the longest)."""
    club = scalar(url, "SELECT c.slug FROM clubs c JOIN club_members m ON m.club_id = c.id "
                       "WHERE c.visibility = 'public' GROUP BY c.id, c.slug "
                       "ORDER BY count(*) DESC, c.id LIMIT 1")
    email = scalar(url, "SELECT u.email FROM users u JOIN club_members m ON m.user_id = u.id "
                        "JOIN clubs c ON c.id = m.club_id AND c.slug = :slug "
                        "LEFT JOIN votes v ON v.user_id = u.id GROUP BY u.id, u.email "
                        "ORDER BY count(v.id) DESC, u.id LIMIT 1", slug=club)
    pages = [
        Page("roadmap board `/roadmap`", "roadmap.board", "/roadmap", "anonymous"),
        Page("club page `/clubs/<slug>`", "clubs.show", f"/clubs/{club}", "anonymous"),
        Page("club ballot `/clubs/<slug>/ballot`", "clubs.ballot", f"/clubs/{club}/ballot",
             "anonymous"),
        Page("side by side `/triage/clubs` (staff)", "roadmap.side_by_side", "/triage/clubs",
             "staff"),
        Page("club requests `/clubs/<slug>/requests` (member)", "clubs.requests",
             f"/clubs/{club}/requests", "member"),
        Page("my requests `/settings/requests` (member)", "roadmap.my_requests",
             "/settings/requests", "member"),
    ]
    return pages, email


class Browser(Client):
    user_agent = USER_AGENT

    def __init__(self, base: str) -> None:
        address = urllib.parse.urlsplit(base)
        super().__init__(address.hostname, address.port, timeout=15)


def run_wrk(url: str, duration: int, cookie: str = "") -> tuple[dict, str]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s",
               "--timeout", "5s", "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(command + [url], capture_output=True, text=True,
                            timeout=duration + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout), result.stdout


def measure(backend: str, size: Size, args, workdir: Path) -> dict:
    url, note = prepare_database(backend, size, args, workdir)
    present = endpoints_of_app(url, workdir)
    pages, member_email = choose_pages(url)
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
        cookies = {"anonymous": ""}
        for who, email in (("staff", STAFF_EMAIL), ("member", member_email)):
            browser = Browser(base)
            browser.log_in(email, ideas_seed.BENCH_PASSWORD)
            cookies[who] = browser.cookie_header
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
            (workdir / f"wrk-{backend}-{page.endpoint}.txt").write_text(raw)
            if stats["non2xx"]:
                results[page.label] = {"failed": f"{stats['non2xx']} of {stats['requests']} "
                                                 "answers not 2xx"}
                print(f"{page.path}: {results[page.label]['failed']}: not measured (see "
                      f"{log_path.name})", file=sys.stderr, flush=True)
                continue
            results[page.label] = stats
            print(f"{backend} {page.path}: {stats['rps']:.0f} req/s, p50 {stats['p50']:.1f} "
                  f"ms, p99 {stats['p99']:.1f} ms", flush=True)
    finally:
        stop_gunicorn(process)
        warn_log_problems(log_path, log_problems(log_path))
    return {"seed": note, "pages": results, "member": member_email}


def measure_baseline(args, workdir: Path) -> dict:
    """The bare-Flask baseline of the peers' kit (``baseline_app.py``: ``/db`` reads 25 rows of
    a 50,000-row SQLite table through the SQLAlchemy ORM and renders them), served by the same
    gunicorn (2 workers, the same worker class and threads) and measured with the same wrk
    command, so Cercle's figures of the run can be read as ratios to it."""
    kit = Path(args.baseline_kit)
    if not (kit / "baseline_app.py").exists():
        raise BenchError(f"no baseline_app.py in {kit}")
    home = workdir / "baseline"
    shutil.copytree(kit / "templates", home / "templates")
    shutil.copy(kit / "baseline_app.py", home / "app.py")
    env = {**os.environ, "BASELINE_DB": str((home / "baseline.sqlite").resolve())}
    subprocess.run([str(VENV_BIN / "python"), "app.py"], cwd=home, env=env, check=True,
                   timeout=300, capture_output=True)
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "--chdir", str(home), "-w", str(WORKERS),
               "-k", args.worker_class, "-b", f"127.0.0.1:{port}", "app:app"]
    if args.worker_class == "gthread":
        command += ["--threads", str(THREADS)]
    log_path = workdir / "gunicorn-baseline.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=home, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = Browser(base).request("GET", "/db")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError(f"the baseline app did not start (see {log_path.name})")
            time.sleep(0.2)
        if args.warmup:
            run_wrk(base + "/db", args.warmup)
        with LoadBesidesUs(process.pid, False) as other:
            stats, raw = run_wrk(base + "/db", args.duration)
        stats["other_cpu"] = other.percent
        (workdir / "wrk-baseline-db.txt").write_text(raw)
        print(f"baseline /db: {stats['rps']:.0f} req/s, p50 {stats['p50']:.1f} ms, "
              f"p99 {stats['p99']:.1f} ms", flush=True)
        return stats
    finally:
        stop_gunicorn(process)


def report(backends: list[str], results: dict, args, size: Size) -> list[str]:
    lines = [f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency (after "
             f"{args.warmup}s of warm-up), gunicorn -c gunicorn.conf.py -w {WORKERS} "
             f"({args.worker_class}"
             f"{f', {THREADS} threads' if args.worker_class == 'gthread' else ''}); "
             f"{size.members:,} members, {size.ideas:,} ideas, {size.votes:,} votes, "
             f"{size.clubs} clubs, {size.club_members:,} club memberships, {size.items} "
             f"roadmap items.", ""]
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
        missing = [s["missing"] for s in results[b]["pages"].values() if "missing" in s]
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
                     f"{baseline['p99']:.1f} ms (other CPU {baseline.get('other_cpu') or 0:.0f} "
                     "%).")
        for b in backends:
            ratios = [f"{label.split('`')[1] if '`' in label else label} "
                      f"{s['rps'] / baseline['rps']:.2f}"
                      for label, s in results[b]["pages"].items() if "rps" in s]
            lines.append(f"{b}: req/s as a share of the baseline's: {', '.join(ratios)}.")
    lines.append(f"Target: p50 under {TARGET_P50_MS:.0f} ms (misses in bold).")
    lines.append(machine_note())
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--members", type=int, default=ideas_seed.DEFAULT_MEMBERS)
    parser.add_argument("--ideas", type=int, default=ideas_seed.DEFAULT_IDEAS)
    parser.add_argument("--votes", type=int, default=ideas_seed.DEFAULT_VOTES)
    parser.add_argument("--clubs", type=int, default=100)
    parser.add_argument("--club-members", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=60)
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
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration 1..120, --warmup 0..30")
    if not 1 <= args.clubs <= 10_000 or args.club_members < 5 * args.clubs:
        parser.error("--clubs 1..10000, and at least 5 club members a club")
    if args.items < 1 or min(args.members, args.ideas, args.votes) < 1:
        parser.error("--items, --members, --ideas and --votes must be >= 1")
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    size = Size(args.members, args.ideas, args.votes, args.clubs, args.club_members,
                args.items, args.seed)
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"roadmap-{datetime.now():%Y%m%d-%H%M%S}-",
                                    dir=OUT))
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)
    # community.config reads the instance path at import: before anything imports it here.
    os.environ.update(bench_env(f"sqlite:///{workdir / 'unused.db'}", workdir))
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
