"""Fill a fresh database with what `flask trust scan` reads, at scale, with planted fraud, for
bench/trust_scan.py.

    .venv/bin/python bench/trust_seed.py DB [--accounts 100000] [--ideas 10000]
        [--votes 1000000] [--reviews 200000] [--products 20] [--seed 1] [--truth FILE]

DB is an SQLite file to create or a PostgreSQL URL whose schema is empty (as for
bench/ideas_seed.py, whose helpers it reuses: the schema comes from the real migrations in a
subprocess; rows go in with SQLAlchemy core executemany in batches of 20,000, and on
PostgreSQL the big tables — votes, activity, reviews — with COPY). ``--truth`` names the JSON
file where the planted patterns are written (default: next to an SQLite file, ``.truth.json``).

**The honest background** (every figure a parameter or a constant below):

- accounts created uniformly over the past two years; 5 % never verified their e-mail (no
  votes, no reviews), 0.2 % are staff; a quarter write in French;
- where they act from (the activity log keeps keyed hashes only): every account its own device
  (a laptop), 40 % a second one (a phone, on one of 30 mobile carriers' networks, shared by
  thousands); a home network each, 15 % of accounts in households of 2–4 sharing it (a fifth of
  households also share one family computer); 20 % of accounts in offices of 10–50 sharing the
  office network, where 40 % of their actions come from;
- ideas (default 10,000) created over the past 300 days by voters (Zipf-like activity,
  ``1/(rank+50)``), each with a varied text (bench/trust_text.py), one POST_WRITTEN row each;
- votes (default 1,000,000 standing, in ``votes`` *and* as VOTE_CAST rows of ``activity``):
  idea popularity Zipf-like ``1/(rank+10)``, member activity ``1/(rank+50)``, one vote per
  (idea, member), importance 1/2/3 at 50/35/15 %, cast at a uniform time between the later of
  the idea's and the member's creation and now; 5 % changed later (a VOTE_CHANGED row, the
  final importance in ``votes``), plus 2 % more cast and withdrawn (VOTE_CAST then
  VOTE_WITHDRAWN, no ``votes`` row). Each vote's weight, trending term, staff and established
  flags, and the ideas' counters, are computed as ``community.ideas.service`` would have (as
  bench/ideas_seed.py does; no ballots, so priority scores are 0);
- products (default 20) launched 60–1,000 days ago, popularity Zipf-like ``1/(rank+2)``;
  reviews (default 200,000, one per member and product, by reviewers drawn ``1/(rank+200)``)
  at a uniform time after both the launch and the account's creation, rated like the honest
  YelpChi reviews (1–5 stars at 4/7/14/37/38 %, shifted per product), each with a varied text
  (a tenth short), 5 % with a true sentence on how long the writer has used the product
  (from ``using_since``, itself uniform between the launch and the review: members often used
  a product before joining; ``--using-since after-signup`` draws it between the later of the
  launch and the account's creation and the review instead), one REVIEW_WRITTEN row each;
- one SIGNUP row per account. No log-ins, comments, forum posts or helpful marks.

**Planted** (fixed seed, dated in the past 90 days):

- ``--rings`` co-voting rings (default 30) of 5–12 fresh accounts (created 2–30 days before the
  ring starts), each voting for the ring's 4–8 target ideas (popularity rank between 5 % and
  60 % of the ideas) within 30 minutes of one another, target after target over a week, and
  each member 0–2 cover votes on ideas drawn by popularity; a ring acts from 1–3 proxy
  networks, each member from its own device;
- ``--bursts`` bursts (default 10): a low-popularity idea (rank in the lower half, older than
  40 days) receiving 30–80 votes within 2–6 hours from accounts created 1–5 days before, each
  voting for that idea only, from 2–5 proxy networks;
- ``--dup-groups`` near-duplicate review groups (default 20) of 3–6 accounts created 1–20 days
  before, reviewing one product within 3 days: the first posts a text, the others the same
  text with 1–2 small edits (a word swapped, dropped or moved); 5 stars, or 1 star with a
  negative text for a fifth of the groups;
- ``--puppets`` sockpuppet pairs (default 20): a member (created 200–700 days ago) who wrote
  3–6 ideas, and a second account on the same device and home network, created later, voting
  for each of them.

Every password is one scrypt hash. The truth file lists each planted group's accounts, ideas
and reviews, and the highest user, activity and vote ids seeded (bench/trust_scan.py deletes
what it adds after them when it reuses a database).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import bench_env  # noqa: E402
from bench.ideas_seed import (  # noqa: E402
    BENCH_PASSWORD,
    IMPORTANCE_WEIGHTS,
    Timer,
    _batches,
    database_url,
    migrate,
    zipf_cum_weights,
)
from bench.trust_text import Writer, edited  # noqa: E402

DEFAULT_ACCOUNTS = 100_000
DEFAULT_IDEAS = 10_000
DEFAULT_VOTES = 1_000_000
DEFAULT_REVIEWS = 200_000
DEFAULT_PRODUCTS = 20
DAY = 86_400.0
HOUR = 3_600.0

UNVERIFIED_SHARE = 0.05
STAFF_SHARE = 0.002
FRENCH_SHARE = 0.25
PHONE_SHARE = 0.40
CARRIERS = 30
HOUSEHOLD_SHARE = 0.15
FAMILY_COMPUTER_SHARE = 0.20
OFFICE_SHARE = 0.20
OFFICE_ACTIONS = 0.40
MEMBER_RANK_OFFSET = 50
IDEA_RANK_OFFSET = 10
REVIEWER_RANK_OFFSET = 200
PRODUCT_RANK_OFFSET = 2
CHANGED_SHARE = 0.05
WITHDRAWN_SHARE = 0.02
SHORT_REVIEW_SHARE = 0.10
CLAIM_SHARE = 0.05
HONEST_RATINGS = (4, 7, 14, 37, 38)  # 1..5 stars, % (YelpChi's honest reviews)

PRODUCT_NAMES = ("Lantern", "Orchard", "Beacon", "Harbor", "Quill", "Meadow", "Atlas", "Ember",
                 "Juniper", "Compass", "Tandem", "Pebble", "Summit", "Willow", "Drift",
                 "Cobalt", "Fable", "Mosaic", "Nimbus", "Relay")


class Plan:
    """How much fraud to plant."""

    def __init__(self, rings: int = 30, bursts: int = 10, dup_groups: int = 20,
                 puppets: int = 20) -> None:
        self.rings, self.bursts, self.dup_groups, self.puppets = rings, bursts, dup_groups, puppets


def _hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def generate(n_accounts: int, n_ideas: int, n_votes: int, n_reviews: int, n_products: int,
             seed: int, now: datetime, cfg: dict, password_hash: str, plan: Plan,
             timer: Timer, using_since: str = "uniform") -> dict:
    """Every row to insert (plain tuples and dicts) and the truth about what was planted."""
    from community.accounts.emails import normalize_email
    from community.accounts.models import Role
    from community.ideas import ranking
    from community.ideas.models import Status
    from community.ideas.service import idea_slug
    from community.trust import weights

    rng = random.Random(seed)
    writer = Writer(random.Random(seed + 1))
    uniform, rand, randint = rng.uniform, rng.random, rng.randint

    # --- accounts: planted ones first (their times follow their plan), then honest ones ---
    specs: list[list] = []  # [created (s, <= 0), kind, group]

    def new_account(created: float, kind: str, group: int) -> int:
        specs.append([created, kind, group])
        return len(specs) - 1

    rings = []
    for r in range(plan.rings):
        start = -uniform(10, 90) * DAY
        size, targets = randint(5, 12), randint(4, 8)
        members = [new_account(start - uniform(2, 30) * DAY, "ring", r) for _ in range(size)]
        times = sorted(start + uniform(0, 7 * DAY) for _ in range(targets))
        rings.append({"members": members, "targets": targets, "times": times, "start": start,
                      "covers": [randint(0, 2) for _ in members]})
    bursts = []
    for b in range(plan.bursts):
        at = -uniform(3, 60) * DAY
        size = randint(30, 80)
        members = [new_account(at - uniform(1, 5) * DAY, "burst", b) for _ in range(size)]
        bursts.append({"members": members, "at": at, "hours": uniform(2, 6)})
    dups = []
    for d in range(plan.dup_groups):
        at = -uniform(5, 60) * DAY
        size = randint(3, 6)
        members = [new_account(at - uniform(1, 20) * DAY, "dup", d) for _ in range(size)]
        dups.append({"members": members, "at": at, "negative": rand() < 0.2})
    puppets = []
    for p in range(plan.puppets):
        main_created = -uniform(200, 700) * DAY
        main = new_account(main_created, "main", p)
        puppet = new_account(uniform(main_created + 30 * DAY, -60 * DAY), "puppet", p)
        puppets.append({"main": main, "puppet": puppet, "ideas": randint(3, 6)})
    planted_count = len(specs)
    if planted_count >= n_accounts // 2:
        raise SystemExit(f"{planted_count} planted accounts: more accounts, please")
    for _ in range(n_accounts - planted_count):
        new_account(-uniform(0.5, 730) * DAY, "honest", -1)

    # Ids in order of creation, as on a live site.
    order = sorted(range(len(specs)), key=lambda i: specs[i][0])
    id_of = [0] * len(specs)
    for rank, index in enumerate(order, start=1):
        id_of[index] = rank
    n = n_accounts
    created = [0.0] * (n + 1)
    kind = [""] * (n + 1)
    for index, (at, k, _group) in enumerate(specs):
        created[id_of[index]] = at
        kind[id_of[index]] = k
    verified = [True] * (n + 1)
    staff = [False] * (n + 1)
    french = [False] * (n + 1)
    for i in range(1, n + 1):
        french[i] = rand() < FRENCH_SHARE
        if kind[i] == "honest":
            verified[i] = rand() >= UNVERIFIED_SHARE
            staff[i] = verified[i] and rand() < STAFF_SHARE
    for ring in rings:
        ring["members"] = [id_of[m] for m in ring["members"]]
    for group in bursts + dups:
        group["members"] = [id_of[m] for m in group["members"]]
    for pair in puppets:
        pair["main"], pair["puppet"] = id_of[pair["main"]], id_of[pair["puppet"]]
    honest = [i for i in range(1, n + 1) if kind[i] == "honest"]
    timer.mark("accounts")

    # --- where each account acts from: [(cumulative weight, (ip, net, device)), ...] -------
    carriers = [_hash(rng) for _ in range(CARRIERS)]
    home = {i: _hash(rng) for i in range(1, n + 1)}
    laptop = {i: _hash(rng) for i in range(1, n + 1)}
    pool = honest[:]
    rng.shuffle(pool)
    at_home = int(len(pool) * HOUSEHOLD_SHARE)
    k = 0
    while k < at_home:
        family = pool[k:k + randint(2, 4)]
        k += len(family)
        shared_computer = rand() < FAMILY_COMPUTER_SHARE
        for member in family:
            home[member] = home[family[0]]
            if shared_computer:
                laptop[member] = laptop[family[0]]
    office_of: dict[int, str] = {}
    rest = pool[k:]
    rng.shuffle(rest)
    in_offices = int(len(pool) * OFFICE_SHARE)
    k = 0
    while k < in_offices:
        staff_of = rest[k:k + randint(10, 50)]
        k += len(staff_of)
        net = _hash(rng)
        for member in staff_of:
            office_of[member] = net
    origins: dict[int, list] = {}
    for i in honest + [p["main"] for p in puppets] + [m for d in dups for m in d["members"]]:
        options = [(1.0, (_hash(rng), home[i], laptop[i]))]
        if i in office_of:
            options = [(1 - OFFICE_ACTIONS, options[0][1]),
                       (OFFICE_ACTIONS, (_hash(rng), office_of[i], laptop[i]))]
        if rand() < PHONE_SHARE:
            options = [(w * 0.7, o) for w, o in options]
            options.append((0.3, (_hash(rng), rng.choice(carriers), _hash(rng))))
        origins[i] = list(zip(accumulate(w for w, _ in options), (o for _, o in options),
                              strict=True))
    for group, proxies in [(g, randint(1, 3)) for g in rings] + [(g, randint(2, 5))
                                                                for g in bursts]:
        proxies = [_hash(rng) for _ in range(proxies)]  # proxy networks; a device each
        for member in group["members"]:
            net = rng.choice(proxies)
            origins[member] = [(1.0, (_hash(rng), net, laptop[member]))]
    for pair in puppets:  # the second account on the first one's computer and home network
        main_home = origins[pair["main"]][0][1]
        origins[pair["puppet"]] = [(1.0, (_hash(rng), main_home[1], main_home[2]))]

    def origin(account: int) -> tuple:
        options = origins[account]
        if len(options) == 1:
            return options[0][1]
        x = rand() * options[-1][0]
        for weight, found in options:
            if x <= weight:
                return found
        return options[-1][1]

    timer.mark("origins")

    # --- ideas ---------------------------------------------------------------------------
    voters = [i for i in honest if verified[i]]
    rng.shuffle(voters)  # activity rank is independent of id
    voter_cw = zipf_cum_weights(len(voters), MEMBER_RANK_OFFSET)
    idea_specs = []  # (created, author)
    for author in rng.choices(voters, cum_weights=voter_cw, k=n_ideas - sum(
            p["ideas"] for p in puppets)):
        idea_specs.append((uniform(max(created[author], -300 * DAY), -HOUR), author))
    main_ideas = []
    for pair in puppets:
        main = pair["main"]
        spots = [len(idea_specs) + j for j in range(pair["ideas"])]
        for _ in spots:
            idea_specs.append((uniform(max(created[main], -300 * DAY), -20 * DAY), main))
        main_ideas.append(spots)
    idea_order = sorted(range(len(idea_specs)), key=lambda j: idea_specs[j][0])
    idea_id_of = [0] * len(idea_specs)
    for rank, j in enumerate(idea_order, start=1):
        idea_id_of[j] = rank
    i_created = [0.0] * (n_ideas + 1)
    i_author = [0] * (n_ideas + 1)
    for j, (at, author) in enumerate(idea_specs):
        i_created[idea_id_of[j]], i_author[idea_id_of[j]] = at, author
    for pair, spots in zip(puppets, main_ideas, strict=True):
        pair["ideas"] = sorted(idea_id_of[j] for j in spots)
    idea_rows = []
    for j in range(1, n_ideas + 1):
        title, body = writer.idea()
        at = now + timedelta(seconds=i_created[j])
        idea_rows.append({
            "id": j, "title": title, "slug": idea_slug(title), "body_md": body,
            "body_html": f"<p>{html.escape(body)}</p>", "author_id": i_author[j],
            "category_id": None, "status": Status.OPEN, "merged_into_id": None,
            "created_at": at, "status_changed_at": at, "comment_count": 0,
        })
    by_popularity = list(range(1, n_ideas + 1))
    rng.shuffle(by_popularity)  # popularity rank is independent of id and age
    idea_cw = zipf_cum_weights(n_ideas, IDEA_RANK_OFFSET)
    timer.mark("ideas")

    # --- votes ---------------------------------------------------------------------------
    # (idea, account, importance, cast at, changed at or None, withdrawn at or None)
    votes: list[tuple] = []
    taken: set[int] = set()
    stride = n + 1

    def add_vote(idea: int, account: int, at: float, withdrawn: float | None = None,
                 changed: float | None = None, importance: int | None = None) -> None:
        taken.add(idea * stride + account)
        votes.append((idea, account, importance or rng.choices(
            (1, 2, 3), weights=IMPORTANCE_WEIGHTS)[0], at, changed, withdrawn))

    # Planted first, so honest draws avoid their pairs.
    used_ideas: set[int] = {j for pair in puppets for j in pair["ideas"]}
    lo, hi = int(n_ideas * 0.05), int(n_ideas * 0.60)
    for ring in rings:
        choices = [j for j in by_popularity[lo:hi]
                   if i_created[j] < ring["start"] - DAY and j not in used_ideas]
        ring["ideas"] = sorted(rng.sample(choices, ring["targets"]))
        used_ideas.update(ring["ideas"])
        for idea, at in zip(ring["ideas"], ring["times"], strict=True):
            for member in ring["members"]:
                add_vote(idea, member, at + uniform(0, 30 * 60))
        for member, covers in zip(ring["members"], ring["covers"], strict=True):
            while covers:
                idea = rng.choices(by_popularity, cum_weights=idea_cw)[0]
                if idea * stride + member in taken:
                    continue
                add_vote(idea, member, uniform(max(i_created[idea], created[member]), -60))
                covers -= 1
    for burst in bursts:
        choices = [j for j in by_popularity[n_ideas // 2:]
                   if i_created[j] < burst["at"] - 40 * DAY and j not in used_ideas]
        burst["idea"] = rng.choice(choices)
        used_ideas.add(burst["idea"])
        for member in burst["members"]:
            add_vote(burst["idea"], member, burst["at"] + uniform(0, burst["hours"] * HOUR))
    for pair in puppets:
        for idea in pair["ideas"]:
            add_vote(idea, pair["puppet"],
                     uniform(max(i_created[idea], created[pair["puppet"]]), -60))
    planted_votes = len(votes)
    honest_votes = n_votes - planted_votes
    withdrawn = int(honest_votes * WITHDRAWN_SHARE)
    need = honest_votes + withdrawn
    for _round in range(50):
        if need <= 0:
            break
        k = int(need * 1.15) + 100
        for idea, account in zip(rng.choices(by_popularity, cum_weights=idea_cw, k=k),
                                 rng.choices(voters, cum_weights=voter_cw, k=k), strict=True):
            key = idea * stride + account
            if key in taken:
                continue
            at = uniform(max(i_created[idea], created[account]), -60)
            gone = uniform(at, -30) if need <= withdrawn else None
            changed = (uniform(at, -30) if gone is None and rand() < CHANGED_SHARE else None)
            add_vote(idea, account, at, gone, changed)
            need -= 1
            if need == 0:
                break
    if need > 0:
        raise SystemExit(f"could not draw {n_votes} distinct votes: more accounts, please")
    taken.clear()
    timer.mark(f"draw {len(votes)} votes")

    # What community.ideas.service stores with each vote, and the ideas' counters.
    epoch = datetime.fromisoformat(cfg["TRENDING_EPOCH"])
    half_life = cfg["TRENDING_HALF_LIFE_HOURS"]
    established_after = cfg["ESTABLISHED_AFTER_DAYS"]
    counters = {j: [0, 0, 0, 0.0, 0.0, 0] for j in range(1, n_ideas + 1)}
    vote_rows = []
    for idea, account, importance, at_s, _changed, gone in votes:
        if gone is not None:
            continue
        at = now + timedelta(seconds=at_s)
        voter = weights.Voter(verified=True, staff=staff[account], discounted=False,
                              account_age_days=(at_s - created[account]) / DAY)
        weight = ranking.vote_weight(importance, weights.trust_weight(voter, established_after))
        term = ranking.trending_term(weight, at, epoch, half_life)
        established = weights.is_established(voter, established_after)
        vote_rows.append((idea, account, importance, None, weight, term, voter.staff,
                          established, at))
        c = counters[idea]
        if voter.staff:
            c[1] += 1
        else:
            c[0] += 1
        c[2] += established
        c[3] += weight
        if established:
            c[4] += weight
        c[5] += term
    for row in idea_rows:
        c = counters[row["id"]]
        row.update(vote_count=c[0], staff_vote_count=c[1], established_vote_count=c[2],
                   top_score=c[3], trusted_score=c[4], trending_score=c[5], priority_score=0.0)
    timer.mark("vote values and counters")

    # --- products and reviews --------------------------------------------------------------
    products = []
    launched = [0.0] * (n_products + 1)
    shift = [0.0] * (n_products + 1)
    for p in range(1, n_products + 1):
        launched[p] = -uniform(60, 1000) * DAY
        shift[p] = uniform(-1, 1)
        name = PRODUCT_NAMES[(p - 1) % len(PRODUCT_NAMES)] + (
            f" {(p - 1) // len(PRODUCT_NAMES) + 1}" if p > len(PRODUCT_NAMES) else "")
        products.append({
            "id": p, "name": name, "slug": name.lower().replace(" ", "-"),
            "launched_on": (now + timedelta(seconds=launched[p])).date(),
            "description": f"{name}, a tool members review.",
            "created_at": now + timedelta(seconds=launched[p]),
        })
    product_order = list(range(1, n_products + 1))
    rng.shuffle(product_order)
    product_cw = zipf_cum_weights(n_products, PRODUCT_RANK_OFFSET)
    rating_cw = {}
    for p in range(1, n_products + 1):
        q = shift[p]
        w = [HONEST_RATINGS[0] * (1 - 0.6 * q), HONEST_RATINGS[1] * (1 - 0.5 * q),
             HONEST_RATINGS[2], HONEST_RATINGS[3], HONEST_RATINGS[4] * (1 + 0.4 * q)]
        rating_cw[p] = list(accumulate(w))
    reviewers = voters[:]
    rng.shuffle(reviewers)
    reviewer_cw = zipf_cum_weights(len(reviewers), REVIEWER_RANK_OFFSET)
    review_specs = []  # (at, product, account, rating, title, body, using_since, group)

    def month_start(seconds: float) -> date:
        day = (now + timedelta(seconds=seconds)).date()
        return day.replace(day=1)

    dup_count = sum(len(d["members"]) for d in dups)
    need = n_reviews - dup_count
    pairs: set[int] = set()
    for _round in range(50):
        if need <= 0:
            break
        k = int(need * 1.2) + 100
        for p, account in zip(rng.choices(product_order, cum_weights=product_cw, k=k),
                              rng.choices(reviewers, cum_weights=reviewer_cw, k=k), strict=True):
            key = p * stride + account
            if key in pairs:
                continue
            pairs.add(key)
            at = uniform(max(launched[p], created[account]), -60)
            rating = bisect_right(rating_cw[p], rand() * rating_cw[p][-1]) + 1
            lang = "fr" if french[account] else "en"
            title, body = writer.review(rating, lang, short=rand() < SHORT_REVIEW_SHARE)
            since = month_start(uniform(
                launched[p] if using_since == "uniform" else max(launched[p], created[account]),
                at))
            if rand() < CLAIM_SHARE:
                written = (now + timedelta(seconds=at)).date()
                months = (written.year - since.year) * 12 + written.month - since.month - 1
                if months >= 2:
                    body = f"{body} {writer.claim(months, lang)}"
            review_specs.append((at, p, account, rating, title, body, since, -1))
            need -= 1
            if need == 0:
                break
    if need > 0:
        raise SystemExit("could not draw the reviews: more accounts or products, please")
    del pairs
    for number, group in enumerate(dups):
        p = rng.choices(product_order, cum_weights=product_cw)[0]
        group["product"] = p
        lang = "en"
        rating = 1 if group["negative"] else 5
        title, body = writer.review(rating, lang)
        words = body.split(" ")
        if len(words) > 60:  # 20-60 words: what such crowds post
            body = " ".join(words[:rng.randint(40, 60)]).rstrip(",;:") + "."
        for position, member in enumerate(group["members"]):
            text = body if position == 0 else edited(body, rng, randint(1, 2))
            at = group["at"] + uniform(0, 3 * DAY)
            review_specs.append((at, p, member, rating, title, text, month_start(at), number))
    review_specs.sort(key=lambda r: r[0])
    review_rows = []
    for rid, (at_s, p, account, rating, title, body, since, group) in enumerate(
            review_specs, start=1):
        at = now + timedelta(seconds=at_s)
        review_rows.append((rid, p, account, rating, title, body,
                            f"<p>{html.escape(body)}</p>", since, staff[account], False, 0, 0,
                            at, at))
        if group >= 0:
            dups[group].setdefault("reviews", []).append(rid)
    timer.mark(f"{len(review_rows)} reviews")

    # --- the activity log ----------------------------------------------------------------
    # (user_id, kind, subject_type, subject_id, value, at, ip_hash, net_hash, device_hash)
    activity = []
    for i in range(1, n + 1):
        activity.append((i, "signup", None, None, None, created[i], *origin(i)))
    for j in range(1, n_ideas + 1):
        activity.append((i_author[j], "post_written", "idea", j, None, i_created[j],
                         *origin(i_author[j])))
    for idea, account, importance, at, changed, gone in votes:
        activity.append((account, "vote_cast", "idea", idea, importance, at, *origin(account)))
        if changed is not None:
            activity.append((account, "vote_changed", "idea", idea, importance, changed,
                             *origin(account)))
        if gone is not None:
            activity.append((account, "vote_withdrawn", "idea", idea, None, gone,
                             *origin(account)))
    for row in review_rows:
        rid, _p, account, rating = row[0], row[1], row[2], row[3]
        activity.append((account, "review_written", "review", rid, rating,
                         (row[12] - now).total_seconds(), *origin(account)))
    activity.sort(key=lambda row: row[5])
    activity = [(*row[:5], now + timedelta(seconds=row[5]), *row[6:]) for row in activity]
    timer.mark(f"{len(activity)} activity rows")

    # --- members ------------------------------------------------------------------------------
    members = []
    for i in range(1, n + 1):
        joined = now + timedelta(seconds=created[i])
        email = f"member{i:06d}@example.test"
        members.append({
            "id": i, "handle": f"member-{i:06d}", "display_name": f"Member {i}",
            "email": email, "email_normalized": normalize_email(email),
            "email_verified_at": joined + timedelta(minutes=10) if verified[i] else None,
            "password_hash": password_hash, "session_nonce": f"{i:016x}",
            "role": Role.MODERATOR if staff[i] else Role.MEMBER,
            "locale": "fr" if french[i] else "en", "is_demo": False,
            "votes_discounted_at": None, "created_at": joined, "deleted_at": None,
        })
    timer.mark("member rows")

    iso = lambda seconds: (now + timedelta(seconds=seconds)).isoformat(timespec="seconds")  # noqa: E731
    truth = {
        "now": now.isoformat(timespec="seconds"),
        "accounts": n, "ideas": n_ideas, "votes": len(vote_rows), "reviews": len(review_rows),
        "products": n_products, "seed": seed, "using_since": using_since,
        "honest_accounts": len(honest), "honest_reviews": len(review_rows) - dup_count,
        "staff": sum(staff), "unverified": n - sum(verified),
        "activity_rows": len(activity), "planted_votes": planted_votes,
        "rings": [{"accounts": sorted(r["members"]), "ideas": r["ideas"],
                   "covers": r["covers"], "from": iso(r["times"][0]),
                   "to": iso(r["times"][-1])} for r in rings],
        "bursts": [{"idea": b["idea"], "accounts": sorted(b["members"]),
                    "at": iso(b["at"]), "hours": round(b["hours"], 2)} for b in bursts],
        "duplicates": [{"product": d["product"], "reviews": d["reviews"],
                        "accounts": sorted(d["members"]), "negative": d["negative"]}
                       for d in dups],
        "puppets": [{"main": p["main"], "puppet": p["puppet"], "ideas": p["ideas"]}
                    for p in puppets],
    }
    return {"members": members, "ideas": idea_rows, "votes": vote_rows,
            "products": products, "reviews": review_rows, "activity": activity,
            "truth": truth}


VOTE_COLUMNS = ("idea_id", "user_id", "importance", "why", "weight", "trending_term", "staff",
                "established", "created_at")
REVIEW_COLUMNS = ("id", "product_id", "author_id", "rating", "title", "body_md", "body_html",
                  "using_since", "staff", "hidden", "helpful_count", "revision_count",
                  "created_at", "updated_at")
ACTIVITY_COLUMNS = ("user_id", "kind", "subject_type", "subject_id", "value", "at", "ip_hash",
                    "net_hash", "device_hash")


def insert(engine, data: dict, timer: Timer) -> dict:
    """Insert every row; return the highest ids (users, votes, activity) seeded."""
    import sqlalchemy as sa

    from community.accounts.activity import Activity
    from community.accounts.models import User
    from community.ideas.models import Idea, Vote
    from community.reviews.models import Product, Review

    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if not postgres:
            connection.exec_driver_sql("PRAGMA cache_size=-400000")  # 400 MB, this connection
        existing = connection.scalar(sa.select(sa.func.count()).select_from(User.__table__))
        if existing:
            raise SystemExit(f"the database already holds {existing} members: seed a fresh one")
        for batch in _batches(data["members"]):
            connection.execute(User.__table__.insert(), batch)
        timer.mark(f"insert {len(data['members'])} users")
        for batch in _batches(data["ideas"]):
            connection.execute(Idea.__table__.insert(), batch)
        connection.execute(Product.__table__.insert(), data["products"])
        timer.mark(f"insert {len(data['ideas'])} ideas, {len(data['products'])} products")
        tables = ((Review.__table__, REVIEW_COLUMNS, data["reviews"]),
                  (Vote.__table__, VOTE_COLUMNS, data["votes"]),
                  (Activity.__table__, ACTIVITY_COLUMNS, data["activity"]))
        if postgres:
            raw = connection.connection.driver_connection  # psycopg 3, same transaction
            with raw.cursor() as cursor:
                for table, columns, rows in tables:
                    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) "
                                     "FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    timer.mark(f"COPY {len(rows)} {table.name}")
                for table in ("users", "ideas", "products", "reviews"):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT max(id) FROM {table}))")
        else:
            for table, columns, rows in tables:
                for batch in _batches(rows):
                    connection.execute(table.insert(),
                                       [dict(zip(columns, row, strict=True)) for row in batch])
                timer.mark(f"insert {len(rows)} {table.name}")
        top = {name: connection.scalar(sa.text(f"SELECT max(id) FROM {name}"))
               for name in ("users", "votes", "activity", "reviews")}
    if postgres:  # what autovacuum would have done on a live site: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        timer.mark("VACUUM ANALYZE")
    return top


def seed(url: str, accounts: int, ideas: int, votes: int, reviews: int, products: int,
         seed_value: int, truth_path: Path, instance_dir: Path | None = None,
         plan: Plan | None = None, using_since: str = "uniform") -> str:
    """Generate and insert; write the truth file; return a one-line summary."""
    instance_dir = instance_dir or ROOT / "bench" / "out"
    os.environ.update(bench_env(url, instance_dir))  # before the app's config is read

    from community import create_app
    from community.accounts.passwords import hash_password
    from community.config import Config
    from community.extensions import db
    from community.timeutil import utcnow

    timer = Timer()
    app = create_app(Config())
    cfg = {key: app.config[key] for key in ("TRENDING_EPOCH", "TRENDING_HALF_LIFE_HOURS",
                                            "ESTABLISHED_AFTER_DAYS")}
    password_hash = hash_password(BENCH_PASSWORD)
    timer.mark("app")
    with app.app_context():
        engine = db.engine
        data = generate(accounts, ideas, votes, reviews, products, seed_value,
                        utcnow().replace(microsecond=0), cfg, password_hash, plan or Plan(),
                        timer, using_since)
        truth = data["truth"]
        truth["max_ids"] = insert(engine, data, timer)
    engine.dispose()
    truth_path.write_text(json.dumps(truth, indent=1))
    total = sum(seconds for _, seconds in timer.marks)
    return (f"seeded {accounts} accounts, {ideas} ideas, {truth['votes']} votes, "
            f"{truth['reviews']} reviews, {truth['activity_rows']} activity rows in "
            f"{total:.1f}s ({timer.summary()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="SQLite file to create, or a PostgreSQL URL (empty schema)")
    parser.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    parser.add_argument("--ideas", type=int, default=DEFAULT_IDEAS)
    parser.add_argument("--votes", type=int, default=DEFAULT_VOTES)
    parser.add_argument("--reviews", type=int, default=DEFAULT_REVIEWS)
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS)
    parser.add_argument("--rings", type=int, default=30)
    parser.add_argument("--bursts", type=int, default=10)
    parser.add_argument("--dup-groups", type=int, default=20)
    parser.add_argument("--puppets", type=int, default=20)
    parser.add_argument("--using-since", choices=("uniform", "after-signup"), default="uniform",
                        help="a review's 'using it since': any month since the launch "
                        "(default), or only since the account was created")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same data each run)")
    parser.add_argument("--truth", type=Path, help="where to write the planted patterns (JSON)")
    parser.add_argument("--instance", type=Path, help="instance dir (default: bench/out/)")
    args = parser.parse_args(argv)
    url = database_url(args.db)
    if url.startswith("sqlite"):
        path = Path(args.db)
        if path.exists():
            parser.error(f"{path} exists: the seeder fills a fresh database")
        path.parent.mkdir(parents=True, exist_ok=True)
        truth = args.truth or path.with_suffix(".truth.json")
    elif args.truth is None:
        parser.error("--truth is required with a PostgreSQL URL")
    else:
        truth = args.truth
    instance_dir = args.instance or ROOT / "bench" / "out"
    instance_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        migrate(url, instance_dir)
    except subprocess.CalledProcessError as error:
        print(f"migration failed:\n{error.stderr}", file=sys.stderr)
        return 1
    migrated = time.perf_counter() - started
    summary = seed(url, args.accounts, args.ideas, args.votes, args.reviews, args.products,
                   args.seed, truth, instance_dir,
                   Plan(args.rings, args.bursts, args.dup_groups, args.puppets),
                   args.using_since)
    print(f"migrated in {migrated:.1f}s; {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
