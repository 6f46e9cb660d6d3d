"""Fill a fresh database with members, ideas, votes and priorities at scale, for bench/ideas.py.

    .venv/bin/python bench/ideas_seed.py DB [--members 50000] [--ideas 100000]
        [--votes 1000000] [--seed 1] [--instance DIR]

DB is an SQLite file to create (``bench/out/x.db``) or a PostgreSQL URL
(``postgresql://postgres@127.0.0.1:5432/cercle_bench_ideas``, optionally with
``?options=-csearch_path%3D<schema>``: the schema must exist and be empty). The schema comes
from the real migrations (``flask --app app db upgrade`` in a subprocess, as
bench/seed_members.py does); the rows go in with SQLAlchemy core executemany in big batches,
and on PostgreSQL the big tables (votes, idea_terms, priority_entries) with COPY.

The data is skewed as on a real site:

- idea popularity is Zipf-like (weight ``1 / (rank + 10)``): at 100,000 ideas and 1,000,000
  votes the top idea gets about 6,000 votes and the top 1 % of ideas about 45 % of them;
- member activity is Zipf-like too (``1 / (rank + 50)``): a median member casts a few votes,
  the most active a few thousand; 5 % of members never verified their e-mail and cast none;
  0.2 % are staff (their votes are counted apart), 0.2 % had their votes discounted;
- one vote per (idea, member); importance 1/2/3 with probabilities 50/35/15 %;
- ideas were created over the past 300 days, members 30 to 730 days ago; each vote falls
  between the later of the two and now (or the day the idea closed);
- 8 categories, 70 % of ideas in one; 30 % of ideas have 1-3 tags; every idea has its
  ``idea_terms`` (the similar-ideas index); ~1 % are merged into another idea (and hold no
  votes), ~10 % are past "open";
- 20 % of members (among those with 3+ votes) keep a ballot of 3-10 of the ideas they voted
  for, in ``priority_entries``.

Each vote's ``weight``, ``trending_term``, ``staff`` and ``established`` are what
``community.ideas.service`` would have stored when it was cast (``ranking.vote_weight``,
``ranking.trending_term`` with TRENDING_EPOCH and TRENDING_HALF_LIFE_HOURS from Config,
``trust.weights`` with the member's age and state at that time), and the ideas' counters
(vote_count, staff_vote_count, established_vote_count, top_score, trusted_score,
trending_score, priority_score) are the sums of those, computed in Python while generating
and written with the ideas. The app's own recount (``service.recount_all``, rolled back)
then checks them (``--no-verify`` skips it).

Every member shares one scrypt hash, of BENCH_PASSWORD; the member BENCH_EMAIL (verified,
400 days old: established; trust level BENCH_LEVEL, without a limit of votes an hour) is the
one bench/ideas.py logs in as to vote.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from bisect import bisect_right
from datetime import datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
if str(ROOT) not in sys.path:  # run as a script: make ``community`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import bench_env  # noqa: E402

DEFAULT_MEMBERS = 50_000
DEFAULT_IDEAS = 100_000
DEFAULT_VOTES = 1_000_000
BENCH_EMAIL = "bench-voter@example.test"
BENCH_HANDLE = "bench-voter"
BENCH_PASSWORD = "bench-voter-lantern-orchard-92"
# The voter's trust level: "regular" (community/trust/levels.py), which has no limit of votes
# an hour. At "member" (120 first votes an hour) the vote benchmark cast 120 votes, and every
# later first vote was refused (a 302 back to the idea with a message, no row), which it
# counted as changes of importance; on a database reused within the hour even its sample
# vote was refused ("sample vote: 302 … 0 row(s)").
BENCH_LEVEL = 3
BATCH = 20_000
DAY = 86_400.0

IDEA_RANK_OFFSET = 10  # Zipf-Mandelbrot: weight 1 / (rank + offset)
MEMBER_RANK_OFFSET = 50
IMPORTANCE_WEIGHTS = (50, 35, 15)  # importance 1, 2, 3
UNVERIFIED_SHARE = 0.05
STAFF_SHARE = 0.002
DISCOUNTED_SHARE = 0.002
TAGGED_SHARE = 0.30
BALLOT_SHARE = 0.20
WHY_SHARE = 0.05
STATUSES = (  # (status value, share): closed ones stop taking votes when they close
    ("open", 0.88), ("under_review", 0.03), ("planned", 0.03), ("in_progress", 0.01),
    ("shipped", 0.02), ("declined", 0.01), ("already_exists", 0.01), ("merged", 0.01),
)
CLOSED = {"shipped", "declined", "already_exists", "merged"}

VERBS = ("Export", "Import", "Filter", "Share", "Schedule", "Archive", "Sync", "Search",
         "Tag", "Sort", "Print", "Translate", "Merge", "Duplicate", "Comment on", "Pin",
         "Hide", "Group", "Rename", "Preview")
OBJECTS = ("invoices", "reports", "projects", "tasks", "contacts", "dashboards", "comments",
           "attachments", "calendars", "notes", "templates", "teams", "budgets", "timesheets",
           "orders", "products", "tickets", "surveys", "documents", "playlists")
CONTEXTS = ("to CSV", "from the mobile app", "by date", "with my team", "in dark mode",
            "offline", "in bulk", "by e-mail", "on a schedule", "with keyboard shortcuts",
            "from Slack", "as PDF", "in French", "across workspaces", "with a public link")
NEEDS = ("every Monday we lose an hour on this", "our accountant asks for it each month",
         "the whole support team does it by hand", "customers keep asking us for it",
         "it blocks our migration from a spreadsheet", "we do it on the train, offline",
         "new colleagues never find how to do it", "the current workaround breaks often")
WORKAROUNDS = ("copy and paste", "a browser extension", "a script a colleague wrote",
               "screenshots", "a second tool", "nothing: we gave up")
CATEGORIES = ("Reporting", "Integrations", "Mobile app", "Billing", "Administration",
              "Collaboration", "Search", "Notifications")
CATEGORISED_SHARE = 0.70
TAGS = ("mobile", "export", "api", "integrations", "reports", "search", "notifications",
        "accessibility", "performance", "security", "billing", "calendar", "dark-mode",
        "offline", "import", "permissions", "i18n", "email", "dashboard", "sso")


def database_url(db: str) -> str:
    """An SQLite path becomes an sqlite:/// URL; a URL is kept."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).resolve()}"


def migrate(url: str, instance_dir: Path, timeout: float = 180) -> None:
    """Create the schema with the real migrations."""
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=bench_env(url, instance_dir), check=True, timeout=timeout,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


class Timer:
    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []
        self.last = time.perf_counter()

    def mark(self, label: str) -> None:
        now = time.perf_counter()
        self.marks.append((label, now - self.last))
        self.last = now

    def summary(self) -> str:
        return ", ".join(f"{label} {seconds:.1f}s" for label, seconds in self.marks)


def _level(age_days: float, established_after: float) -> int:
    """The trust level a member of this age holds in the seed: "member" (2) once past
    ESTABLISHED_AFTER_DAYS, "new" (0) before (the levels of community/trust/weights.py)."""
    return 2 if age_days >= established_after else 0


def zipf_cum_weights(count: int, offset: int) -> list[float]:
    return list(accumulate(1.0 / (rank + offset) for rank in range(1, count + 1)))


class Dataset:
    """Everything to insert, generated in memory (plain lists and tuples)."""

    members: list[dict]
    categories: list[dict]
    ideas: list[dict]
    tags: list[dict]
    terms: list[tuple]
    votes: list[tuple]
    ballots: list[tuple]


def generate(members: int, ideas: int, votes: int, seed: int, now: datetime, cfg: dict,
             password_hash: str, timer: Timer) -> Dataset:
    from community.accounts.emails import normalize_email
    from community.accounts.models import Role
    from community.ideas import ranking, similar
    from community.ideas.service import idea_slug
    from community.text import render_markdown
    from community.trust import weights

    rng = random.Random(seed)
    epoch = datetime.fromisoformat(cfg["TRENDING_EPOCH"])
    half_life = cfg["TRENDING_HALF_LIFE_HOURS"]
    established_after = cfg["ESTABLISHED_AFTER_DAYS"]
    data = Dataset()

    # Members 1..members, then the bench voter. Times are seconds relative to `now` (<= 0).
    known = members + 1
    m_created = [0.0] * (known + 1)
    m_verified = [False] * (known + 1)
    m_staff = [False] * (known + 1)
    m_discounted: list[float | None] = [None] * (known + 1)
    rows = []
    for i in range(1, members + 1):
        created = -rng.uniform(30, 730) * DAY
        verified = rng.random() >= UNVERIFIED_SHARE
        staff = verified and rng.random() < STAFF_SHARE
        discounted = (-rng.uniform(1, 200) * DAY
                      if verified and not staff and rng.random() < DISCOUNTED_SHARE else None)
        m_created[i], m_verified[i], m_staff[i], m_discounted[i] = (created, verified, staff,
                                                                    discounted)
        joined = now + timedelta(seconds=created)
        email = f"member{i:06d}@example.test"
        rows.append({
            "id": i, "handle": f"member-{i:06d}", "display_name": f"Member {i}",
            "email": email, "email_normalized": normalize_email(email),
            "email_verified_at": joined + timedelta(hours=1) if verified else None,
            "password_hash": password_hash, "session_nonce": f"{i:016x}",
            "role": (Role.PRODUCT if i % 2 else Role.MODERATOR) if staff else Role.MEMBER,
            "locale": "fr" if i % 4 == 0 else "en", "is_demo": False,
            "votes_discounted_at": (now + timedelta(seconds=discounted)
                                    if discounted is not None else None),
            "created_at": joined, "deleted_at": None,
            "trust_level": _level(-created / DAY, established_after) if verified else 0,
        })
    m_created[known], m_verified[known] = -400 * DAY, True
    rows.append({
        "id": known, "handle": BENCH_HANDLE, "display_name": "Bench Voter",
        "email": BENCH_EMAIL, "email_normalized": normalize_email(BENCH_EMAIL),
        "email_verified_at": now - timedelta(days=399), "password_hash": password_hash,
        "session_nonce": "0" * 16, "role": Role.MEMBER, "locale": "en", "is_demo": False,
        "votes_discounted_at": None, "created_at": now - timedelta(days=400),
        "deleted_at": None, "trust_level": BENCH_LEVEL,
    })
    data.members = rows
    data.categories = [{"id": n, "slug": name.lower().replace(" ", "-"), "name": name,
                        "position": n} for n, name in enumerate(CATEGORIES, start=1)]
    voters = [i for i in range(1, members + 1) if m_verified[i]]
    rng.shuffle(voters)  # activity rank is independent of id
    voter_cw = zipf_cum_weights(len(voters), MEMBER_RANK_OFFSET)
    timer.mark("members")

    # Ideas.
    status_values = [s for s, _ in STATUSES]
    status_cw = list(accumulate(share for _, share in STATUSES))
    i_created = [0.0] * (ideas + 1)
    i_upper = [0.0] * (ideas + 1)  # votes fall before this (now, or the day it closed)
    i_status = [""] * (ideas + 1)
    i_changed = [0.0] * (ideas + 1)
    authors = rng.choices(voters, cum_weights=voter_cw, k=ideas) if voters else [known] * ideas
    cooked: dict[str, str] = {}
    title_terms: dict[str, set[str]] = {}
    body_terms: dict[str, set[str]] = {}
    data.tags, data.terms = [], []
    idea_rows = []
    for j in range(1, ideas + 1):
        created = -rng.uniform(0, 300) * DAY
        status = status_values[bisect_right(status_cw, rng.random() * status_cw[-1])]
        if status == "merged" and j == 1:
            status = "open"
        changed = created if status == "open" else created + rng.random() * -created
        i_created[j], i_status[j], i_changed[j] = created, status, changed
        i_upper[j] = changed if status in CLOSED else 0.0
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}"
        body = (f"We need this because {rng.choice(NEEDS)}. "
                f"Today we use **{rng.choice(WORKAROUNDS)}** instead.")
        if body not in cooked:
            cooked[body] = render_markdown(body)
            body_terms[body] = similar.terms(body)
        if title not in title_terms:
            title_terms[title] = similar.terms(title)
        t_terms = title_terms[title]
        data.terms.extend((term, j, True) for term in t_terms)
        data.terms.extend((term, j, False) for term in body_terms[body] - t_terms)
        if rng.random() < TAGGED_SHARE:
            chosen = {TAGS[min(int(rng.paretovariate(1.2)) - 1, len(TAGS) - 1)]
                      for _ in range(rng.randint(1, 3))}
            data.tags.extend({"idea_id": j, "tag": tag} for tag in sorted(chosen))
        idea_rows.append({
            "id": j, "title": title, "slug": idea_slug(title), "body_md": body,
            "body_html": cooked[body], "author_id": authors[j - 1],
            "category_id": (rng.randint(1, len(CATEGORIES))
                            if rng.random() < CATEGORISED_SHARE else None),
            "status": status,
            "merged_into_id": rng.randint(1, j - 1) if status == "merged" else None,
            "created_at": now + timedelta(seconds=created),
            "status_changed_at": now + timedelta(seconds=changed), "comment_count": 0,
        })
    votable = [j for j in range(1, ideas + 1) if i_status[j] != "merged"]
    rng.shuffle(votable)  # popularity rank is independent of id and age
    idea_cw = zipf_cum_weights(len(votable), IDEA_RANK_OFFSET)
    timer.mark("ideas")

    # Votes: (idea, member) pairs, unique, possible (member joined before the idea closed).
    stride = known + 1
    pairs: set[int] = set()
    need = votes if voters and votable else 0
    for _round in range(50):
        if need <= 0:
            break
        k = int(need * 1.15) + 100
        for idea_id, user_id in zip(rng.choices(votable, cum_weights=idea_cw, k=k),
                                    rng.choices(voters, cum_weights=voter_cw, k=k),
                                    strict=True):
            if m_created[user_id] >= i_upper[idea_id]:
                continue
            key = idea_id * stride + user_id
            if key not in pairs:
                pairs.add(key)
                need -= 1
                if need == 0:
                    break
    if need > 0:
        raise SystemExit(f"could not draw {votes} distinct votes ({need} short): "
                         "more members or fewer votes, please")
    timer.mark(f"draw {votes} pairs")

    vote_count = [0] * (ideas + 1)
    staff_count = [0] * (ideas + 1)
    established_count = [0] * (ideas + 1)
    top = [0.0] * (ideas + 1)
    trusted = [0.0] * (ideas + 1)  # the same sum over established members' votes only
    trending = [0] * (ideas + 1)
    voted: dict[int, list[int]] = {}
    importances = rng.choices((1, 2, 3), weights=IMPORTANCE_WEIGHTS, k=votes)
    data.votes = vote_rows = []
    uniform, rand = rng.uniform, rng.random
    for n, key in enumerate(sorted(pairs)):
        idea_id, user_id = divmod(key, stride)
        at_s = uniform(max(i_created[idea_id], m_created[user_id]), i_upper[idea_id])
        at = now + timedelta(seconds=at_s)
        disc = m_discounted[user_id]
        voter = weights.Voter(verified=True, staff=m_staff[user_id],
                              discounted=disc is not None and disc <= at_s,
                              level=_level((at_s - m_created[user_id]) / DAY, established_after))
        importance = importances[n]
        weight = ranking.vote_weight(importance,
                                     weights.trust_weight(voter))
        term = ranking.trending_term(weight, at, epoch, half_life)
        established = weights.is_established(voter)
        why = (f"{NEEDS[n % len(NEEDS)].capitalize()}." if rand() < WHY_SHARE else None)
        vote_rows.append((idea_id, user_id, importance, why, weight, term, voter.staff,
                          established, at))
        if voter.staff:
            staff_count[idea_id] += 1
        else:
            vote_count[idea_id] += 1
        established_count[idea_id] += established
        top[idea_id] += weight
        if established:
            trusted[idea_id] += weight
        trending[idea_id] += term
        voted.setdefault(user_id, []).append(idea_id)
    del pairs
    timer.mark("votes")

    # Ballots ("my priorities"): 20 % of members, among those with 3+ votes.
    priority = [0.0] * (ideas + 1)
    eligible = sorted(u for u, ids in voted.items() if len(ids) >= 3)
    data.ballots = ballots = []
    for user_id in rng.sample(eligible, min(len(eligible), int(members * BALLOT_SHARE))):
        voter = weights.Voter(verified=True, staff=m_staff[user_id],
                              discounted=m_discounted[user_id] is not None,
                              level=_level(-m_created[user_id] / DAY, established_after))
        trust = weights.trust_weight(voter)
        chosen = rng.sample(voted[user_id], min(rng.randint(3, ranking.BALLOT_SIZE),
                                                len(voted[user_id])))
        for position, idea_id in enumerate(chosen, start=1):
            points = ranking.borda_points(position) * trust
            ballots.append((user_id, idea_id, position, points))
            priority[idea_id] += points
    timer.mark("ballots")

    for row in idea_rows:
        j = row["id"]
        row.update(vote_count=vote_count[j], staff_vote_count=staff_count[j],
                   established_vote_count=established_count[j], top_score=top[j],
                   trusted_score=trusted[j], trending_score=trending[j],
                   priority_score=priority[j])
    data.ideas = idea_rows
    return data


def _batches(rows, size=BATCH):
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


VOTE_COLUMNS = ("idea_id", "user_id", "importance", "why", "weight", "trending_term", "staff",
                "established", "created_at")
TERM_COLUMNS = ("term", "idea_id", "in_title")
BALLOT_COLUMNS = ("user_id", "idea_id", "position", "points")


def insert(engine, data: Dataset, timer: Timer) -> None:
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.ideas.models import (
        Category,
        Idea,
        IdeaTag,
        IdeaTerm,
        PriorityEntry,
        Status,
        Vote,
    )

    postgres = engine.dialect.name == "postgresql"
    columns = set(Idea.__table__.columns.keys())
    for row in data.ideas:
        row["status"] = Status(row["status"])
        if "trusted_score" not in columns:  # a counter this version of the app may lack
            row.pop("trusted_score", None)
    with engine.begin() as connection:
        if not postgres:
            connection.exec_driver_sql("PRAGMA cache_size=-400000")  # 400 MB, this connection
        existing = connection.scalar(sa.select(sa.func.count()).select_from(User.__table__))
        if existing:
            raise SystemExit(f"the database already holds {existing} members: "
                             "seed a fresh one")
        for batch in _batches(data.members):
            connection.execute(User.__table__.insert(), batch)
        timer.mark(f"insert {len(data.members)} users")
        connection.execute(Category.__table__.insert(), data.categories)
        for batch in _batches(data.ideas):
            connection.execute(Idea.__table__.insert(), batch)
        for batch in _batches(data.tags):
            connection.execute(IdeaTag.__table__.insert(), batch)
        timer.mark(f"insert {len(data.ideas)} ideas, {len(data.tags)} tags")

        tables = ((Vote.__table__, VOTE_COLUMNS, data.votes),
                  (IdeaTerm.__table__, TERM_COLUMNS, data.terms),
                  (PriorityEntry.__table__, BALLOT_COLUMNS, data.ballots))
        if postgres:
            raw = connection.connection.driver_connection  # psycopg 3, same transaction
            with raw.cursor() as cursor:
                for table, columns, rows in tables:
                    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) "
                                     "FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    timer.mark(f"COPY {len(rows)} {table.name}")
                # Explicit ids went in: move the sequences past them.
                for table in ("users", "idea_categories", "ideas", "votes"):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT max(id) FROM {table}))")
        else:
            for table, columns, rows in tables:
                for batch in _batches(rows):
                    connection.execute(table.insert(),
                                       [dict(zip(columns, row, strict=True)) for row in batch])
                timer.mark(f"insert {len(rows)} {table.name}")
    if postgres:  # what autovacuum would have done on a live site: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        timer.mark("VACUUM ANALYZE")


def recount_mismatches() -> int:
    """Ideas whose stored counters differ from the rows, by the app's own recount
    (``service.recount_all``, what `flask ideas recount` runs), rolled back. In an app context.
    """
    from community.extensions import db
    from community.ideas import service

    try:
        return service.recount_all()
    finally:
        db.session.rollback()


def seed(url: str, members: int, ideas: int, votes: int, seed_value: int = 1,
         instance_dir: Path | None = None, verify: bool = True) -> str:
    """Generate and insert; return a one-line summary with the timings."""
    instance_dir = instance_dir or ROOT / "bench" / "out"
    # community.config reads the environment at import: set it before importing the app.
    os.environ.update(bench_env(url, instance_dir))

    from community import create_app
    from community.accounts.passwords import hash_password
    from community.config import Config
    from community.extensions import db
    from community.timeutil import utcnow

    timer = Timer()
    app = create_app(Config())  # also checks that the database is migrated to head
    cfg = {key: app.config[key] for key in ("TRENDING_EPOCH", "TRENDING_HALF_LIFE_HOURS",
                                            "ESTABLISHED_AFTER_DAYS")}
    password_hash = hash_password(BENCH_PASSWORD)
    timer.mark("app")
    with app.app_context():
        engine = db.engine
        data = generate(members, ideas, votes, seed_value, utcnow().replace(microsecond=0),
                        cfg, password_hash, timer)
        insert(engine, data, timer)
        mismatches = recount_mismatches() if verify else None
        if verify:
            timer.mark("recount check")
    engine.dispose()
    if mismatches:
        raise SystemExit(f"{mismatches} ideas have counters that differ from their rows")
    total = sum(seconds for _, seconds in timer.marks)
    return (f"seeded {members + 1} members, {ideas} ideas, {len(data.votes)} votes, "
            f"{len(data.tags)} tags, {len(data.terms)} terms, {len(data.ballots)} priority "
            f"entries in {total:.1f}s ({timer.summary()})"
            + ("; counters match a recount" if verify else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="SQLite file to create, or a PostgreSQL URL (empty schema)")
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--ideas", type=int, default=DEFAULT_IDEAS)
    parser.add_argument("--votes", type=int, default=DEFAULT_VOTES)
    parser.add_argument("--seed", type=int, default=1, help="random seed (same data each run)")
    parser.add_argument("--instance", type=Path, help="instance dir (default: bench/out/)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip the recount check after seeding")
    args = parser.parse_args(argv)
    if min(args.members, args.ideas, args.votes) < 1:
        parser.error("--members, --ideas and --votes must be >= 1")
    if args.votes > args.members * args.ideas // 4:
        parser.error("too many votes for so few members and ideas")
    url = database_url(args.db)
    if url.startswith("sqlite"):
        path = Path(args.db)
        if path.exists():
            parser.error(f"{path} exists: the seeder fills a fresh database")
        path.parent.mkdir(parents=True, exist_ok=True)
    instance_dir = args.instance or ROOT / "bench" / "out"
    instance_dir.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    try:
        migrate(url, instance_dir)
    except subprocess.CalledProcessError as error:
        print(f"migration failed:\n{error.stderr}", file=sys.stderr)
        return 1
    migrated = time.perf_counter() - started
    summary = seed(url, args.members, args.ideas, args.votes, args.seed, instance_dir,
                   verify=not args.no_verify)
    print(f"migrated in {migrated:.1f}s; {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
