"""Fill a fresh SQLite database with members, for the benchmarks.

    .venv/bin/python bench/seed_members.py /path/to/bench.db [--members 5000] [--handle H]

The schema comes from the real migrations (``flask --app app db upgrade``, run in a
subprocess with the benchmark's environment); the rows go in with SQLAlchemy core inserts in
batches, not through HTTP, so 5,000 members take a second or two. Every member shares one
precomputed scrypt hash (nobody logs in during a page benchmark). One extra member, with the
given handle and every profile field filled, is the profile the benchmark fetches.

Nothing here touches the project's own ``instance/``: the database and the instance directory
(default: the database's folder) are wherever you point them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import bench_env, sqlite_url  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"

DEFAULT_MEMBERS = 5_000
KNOWN_HANDLE = "bench-profile"
KNOWN_NAME = "Bench Profile"
BATCH = 1_000
FOUNDING = 100  # the first verified members get a founding number, as on a real site

COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", None, None, None)
LOCATIONS = ("Lyon", "Paris", "Montréal", "Bruxelles", "Genève", "Berlin", None, None)


def migrate(db_path: Path, instance_dir: Path, timeout: float = 120) -> None:
    """Create the schema with the real migrations."""
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=bench_env(sqlite_url(db_path), instance_dir),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def member_rows(count: int, password_hash: str, now, start: int = 1):
    """Yield ``count`` plain member rows (dicts for a core insert), deterministic."""
    from community.accounts.models import Role

    for i in range(start, start + count):
        joined = now - timedelta(days=730) + timedelta(seconds=i * 7919 % (730 * 86400))
        email = f"member{i:06d}@example.test"
        yield {
            "handle": f"member-{i:06d}",
            "display_name": f"Member {i}",
            "email": email,
            "email_normalized": email,
            "email_verified_at": joined if i % 10 else None,  # one in ten never verified
            "password_hash": password_hash,
            "session_nonce": f"{i:016x}",
            "role": Role.MEMBER,
            "bio": f"Customer since {joined:%Y}. Interested in idea #{i % 97}." if i % 3 else None,
            "company": COMPANIES[i % len(COMPANIES)],
            "location": LOCATIONS[i % len(LOCATIONS)],
            "locale": "fr" if i % 4 == 0 else "en",
            "founding_number": i if i <= FOUNDING and i % 10 else None,
            "invited_by_id": None,
            "is_demo": False,
            "created_at": joined,
            "deleted_at": None,
        }


def seed(db_path: Path, members: int = DEFAULT_MEMBERS, handle: str = KNOWN_HANDLE,
         instance_dir: Path | None = None) -> float:
    """Insert ``members`` members plus the known profile; return the seconds it took.

    The database must be migrated and empty of members (a fresh one)."""
    instance_dir = instance_dir or db_path.parent
    # community.config reads the environment at import: set it before importing the app.
    os.environ.update(bench_env(sqlite_url(db_path), instance_dir))

    import sqlalchemy as sa

    from community import create_app
    from community.accounts.models import Role, User
    from community.accounts.passwords import hash_password
    from community.config import Config
    from community.extensions import db
    from community.timeutil import utcnow

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path.resolve()}"
    config.INSTANCE_PATH = str(instance_dir.resolve())
    app = create_app(config)  # also checks that the database is migrated to head

    started = time.perf_counter()
    password_hash = hash_password("bench-password-nobody-uses")
    now = utcnow()
    table = User.__table__
    with app.app_context():
        engine = db.engine
    with engine.begin() as connection:
        existing = connection.scalar(sa.select(sa.func.count()).select_from(table))
        if existing:
            raise SystemExit(f"{db_path} already holds {existing} members: seed a fresh database")
        rows = member_rows(members, password_hash, now)
        while batch := list(islice(rows, BATCH)):
            connection.execute(table.insert(), batch)
        connection.execute(
            table.insert(),
            [{
                "handle": handle,
                "display_name": KNOWN_NAME,
                "email": f"{handle}@example.test",
                "email_normalized": f"{handle}@example.test",
                "email_verified_at": now - timedelta(days=400),
                "password_hash": password_hash,
                "session_nonce": "0" * 16,
                "role": Role.MEMBER,
                "bio": "A member with every profile field filled, fetched by bench/pages.py. "
                       * 5,
                "company": "Acme",
                "location": "Lyon",
                "locale": "en",
                "founding_number": None,
                "invited_by_id": None,
                "is_demo": False,
                "created_at": now - timedelta(days=400),
                "deleted_at": None,
            }],
        )
        total = connection.scalar(sa.select(sa.func.count()).select_from(table))
    engine.dispose()
    if total != members + 1:
        raise SystemExit(f"expected {members + 1} members after seeding, found {total}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="SQLite file to create (must not exist yet)")
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--handle", default=KNOWN_HANDLE, help="handle of the known profile")
    parser.add_argument("--instance", type=Path, help="instance dir (default: the db's folder)")
    args = parser.parse_args(argv)
    if args.members < 0:
        parser.error("--members must be >= 0")
    if args.db.exists():
        parser.error(f"{args.db} exists: the seeder fills a fresh database")
    instance_dir = args.instance or args.db.parent
    instance_dir.mkdir(parents=True, exist_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    try:
        migrate(args.db, instance_dir)
    except subprocess.CalledProcessError as error:
        print(f"migration failed:\n{error.stderr}", file=sys.stderr)
        return 1
    migrated = time.perf_counter() - started
    seconds = seed(args.db, args.members, args.handle, instance_dir)
    print(f"migrated in {migrated:.1f}s; seeded {args.members} members + /u/{args.handle} "
          f"in {seconds:.1f}s -> {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
