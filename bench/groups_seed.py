"""Fill a database with groups at scale, for bench/groups_bench.py.

    .venv/bin/python bench/groups_seed.py DB [--members 50000] [--groups 10000]
        [--memberships 200000] [--seed 1] [--instance DIR]

DB is an SQLite file to create (``bench/out/x.db``) or a PostgreSQL URL with an empty schema
(``postgresql://postgres@127.0.0.1:5432/cercle_bench_groups?options=-csearch_path%3D<schema>``).
The members come from bench/ideas_seed.py (real migrations, every member sharing the scrypt
hash of ``ideas_seed.BENCH_PASSWORD``, and the member ``ideas_seed.BENCH_EMAIL``), with few
ideas and votes: the groups do not need them. Then, with bulk inserts (executemany in big
batches, one transaction; nothing row by row):

- ``--groups`` groups: 70 % public, 20 % private, 10 % secret (the biggest is public, the
  second private, the third secret), named after a city and a trade ("Lyon data engineers
  0042"), each with a description, rules and its forum category, inserted directly, restricted
  to the group (``group_id``) when the group is private or secret;
- ``--memberships`` memberships drawn among the verified members, group sizes Zipf-like
  (weight ``1 / (rank + 5)``, at least 3): at 10,000 groups and 200,000 memberships the
  biggest group has about 4,500 members, the median one about 5; an owner and, from 10
  members on, one or two managers each; 97 % listed in the directory, 60 % showing some of
  their directory fields; a few ambassadors; ``member_count`` written to match;
- a directory card (``directory_profiles``) for 60 % of the verified members (company, job
  title, location, cohort, skills, "open to help on");
- events: 1-3 for groups of 10 members or more, 10-30 for the biggest 1 %, over the past
  300 days and the next 60, half online; RSVPs among the group's members (yes / maybe / no;
  waiting beyond a capacity), ``going_count`` and ``waiting_count`` written to match;
- the bench member (``ideas_seed.BENCH_EMAIL``) is a member of the biggest group and of a
  typical public group (the median size), with a directory card showing every field.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from bench import ideas_seed  # noqa: E402
from bench.common import bench_env  # noqa: E402

DEFAULT_MEMBERS = 50_000
DEFAULT_GROUPS = 10_000
DEFAULT_MEMBERSHIPS = 200_000
SEED_IDEAS = 500  # the groups need members, not ideas: keep the ideas seeder quick
SEED_VOTES = 2_000
BATCH = 20_000
VISIBILITY_SHARES = (("public", 0.7), ("private", 0.2), ("secret", 0.1))
LISTED_SHARE = 0.97
SHOWING_SHARE = 0.6
CARD_SHARE = 0.6
ONLINE_SHARE = 0.5

CITIES = ("Lyon", "Paris", "Montréal", "Bruxelles", "Genève", "Berlin", "Lisbon", "Dakar",
          "Nantes", "Lille", "Québec", "Toulouse")
TRADES = ("data engineers", "accountants", "designers", "support leads", "product managers",
          "developers", "sales teams", "project managers", "administrators", "trainers",
          "consultants", "analysts", "founders", "marketers")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Soylent",
             "Tyrell", "Cyberdyne", "Wonka", "Aperture")
TITLES = ("Accountant", "Data engineer", "Designer", "Support lead", "Product manager",
          "Developer", "Sales manager", "CFO", "Office manager", "Consultant")
SKILLS = ("python", "sql", "excel", "reporting", "budgets", "payroll", "design systems",
          "accessibility", "onboarding", "automation", "api", "security", "training")
HELP_ON = ("exports", "setting up invoices", "the mobile app", "importing a spreadsheet",
           "permissions", "the API", "dashboards", "month-end closing")


@dataclass(frozen=True)
class Size:
    members: int = DEFAULT_MEMBERS
    groups: int = DEFAULT_GROUPS
    memberships: int = DEFAULT_MEMBERSHIPS
    seed: int = 1

    @property
    def name(self) -> str:
        return (f"groups-m{self.members}-g{self.groups}-gm{self.memberships}"
                f"-s{self.seed}")


def zipf_sizes(total: int, count: int, offset: int = 5, least: int = 3,
               most: int | None = None) -> list[int]:
    """``count`` group sizes summing to ``total`` (if ``least`` and ``most`` allow), Zipf-like
    (weight 1/(rank+offset)), biggest first."""
    weights = [1.0 / (rank + offset) for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [max(least, int(w * scale)) for w in weights]
    if most is not None:
        sizes = [min(most, s) for s in sizes]
    n = 0
    while sum(sizes) < total and n < 10 * total:
        if most is None or sizes[n % count] < most:
            sizes[n % count] += 1
        n += 1
    while sum(sizes) > total:
        i = max(range(count), key=sizes.__getitem__)
        if sizes[i] <= least:
            break
        sizes[i] -= 1
    sizes.sort(reverse=True)
    return sizes


def _pick(rng: random.Random, choices) -> str:
    draw, acc = rng.random(), 0.0
    for value, share in choices:
        acc += share
        if draw < acc:
            return value
    return choices[-1][0]


def _card(rng: random.Random, user_id: int, now) -> dict:
    return {
        "user_id": user_id, "company": rng.choice(COMPANIES), "job_title": rng.choice(TITLES),
        "location": rng.choice(CITIES), "cohort": str(rng.randint(2005, 2025)),
        "skills": ", ".join(rng.sample(SKILLS, rng.randint(1, 4))),
        "help_on": rng.choice(HELP_ON) if rng.random() < 0.5 else "",
        "updated_at": now - timedelta(days=rng.uniform(1, 300))}


def seed_groups(url: str, size: Size) -> str:
    """Add the groups, their categories, memberships, directory cards, events and RSVPs to a
    database the ideas seeder filled with members. Bulk inserts, one transaction."""
    import sqlalchemy as sa

    from bench.ideas import engine_for
    from community.forums.models import ForumCategory
    from community.groups.models import (
        DIRECTORY_FIELDS,
        DirectoryProfile,
        Group,
        GroupMember,
        GroupRole,
        GroupVisibility,
    )
    from community.meetups.models import Answer, Event, EventKind, Rsvp
    from community.timeutil import utcnow

    started = time.perf_counter()
    rng = random.Random(size.seed)
    now = utcnow().replace(microsecond=0)
    engine = engine_for(url)
    postgres = engine.dialect.name == "postgresql"
    try:
        with engine.begin() as db:
            verified = list(db.execute(sa.text(
                "SELECT id FROM users WHERE email_verified_at IS NOT NULL AND role = 'member' "
                "AND deleted_at IS NULL ORDER BY id")).scalars())
            bench_id = db.execute(sa.text("SELECT id FROM users WHERE email = :e"),
                                  {"e": ideas_seed.BENCH_EMAIL}).scalar_one()
            category_base = db.execute(sa.text(
                "SELECT coalesce(max(id), 0) FROM forum_categories")).scalar_one()
            position_base = db.execute(sa.text(
                "SELECT coalesce(max(position), 0) FROM forum_categories")).scalar_one()
            sizes = zipf_sizes(size.memberships, size.groups, most=len(verified))
            typical = len(sizes) // 2  # index of a median-size group

            # Groups (biggest first) and their categories.
            groups, categories = [], []
            for n in range(1, len(sizes) + 1):
                if n <= 3:
                    visibility = ("public", "private", "secret")[n - 1]
                elif n - 1 == typical:
                    visibility = "public"
                else:
                    visibility = _pick(rng, VISIBILITY_SHARES)
                city, trade = rng.choice(CITIES), rng.choice(TRADES)
                name = f"{city} {trade} {n:05d}"
                slug = name.lower().replace(" ", "-").replace("é", "e").replace("è", "e")
                description = (f"The {trade} of {city} who use the product: tips, meetups "
                               f"and a hand when the month-end gets busy (circle {n}).")
                groups.append({
                    "id": n, "slug": slug, "name": name, "description_md": description,
                    "description_html": f"<p>{description}</p>",
                    "rules_md": "Be kind. No selling. What is said here stays here.",
                    "rules_html": "<p>Be kind. No selling. What is said here stays here.</p>",
                    "visibility": GroupVisibility(visibility), "invite_token": None,
                    "cover_version": 0, "category_id": None, "created_by_id": None,
                    "member_count": 0,
                    "created_at": now - timedelta(days=rng.uniform(30, 700))})
                categories.append({
                    "id": category_base + n, "slug": f"group-{slug}"[:60], "name": name,
                    "description": f"Discussions of {name}", "colour": "#3b6ea5",
                    "position": position_base + n,
                    "group_id": None if visibility == "public" else n, "club_id": None,
                    "staff_only": False, "topic_count": 0, "post_count": 0})

            # Memberships: each group's members drawn among the verified members.
            memberships: list[dict] = []
            by_group: list[list[int]] = []
            for n, count in enumerate(sizes, start=1):
                chosen = rng.sample(verified, count)
                if n in (1, typical + 1) and bench_id not in chosen:
                    chosen[-1] = bench_id
                by_group.append(chosen)
                managers = 0 if count < 10 else rng.randint(1, 2)
                for position, user_id in enumerate(chosen):
                    role = (GroupRole.OWNER if position == 0 else
                            GroupRole.MANAGER if position <= managers else GroupRole.MEMBER)
                    showing = user_id == bench_id or rng.random() < SHOWING_SHARE
                    fields = (DIRECTORY_FIELDS if user_id == bench_id else
                              rng.sample(DIRECTORY_FIELDS, rng.randint(1, len(DIRECTORY_FIELDS))))
                    ambassador = position > 0 and rng.random() < 0.01
                    memberships.append({
                        "group_id": n, "user_id": user_id, "role": role,
                        "listed": user_id == bench_id or rng.random() < LISTED_SHARE,
                        "shown_fields": ",".join(f for f in DIRECTORY_FIELDS if f in fields)
                        if showing else "",
                        "ambassador": ambassador,
                        "ambassador_since": now - timedelta(days=10) if ambassador else None,
                        "joined_at": groups[n - 1]["created_at"]
                        + timedelta(days=rng.uniform(0, 25))})
                groups[n - 1]["member_count"] = count
                groups[n - 1]["created_by_id"] = chosen[0]

            # The FKs go both ways: groups first (no category), then categories, then link.
            for n in range(0, len(groups), BATCH):
                db.execute(Group.__table__.insert(), groups[n:n + BATCH])
            for n in range(0, len(categories), BATCH):
                db.execute(ForumCategory.__table__.insert(), categories[n:n + BATCH])
            db.execute(sa.text("UPDATE groups SET category_id = id + :base"),
                       {"base": category_base})

            # Directory cards, and each membership's search text (what the app writes when a
            # member saves a card or their choices: community/groups/directory.py).
            carded = [u for u in verified if u != bench_id and rng.random() < CARD_SHARE]
            cards = [_card(rng, u, now) for u in carded]
            cards.append({"user_id": bench_id, "company": "Acme", "job_title": "Accountant",
                          "location": "Lyon", "cohort": "2015", "skills": "excel, reporting",
                          "help_on": "month-end closing", "updated_at": now})
            card_of = {card["user_id"]: card for card in cards}
            names = dict(((uid, (name, handle)) for uid, name, handle in db.execute(sa.text(
                "SELECT id, display_name, handle FROM users"))))
            for row in memberships:
                card = card_of.get(row["user_id"])
                shown = [f for f in row["shown_fields"].split(",") if f]
                values = [*names[row["user_id"]],
                          *([] if card is None else [card.get(f) for f in shown])]
                row["search_text"] = "\n".join(v.lower() for v in values if v)
            for n in range(0, len(memberships), BATCH):
                db.execute(GroupMember.__table__.insert(), memberships[n:n + BATCH])
            for n in range(0, len(cards), BATCH):
                db.execute(DirectoryProfile.__table__.insert(), cards[n:n + BATCH])

            # Events and RSVPs.
            events, rsvps = [], []
            event_id = 0
            for n, members in enumerate(by_group, start=1):
                if n <= max(1, size.groups // 100):
                    count = rng.randint(10, 30)
                elif len(members) >= 10:
                    count = rng.randint(1, 3)
                else:
                    continue
                for _ in range(count):
                    event_id += 1
                    starts = (now + timedelta(days=rng.uniform(-300, 60))).replace(
                        second=0, microsecond=0)
                    online = rng.random() < ONLINE_SHARE
                    capacity = rng.choice((None, None, 10, 20, 50))
                    answering = rng.sample(members, min(len(members), rng.randint(3, 60)))
                    going = waiting = 0
                    for k, user_id in enumerate(answering):
                        answer = rng.choice((Answer.YES, Answer.YES, Answer.MAYBE, Answer.NO))
                        if answer is Answer.YES:
                            if capacity is not None and going >= capacity:
                                answer = Answer.WAITING
                                waiting += 1
                            else:
                                going += 1
                        rsvps.append({"event_id": event_id, "user_id": user_id,
                                      "answer": answer,
                                      "answered_at": starts - timedelta(days=10, minutes=k)})
                    events.append({
                        "id": event_id, "group_id": n, "organiser_id": members[0],
                        "title": f"Meetup {event_id}: {rng.choice(HELP_ON)}",
                        "description_md": "An evening of tips.",
                        "description_html": "<p>An evening of tips.</p>",
                        "kind": EventKind.ONLINE if online else EventKind.IN_PERSON,
                        "online_url": f"https://meet.example.test/e{event_id}" if online else "",
                        "place": "" if online else f"{rng.choice(CITIES)}, the usual café",
                        "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                        "timezone": "Europe/Paris", "capacity": capacity,
                        "going_count": going, "waiting_count": waiting, "cancelled_at": None,
                        "recap_md": "", "recap_html": "", "day_reminder_at": None,
                        "hour_reminder_at": None, "sequence": 0,
                        "created_at": starts - timedelta(days=20),
                        "updated_at": starts - timedelta(days=20)})
            for n in range(0, len(events), BATCH):
                db.execute(Event.__table__.insert(), events[n:n + BATCH])
            for n in range(0, len(rsvps), BATCH):
                db.execute(Rsvp.__table__.insert(), rsvps[n:n + BATCH])

            if postgres:  # explicit ids went in: move the sequences past them
                for table in ("groups", "forum_categories", "events"):
                    db.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            db.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
    finally:
        engine.dispose()
    shares = {v: sum(1 for g in groups if g["visibility"].value == v) for v, _ in
              VISIBILITY_SHARES}
    return (f"added {len(groups)} groups ({shares['public']} public, {shares['private']} "
            f"private, {shares['secret']} secret; sizes {sizes[0]} .. {sizes[typical]} "
            f"(median) .. {sizes[-1]}), {len(memberships)} memberships, {len(cards)} "
            f"directory cards, {len(events)} events, {len(rsvps)} RSVPs in "
            f"{time.perf_counter() - started:.1f}s")


def seed(target: str, size: Size, instance_dir: Path, timeout: float = 1200) -> str:
    """Members with bench/ideas_seed.py (a subprocess: migrations and all), then the groups.
    ``target``: an SQLite path that does not exist yet, or a PostgreSQL URL (empty schema)."""
    url = ideas_seed.database_url(target)
    seeded = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "ideas_seed.py"), target,
         "--members", str(size.members), "--ideas", str(SEED_IDEAS), "--votes",
         str(SEED_VOTES), "--seed", str(size.seed), "--instance", str(instance_dir),
         "--no-verify"],
        cwd=ROOT, env=bench_env(url, instance_dir), timeout=timeout, capture_output=True,
        text=True)
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding the members failed:\n{seeded.stdout}{seeded.stderr}")
    os.environ.update(bench_env(url, instance_dir))  # community.config reads it at import
    return seeded.stdout.strip() + "; " + seed_groups(url, size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="SQLite file to create, or a PostgreSQL URL (empty schema)")
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--groups", type=int, default=DEFAULT_GROUPS)
    parser.add_argument("--memberships", type=int, default=DEFAULT_MEMBERSHIPS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instance", type=Path, help="instance dir (default: bench/out/)")
    args = parser.parse_args(argv)
    if args.members < 100 or args.groups < 10 or args.memberships < 3 * args.groups:
        parser.error("--members >= 100, --groups >= 10, and at least 3 memberships a group")
    if "://" not in args.db:
        if Path(args.db).exists():
            parser.error(f"{args.db} exists: the seeder fills a fresh database")
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    instance_dir = args.instance or ROOT / "bench" / "out"
    instance_dir.mkdir(parents=True, exist_ok=True)
    size = Size(args.members, args.groups, args.memberships, args.seed)
    print(seed(args.db, size, instance_dir), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
