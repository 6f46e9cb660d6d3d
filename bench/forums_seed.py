"""Fill a fresh database with forums at scale, for bench/forums.py.

    .venv/bin/python bench/forums_seed.py DB [--members 50000] [--topics 50000]
        [--posts 1000000] [--big-replies 2000] [--seed 1] [--instance DIR]
        [--fts rebuild|triggers] [--reuse]

DB is an SQLite file to create (``bench/out/x.db``) or a PostgreSQL URL (optionally with
``?options=-csearch_path%3D<schema>``: the schema must exist and be empty). The schema comes
from the real migrations (``flask --app app db upgrade``, bench/ideas_seed.py's ``migrate``).
Members and categories go in with SQLAlchemy core; topics, posts and search documents with the
driver itself: ``executemany`` in batches of 10,000 in one transaction on SQLite, ``COPY`` on
PostgreSQL.

What is generated (deterministic for a given --seed):

- members: all verified, joined 760 to 1,100 days ago (before any post), 10 of them staff;
  posting activity is skewed (weight ``1 / (rank + 1) ** 0.8``, rank independent of id);
- 8 categories, one of them ``staff_only`` (so the anonymous visibility filter has something
  to filter out); topic popularity per category is skewed as well;
- topics created over two years; sizes heavy-tailed (lognormal, like the FlaskBB peer's seed,
  scaled so the total is exactly --posts, capped at 1,500), plus exactly one topic of
  ``1 + --big-replies`` posts spread over 500 days; replies fall within 90 days of their
  topic's creation; 2 pinned topics per category, 20 % questions;
- posts are numbered 1..n per topic in time order; post ids (and search document ids) follow
  global time order, as on a live site; each post is 2-5 blocks (mostly paragraphs; also
  quotes, lists, code blocks and links, as in the FlaskBB seed) drawn from a pool of 4,000
  blocks written over a Zipf-weighted vocabulary of a few thousand words, English and French
  (pseudo-words in the tail), the French share depending on the category; about 530
  characters per post;
- ``body_html`` is ``community.text.render_markdown`` of each block, joined (a post's blocks
  are separate Markdown blocks, never two lists in a row, so this is what rendering the whole
  post gives: checked on a sample of 2,000 posts);
- one search document per topic (title + first post) and per reply, ``stems`` computed by
  ``community.search.terms.document_terms`` exactly as ``search.service.index_document``
  does (body = the post's Markdown, as ``forums.service._index_post`` passes it);
- every denormalized counter (topics' max_number, reply_count, last_posted_at,
  last_poster_id; categories' topic_count, post_count, last_posted_at, last_topic_id) is
  computed while generating, then checked against a recount in SQL and, for the big topic and
  a sample of topics, by the app's own ``forums.counters.recount_topic`` (rolled back).

SQLite's FTS5 index: with ``--fts rebuild`` (default) the insert trigger is dropped during the
load and the index rebuilt once at the end (``INSERT INTO search_fts(search_fts)
VALUES('rebuild')``), then the triggers come back through
``community.search.models.create_search_index``; ``--fts triggers`` keeps the triggers.
PostgreSQL: the GIN index over the generated ``tsv`` is dropped during the load and created
after it, then ``VACUUM ANALYZE``.

Prints the time per step, the database size, and the ids of the big topic and of a typical
(25-post) topic of the largest category.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from bisect import bisect_right
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` and ``community`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import bench_env  # noqa: E402
from bench.ideas_seed import Timer, database_url, migrate  # noqa: E402

DEFAULT_MEMBERS = 50_000
DEFAULT_TOPICS = 50_000
DEFAULT_POSTS = 1_000_000
DEFAULT_BIG_REPLIES = 2_000
TYPICAL_POSTS = 25  # FlaskBB's benchmarked topic has 25 posts
MAX_TOPIC_POSTS = 1_500  # the big topic stays the biggest
BATCH = 10_000
DAY = 86_400
BLOCKS = 4_000
STAFF = 10

# (slug, name, French share of the text, topic weight, staff only)
CATEGORIES = (
    ("general", "General", 0.2, 1.0, False),
    ("support", "Support", 0.1, 0.8, False),
    ("entraide", "Entraide", 0.85, 0.55, False),
    ("developpement", "Développement", 0.6, 0.45, False),
    ("announcements", "Announcements", 0.3, 0.2, False),
    ("idees", "Idées et suggestions", 0.7, 0.35, False),
    ("off-topic", "Off-topic / Hors-sujet", 0.5, 0.3, False),
    ("staff-room", "Staff room", 0.4, 0.1, True),
)

# The most frequent words (Zipf rank order); pseudo-words make the long tail.
EN_WORDS = """
server config install database query cache template render request response worker python
flask plugin theme upgrade migration session cookie login error traceback log performance
latency memory disk network proxy nginx gunicorn sqlite postgres redis thread process queue
release version bug feature patch review commit branch merge people time work first way
make know think look want give use find tell ask seem feel try leave call good new great
little own other old right big high different small large next early young important few
public same able problem question answer issue setting page user account password email
backup restore schedule report export import search index table column field value update
delete create change move start stop restart timeout limit slow fast error warning notice
mobile browser window screen button link image file folder upload download share team group
member forum topic reply post thread message notification digest moderator admin staff
permission role access token secret key certificate domain host port address route path
""".split()
FR_WORDS = """
serveur configuration installation base donnees requete cache gabarit rendu reponse
travailleur greffon theme mise jour migration session connexion erreur journal performance
latence memoire disque reseau mandataire fil processus file version correctif fonction revue
branche fusion personne temps travail premier maniere savoir penser regarder vouloir donner
utiliser trouver dire demander sembler sentir essayer laisser appeler bon nouveau grand petit
autre vieux droit haut different important question probleme compte mot passe courriel
sauvegarde restauration calendrier rapport exportation importation recherche tableau colonne
champ valeur supprimer creer changer deplacer demarrer arreter redemarrer delai limite lent
rapide avertissement avis mobile navigateur fenetre ecran bouton lien fichier dossier
televersement telechargement partager equipe groupe membre sujet message moderateur
administrateur permission acces jeton cle certificat domaine adresse chemin réglage
paramètre déploiement développement hébergement sécurité événement numéro système
""".split()
EN_SYLLABLES = ("ba", "ker", "ston", "ing", "ly", "ter", "man", "ward", "ble", "cor", "dan",
                "field", "gre", "hol", "jor", "kin", "lan", "mor", "ness", "pro", "quin",
                "ray", "son", "tion", "vel", "wick", "yard", "zer", "ful", "ish")
FR_SYLLABLES = ("beau", "ment", "ier", "eux", "chan", "té", "lou", "rie", "mai", "son", "ère",
                "gne", "oir", "cou", "pré", "vau", "gar", "elle", "tion", "dé", "ron", "ille",
                "mé", "nage", "quet", "fleu", "ette", "eau", "bé", "sage")
TAIL_WORDS = 3_000  # pseudo-words per language
ZIPF_OFFSET = 2.0
CODE = """```python
@app.route("/hello/<name>")
def hello(name):
    users = db.session.execute(select(User).limit(10)).scalars()
    return render_template("hello.html", name=name, users=users)
```"""


def out_dir() -> Path:
    return ROOT / "bench" / "out"


# --- text --------------------------------------------------------------------------------------


class Vocabulary:
    """Zipf-weighted English and French words: a few hundred real ones, then pseudo-words."""

    def __init__(self, rng: random.Random) -> None:
        self.words = {"en": list(EN_WORDS) + self._pseudo(rng, EN_SYLLABLES, set(EN_WORDS)),
                      "fr": list(FR_WORDS) + self._pseudo(rng, FR_SYLLABLES, set(FR_WORDS))}
        self.cum = {lang: list(accumulate(1.0 / (rank + ZIPF_OFFSET)
                                          for rank in range(len(words))))
                    for lang, words in self.words.items()}

    @staticmethod
    def _pseudo(rng: random.Random, syllables, taken: set[str]) -> list[str]:
        out: list[str] = []
        seen = set(taken)
        while len(out) < TAIL_WORDS:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                out.append(word)
        return out

    def sentence(self, rng: random.Random, lang: str, lo: int = 5, hi: int = 14) -> str:
        words = rng.choices(self.words[lang], cum_weights=self.cum[lang], k=rng.randint(lo, hi))
        words[0] = words[0].capitalize()
        return " ".join(words) + rng.choice(".....?!")


def make_blocks(rng: random.Random, vocab: Vocabulary, count: int) -> dict[str, list[str]]:
    """Markdown blocks per language: ~88 % paragraphs (1-3 sentences), then quotes, lists,
    code blocks and links, as in the FlaskBB peer's seed."""
    blocks: dict[str, list[str]] = {}
    for lang in ("en", "fr"):
        pool = []
        for _ in range(count // 2):
            r = rng.random()
            if r < 0.03:
                pool.append(CODE)
            elif r < 0.07:
                pool.append("> " + vocab.sentence(rng, lang))
            elif r < 0.10:
                pool.append("\n".join("- " + vocab.sentence(rng, lang, 3, 8)
                                      for _ in range(rng.randint(2, 4))))
            elif r < 0.12:
                pool.append(f"See [the docs](https://example.org/docs/{rng.randint(1, 999)}) "
                            f"for **{vocab.sentence(rng, lang, 1, 3).rstrip('.?!')}**.")
            else:
                pool.append(" ".join(vocab.sentence(rng, lang)
                                     for _ in range(rng.choice((1, 1, 2, 2, 3)))))
        blocks[lang] = pool
    return blocks


# --- the plan ----------------------------------------------------------------------------------


def topic_sizes(rng: random.Random, topics: int, posts: int, big: int) -> list[int]:
    """Posts per topic: topic 0 is the big one; the others lognormal, scaled to the total."""
    rest = posts - big
    if rest < topics - 1:
        raise SystemExit("fewer posts than topics")
    raw = [max(1.0, rng.lognormvariate(2.7, 0.9)) for _ in range(topics - 1)]
    scale = rest / sum(raw)
    sizes = [big] + [min(MAX_TOPIC_POSTS, max(1, round(x * scale))) for x in raw]
    diff = posts - sum(sizes)
    i = 1
    while diff != 0 and topics > 1:
        if diff > 0 and sizes[i] < MAX_TOPIC_POSTS:
            sizes[i] += 1
            diff -= 1
        elif diff < 0 and sizes[i] > 1:
            sizes[i] -= 1
            diff += 1
        i = i + 1 if i + 1 < topics else 1
    return sizes


def dt(now: datetime, offset: int) -> datetime:
    return now + timedelta(seconds=offset)


def sqlite_stamp(value: datetime) -> str:
    """What SQLAlchemy's SQLite DateTime stores (strings compare as the app's binds do)."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class Plan:
    """Who writes what when: every topic's size, times and authors, and the posts in global
    time order (ids), before any text is generated."""

    def __init__(self, args, rng: random.Random, now: datetime) -> None:
        self.now = now
        members, topics, posts = args.members, args.topics, args.posts
        big = 1 + args.big_replies
        weights = [1.0 / (k + 1) ** 0.8 for k in range(members)]
        rng.shuffle(weights)
        self.poster_cum = list(accumulate(weights))
        sizes = topic_sizes(rng, topics, posts, big)
        cat_cum = list(accumulate(c[3] for c in CATEGORIES))
        start = -730 * DAY
        drafts = []  # (created offset, category index, size, is_big)
        for n, size in enumerate(sizes):
            if n == 0:  # the big topic: in the first (largest) category, 600 days ago
                created = -600 * DAY
                span = 500 * DAY
                category = 0
            else:
                created = rng.randint(start, -DAY)
                span = min(-created - 60, 90 * DAY)
                category = bisect_right(cat_cum, rng.random() * cat_cum[-1])
            drafts.append((created, category, size, n == 0, span))
        drafts.sort(key=lambda d: d[0])  # topic ids in creation order
        self.topic_category: list[int] = [0]  # 1-based topic ids; category index (0-based)
        self.topic_created: list[int] = [0]
        self.topic_author: list[int] = [0]
        self.topic_size: list[int] = [0]
        self.topic_last: list[int] = [0]
        self.topic_last_poster: list[int] = [0]
        self.big_topic = 0
        events: list[tuple[int, int, int, int]] = []  # (time, topic, number, author)
        choose = rng.choices
        for tid, (created, category, size, is_big, span) in enumerate(drafts, start=1):
            times = sorted([created] + [created + rng.randint(60, max(61, span))
                                        for _ in range(size - 1)])
            times = [min(t, -1) for t in times]
            authors = choose(range(1, members + 1), cum_weights=self.poster_cum, k=size)
            for number, (t, author) in enumerate(zip(times, authors, strict=True), start=1):
                events.append((t, tid, number, author))
            self.topic_category.append(category)
            self.topic_created.append(created)
            self.topic_author.append(authors[0])
            self.topic_size.append(size)
            self.topic_last.append(times[-1])
            self.topic_last_poster.append(authors[-1])
            if is_big:
                self.big_topic = tid
        events.sort()
        self.events = events
        self.topics = len(drafts)
        # Pinned (2 per category, among its older topics) and questions (20 %).
        self.pinned: set[int] = set()
        for c in range(len(CATEGORIES)):
            ids = [t for t in range(1, self.topics + 1) if self.topic_category[t] == c
                   and t != self.big_topic]
            self.pinned.update(ids[:2])
        self.question = [False] + [rng.random() < 0.2 for _ in range(self.topics)]


# --- rows --------------------------------------------------------------------------------------


def member_rows(args, rng: random.Random, now: datetime, password_hash: str) -> list[dict]:
    from community.accounts.emails import normalize_email
    from community.accounts.models import Role

    rows = []
    for i in range(1, args.members + 1):
        joined = now - timedelta(days=rng.uniform(760, 1100))
        email = f"member{i:06d}@example.test"
        rows.append({
            "id": i, "handle": f"member-{i:06d}", "display_name": f"Member {i}",
            "email": email, "email_normalized": normalize_email(email),
            "email_verified_at": joined + timedelta(hours=1), "password_hash": password_hash,
            "session_nonce": f"{i:016x}",
            "role": Role.MODERATOR if i <= STAFF else Role.MEMBER,
            "locale": "fr" if i % 4 == 0 else "en", "is_demo": False, "created_at": joined,
            "deleted_at": None,
        })
    return rows


TOPIC_COLUMNS = ("id", "category_id", "author_id", "title", "slug", "is_question",
                 "accepted_post_id", "pinned", "locked", "hidden", "deleted_at",
                 "merged_into_id", "created_at", "last_posted_at", "last_poster_id",
                 "max_number", "reply_count")
POST_COLUMNS = ("id", "topic_id", "number", "author_id", "body_md", "body_html", "created_at",
                "edited_at", "revision_count", "deleted_at", "deleted_by_id", "hidden",
                "helpful_count")
DOC_COLUMNS = ("id", "kind", "ref_id", "topic_id", "category_id", "author_id", "solved",
               "created_at", "title", "body", "stems")
CATEGORY_COLUMNS = ("id", "slug", "name", "description", "colour", "position", "group_id",
                    "club_id", "staff_only", "topic_count", "post_count", "last_posted_at",
                    "last_topic_id")


class Generator:
    def __init__(self, plan: Plan, rng: random.Random, postgres: bool) -> None:
        from community.forums.service import topic_slug
        from community.search import terms
        from community.text import plain_text, render_markdown

        self.plan, self.rng, self.postgres = plan, rng, postgres
        self.vocab = Vocabulary(rng)
        self.blocks = make_blocks(rng, self.vocab, BLOCKS)
        self.html = {lang: [render_markdown(b) for b in pool]
                     for lang, pool in self.blocks.items()}
        self.render_markdown = render_markdown
        self.plain_text = plain_text
        self.document_terms = terms.document_terms
        self.titles = [""]
        for tid in range(1, plan.topics + 1):
            lang = "fr" if rng.random() < CATEGORIES[plan.topic_category[tid]][2] else "en"
            self.titles.append(self.vocab.sentence(rng, lang, 3, 9).rstrip(".?!"))
        self.slugs = [""] + [topic_slug(t) for t in self.titles[1:]]
        self.first_post = [0] * (plan.topics + 1)
        self.samples: list[tuple[str, str]] = []

    def stamp(self, offset: int):
        value = dt(self.plan.now, offset)
        return value if self.postgres else sqlite_stamp(value)

    def body(self, category: int) -> tuple[str, str]:
        rng = self.rng
        french = CATEGORIES[category][2]
        md, html = [], []
        for _ in range(rng.randint(2, 5)):
            lang = "fr" if rng.random() < french else "en"
            k = rng.randrange(len(self.blocks[lang]))
            while md and md[-1].startswith("- ") and self.blocks[lang][k].startswith("- "):
                k = rng.randrange(len(self.blocks[lang]))  # two lists in a row make one
            md.append(self.blocks[lang][k])
            html.append(self.html[lang][k])
        return "\n\n".join(md), "".join(html)

    def rows(self):
        """(post row, search document row) in id order."""
        plan = self.plan
        false = False if self.postgres else 0
        sample_every = max(1, len(plan.events) // 2000)
        for pid, (t, tid, number, author) in enumerate(plan.events, start=1):
            category = plan.topic_category[tid]
            md, html = self.body(category)
            if pid % sample_every == 0:
                self.samples.append((md, html))
            created = self.stamp(t)
            post = (pid, tid, number, author, md, html, created, None, 0, None, None, false, 0)
            title = self.titles[tid][:200]
            text = self.plain_text(html)  # what forums pass to index_document (not Markdown)
            if number == 1:
                self.first_post[tid] = pid
                doc = (pid, "topic", tid, tid, category + 1, author, false, created, title, text,
                       self.document_terms(title, text))
            else:
                doc = (pid, "post", pid, tid, category + 1, author, false, created, title, text,
                       self.document_terms("", text))
            yield post, doc

    def topic_rows(self) -> list[tuple]:
        plan = self.plan
        b = (lambda v: v) if self.postgres else int
        rows = []
        for tid in range(1, plan.topics + 1):
            rows.append((tid, plan.topic_category[tid] + 1, plan.topic_author[tid],
                         self.titles[tid], self.slugs[tid], b(plan.question[tid]), None,
                         b(tid in plan.pinned), b(False), b(False), None, None,
                         self.stamp(plan.topic_created[tid]), self.stamp(plan.topic_last[tid]),
                         plan.topic_last_poster[tid], plan.topic_size[tid],
                         plan.topic_size[tid] - 1))
        return rows

    def category_rows(self) -> list[dict]:
        plan = self.plan
        stats = {c: [0, 0, None, None] for c in range(len(CATEGORIES))}
        for tid in range(1, plan.topics + 1):
            s = stats[plan.topic_category[tid]]
            s[0] += 1
            s[1] += plan.topic_size[tid]
            last = (plan.topic_last[tid], tid)
            if s[2] is None or last > s[2]:
                s[2] = last
        rows = []
        for c, (slug, name, french, _w, staff) in enumerate(CATEGORIES):
            topic_count, post_count, last, _ = stats[c]
            rows.append({
                "id": c + 1, "slug": slug, "name": name,
                "description": self.vocab.sentence(self.rng, "fr" if french > 0.5 else "en",
                                                   5, 12),
                "colour": "#3b6ea5", "position": c + 1, "group_id": None, "club_id": None,
                "staff_only": staff, "topic_count": topic_count, "post_count": post_count,
                "last_posted_at": dt(plan.now, last[0]) if last else None,
                "last_topic_id": last[1] if last else None,
            })
        return rows


# --- inserting ---------------------------------------------------------------------------------


def sqlite_path(url: str) -> str:
    return url[len("sqlite:///"):]


def insert_sqlite(url: str, gen: Generator, timer: Timer, fts: str) -> None:
    from community.search.models import SQLITE_DDL

    connection = sqlite3.connect(sqlite_path(url), isolation_level=None)
    connection.execute("PRAGMA cache_size=-1000000")  # 1 GB for this connection
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA foreign_keys=OFF")
    connection.execute("BEGIN")
    try:
        if fts == "rebuild":
            connection.execute("DROP TRIGGER IF EXISTS search_documents_fts_insert")
        connection.executemany(
            f"INSERT INTO topics ({', '.join(TOPIC_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(TOPIC_COLUMNS))})", gen.topic_rows())
        timer.mark(f"topics ({gen.plan.topics:,})")
        post_sql = (f"INSERT INTO posts ({', '.join(POST_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(POST_COLUMNS))})")
        doc_sql = (f"INSERT INTO search_documents ({', '.join(DOC_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(DOC_COLUMNS))})")
        posts, docs = [], []
        spent = {"generate": 0.0, "posts": 0.0, "docs": 0.0}
        mark = time.perf_counter()
        for post, doc in gen.rows():
            posts.append(post)
            docs.append(doc)
            if len(posts) >= BATCH:
                mark = _flush_sqlite(connection, post_sql, doc_sql, posts, docs, spent, mark)
        _flush_sqlite(connection, post_sql, doc_sql, posts, docs, spent, mark)
        timer.marks.append((f"generate posts + stems ({len(gen.plan.events):,})",
                            spent["generate"]))
        timer.marks.append(("insert posts", spent["posts"]))
        timer.marks.append(("insert search_documents" + (" (+ FTS triggers)"
                                                        if fts == "triggers" else ""),
                            spent["docs"]))
        timer.last = time.perf_counter()
        if fts == "rebuild":
            connection.execute("INSERT INTO search_fts(search_fts) VALUES('rebuild')")
            timer.mark("FTS5 rebuild")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    if fts == "rebuild":  # the triggers back, by the app's own DDL (rebuild again: a no-op)
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for statement in SQLITE_DDL[:-1]:
                conn.exec_driver_sql(statement)
        engine.dispose()
        timer.mark("FTS5 triggers back")
    connection = sqlite3.connect(sqlite_path(url))
    connection.execute("ANALYZE")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    timer.mark("ANALYZE")


def _flush_sqlite(connection, post_sql, doc_sql, posts, docs, spent, mark) -> float:
    now = time.perf_counter()
    spent["generate"] += now - mark
    if posts:
        connection.executemany(post_sql, posts)
        after = time.perf_counter()
        spent["posts"] += after - now
        connection.executemany(doc_sql, docs)
        now = time.perf_counter()
        spent["docs"] += now - after
    posts.clear()
    docs.clear()
    return time.perf_counter()


def insert_postgres(engine, gen: Generator, timer: Timer) -> None:
    with engine.begin() as sa_connection:
        raw = sa_connection.connection.driver_connection  # psycopg 3, same transaction
        with raw.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("DROP INDEX IF EXISTS ix_search_documents_tsv")
            with cursor.copy(f"COPY topics ({', '.join(TOPIC_COLUMNS)}) FROM STDIN") as copy:
                for row in gen.topic_rows():
                    copy.write_row(row)
            timer.mark(f"COPY topics ({gen.plan.topics:,})")
            # Two COPYs cannot be open at once on one connection: posts first (their
            # documents kept aside, ~1 GB), then the documents.
            docs = []
            with cursor.copy(f"COPY posts ({', '.join(POST_COLUMNS)}) FROM STDIN") as copy:
                for post, doc in gen.rows():
                    copy.write_row(post)
                    docs.append(doc)
            timer.mark(f"generate + COPY posts ({len(docs):,})")
            with cursor.copy(f"COPY search_documents ({', '.join(DOC_COLUMNS)}) "
                             "FROM STDIN") as copy:
                for doc in docs:
                    copy.write_row(doc)
            del docs
            timer.mark("COPY search_documents (tsv generated)")
            cursor.execute("CREATE INDEX ix_search_documents_tsv ON search_documents "
                           "USING gin (tsv)")
            timer.mark("GIN index")
            for table in ("users", "forum_categories", "topics", "posts", "search_documents"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    timer.mark("VACUUM ANALYZE")


# --- checks ------------------------------------------------------------------------------------

RECOUNT_TOPICS = """
SELECT count(*) FROM topics t JOIN (
  SELECT topic_id,
         sum(CASE WHEN number > 1 AND hidden = {false} AND deleted_at IS NULL THEN 1 ELSE 0 END)
           AS replies,
         max(number) AS top, max(created_at) AS last, count(*) AS n
  FROM posts GROUP BY topic_id) p ON p.topic_id = t.id
WHERE t.reply_count != p.replies OR t.max_number != p.top OR t.last_posted_at != p.last
   OR p.n != p.top
   OR t.last_poster_id != (SELECT author_id FROM posts WHERE topic_id = t.id
                           AND number = t.max_number)
"""
RECOUNT_CATEGORIES = """
SELECT count(*) FROM forum_categories c LEFT JOIN (
  SELECT category_id, count(*) AS topics, sum(1 + reply_count) AS posts,
         max(last_posted_at) AS last
  FROM topics WHERE hidden = {false} AND deleted_at IS NULL AND merged_into_id IS NULL
  GROUP BY category_id) t ON t.category_id = c.id
WHERE c.topic_count != coalesce(t.topics, 0) OR c.post_count != coalesce(t.posts, 0)
   OR c.last_posted_at IS DISTINCT FROM t.last
   OR c.last_topic_id IS DISTINCT FROM (
        SELECT id FROM topics WHERE category_id = c.id ORDER BY last_posted_at DESC, id DESC
        LIMIT 1)
"""


def check(app, gen: Generator) -> list[str]:
    """Problems found (none expected): counters vs an SQL recount, the app's recount_topic on
    a sample, the search documents, and the cooked HTML of sampled posts."""
    import sqlalchemy as sa

    from community.extensions import db
    from community.forums.counters import recount_topic
    from community.forums.models import Topic

    problems = []
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        false = "false" if postgres else "0"
        bad = db.session.scalar(sa.text(RECOUNT_TOPICS.format(false=false)))
        if bad:
            problems.append(f"{bad} topics' counters differ from a recount")
        distinct = "IS DISTINCT FROM" if postgres else "IS NOT"
        bad = db.session.scalar(sa.text(RECOUNT_CATEGORIES.format(false=false)
                                        .replace("IS DISTINCT FROM", distinct)))
        if bad:
            problems.append(f"{bad} categories' counters differ from a recount")
        rng = random.Random(7)
        sample = [gen.plan.big_topic] + rng.sample(range(1, gen.plan.topics + 1),
                                                   min(200, gen.plan.topics))
        try:
            for tid in sample:
                topic = db.session.get(Topic, tid)
                before = (topic.reply_count, topic.max_number, topic.last_posted_at)
                recount_topic(topic)
                after = (topic.reply_count, topic.max_number, topic.last_posted_at)
                if before != after:
                    problems.append(f"topic {tid}: stored {before}, recount_topic {after}")
                    break
        finally:
            db.session.rollback()
        docs, posts, topics = (db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))
                               for t in ("search_documents", "posts", "topics"))
        if docs != posts:
            problems.append(f"{docs} search documents for {posts} posts")
        kinds = dict(db.session.execute(sa.text(
            "SELECT kind, count(*) FROM search_documents GROUP BY kind")).all())
        if kinds.get("topic") != topics:
            problems.append(f"{kinds.get('topic')} topic documents for {topics} topics")
        if not postgres:
            indexed = db.session.scalar(sa.text(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'server'"))
            stored = db.session.scalar(sa.text(
                "SELECT count(*) FROM search_documents WHERE ' ' || stems || ' ' "
                "LIKE '% server %'"))
            if indexed != stored:
                problems.append(f"FTS5 finds 'server' in {indexed} documents, stems in {stored}")
    mismatched = sum(1 for md, html in gen.samples if gen.render_markdown(md) != html)
    if mismatched:
        problems.append(f"{mismatched} of {len(gen.samples)} sampled posts: body_html is not "
                        "render_markdown(body_md)")
    return problems


def database_size(url: str) -> str:
    import sqlalchemy as sa

    if url.startswith("sqlite"):
        path = Path(sqlite_path(url))
        size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal")
                   if Path(f"{path}{s}").exists())
        return f"{size / 2**30:.2f} GiB"
    from bench.ideas import sa_url

    engine = sa.create_engine(sa_url(url))
    with engine.connect() as connection:
        size = connection.exec_driver_sql(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')").scalar()
    engine.dispose()
    return f"{(size or 0) / 2**30:.2f} GiB"


# --- main --------------------------------------------------------------------------------------


def seed(url: str, args, instance_dir: Path) -> dict:
    os.environ.update(bench_env(url, instance_dir))
    import sqlalchemy as sa

    from community import create_app
    from community.accounts.models import User
    from community.accounts.passwords import hash_password
    from community.config import Config
    from community.extensions import db
    from community.forums.models import ForumCategory
    from community.timeutil import utcnow

    timer = Timer()
    app = create_app(Config())
    postgres = not url.startswith("sqlite")
    rng = random.Random(args.seed)
    now = utcnow().replace(microsecond=0)
    plan = Plan(args, rng, now)
    timer.mark(f"plan ({len(plan.events):,} posts in {plan.topics:,} topics)")
    gen = Generator(plan, rng, postgres)
    timer.mark(f"vocabulary, {BLOCKS:,} blocks cooked, titles")
    with app.app_context():
        engine = db.engine
        with engine.begin() as connection:
            if connection.scalar(sa.select(sa.func.count()).select_from(User.__table__)):
                raise SystemExit("the database already holds members: seed a fresh one")
            rows = member_rows(args, rng, now, hash_password("bench-forums-not-used-42"))
            for start in range(0, len(rows), BATCH):
                connection.execute(User.__table__.insert(), rows[start:start + BATCH])
            timer.mark(f"users ({len(rows):,})")
            categories = gen.category_rows()
            last_topics = {row["id"]: row.pop("last_topic_id") for row in categories}
            # The migrations give a fresh site its empty "General" category: the seed brings
            # its own categories (a "general" among them), so it replaces it.
            connection.execute(ForumCategory.__table__.delete().where(
                ForumCategory.__table__.c.topic_count == 0))
            connection.execute(ForumCategory.__table__.insert(), categories)
        if postgres:
            insert_postgres(engine, gen, timer)
        else:
            engine.dispose()
            insert_sqlite(url, gen, timer, args.fts)
        with engine.begin() as connection:  # the categories' last topic, now that it exists
            for cid, tid in last_topics.items():
                connection.execute(sa.update(ForumCategory.__table__).where(
                    ForumCategory.id == cid).values(last_topic_id=tid))
        engine.dispose()
    problems = check(app, gen)
    timer.mark("checks")
    with app.app_context():
        db.engine.dispose()
    if problems:
        raise SystemExit("seeded data is inconsistent:\n  " + "\n  ".join(problems))
    sizes = plan.topic_size
    largest = max(range(len(CATEGORIES)),
                  key=lambda c: sum(1 for t in range(1, plan.topics + 1)
                                    if plan.topic_category[t] == c))
    typical = next((t for t in range(1, plan.topics + 1) if sizes[t] == TYPICAL_POSTS
                    and plan.topic_category[t] == largest and t not in plan.pinned), None)
    total = sum(seconds for _, seconds in timer.marks)
    median = sorted(sizes[1:])[len(sizes[1:]) // 2]
    return {
        "members": args.members, "topics": plan.topics, "posts": len(plan.events),
        "big_topic": plan.big_topic, "big_topic_posts": sizes[plan.big_topic],
        "typical_topic": typical, "largest_category": CATEGORIES[largest][0],
        "topic_sizes": f"median {median}, mean {len(plan.events) / plan.topics:.1f}, "
                       f"p99 {sorted(sizes[1:])[int(0.99 * (len(sizes) - 1))]}, "
                       f"max besides the big one "
                       f"{max(s for t, s in enumerate(sizes) if t and t != plan.big_topic)}",
        "avg_post_chars": round(sum(len(md) for md, _ in gen.samples)
                                / max(1, len(gen.samples))),
        "fts": args.fts if not postgres else "gin",
        "seconds": round(total, 1), "steps": timer.summary(), "size": database_size(url),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="SQLite file to create, or a PostgreSQL URL (empty schema)")
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--topics", type=int, default=DEFAULT_TOPICS)
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS)
    parser.add_argument("--big-replies", type=int, default=DEFAULT_BIG_REPLIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instance", type=Path, help="instance dir (default: bench/out/)")
    parser.add_argument("--fts", choices=("rebuild", "triggers"), default="rebuild",
                        help="SQLite: index the text once after the load, or row by row")
    parser.add_argument("--reuse", action="store_true",
                        help="if DB was seeded already (its .json summary next to it): "
                             "print that summary and stop")
    args = parser.parse_args(argv)
    if args.topics < 2 * len(CATEGORIES) + 2 or args.members < STAFF + 10:
        parser.error("too few topics or members")
    url = database_url(args.db)
    summary_path = summary_file(args.db)
    if args.reuse and summary_path.exists():
        print(summary_path.read_text().strip())
        return 0
    if url.startswith("sqlite"):
        path = Path(args.db)
        if path.exists():
            parser.error(f"{path} exists: the seeder fills a fresh database")
        path.parent.mkdir(parents=True, exist_ok=True)
    instance_dir = args.instance or out_dir()
    instance_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        migrate(url, instance_dir)
    except subprocess.CalledProcessError as error:
        print(f"migration failed:\n{error.stderr}", file=sys.stderr)
        return 1
    summary = {"migrated_s": round(time.perf_counter() - started, 1)}
    summary.update(seed(url, args, instance_dir))
    text = json.dumps(summary)
    summary_path.write_text(text + "\n")
    print(text, flush=True)
    return 0


def summary_file(db: str) -> Path:
    """Where the seed's summary is kept: next to an SQLite file, or in bench/out/ for a URL."""
    if "://" not in db:
        return Path(f"{db}.json")
    schema = re.search(r"search_path%3D(\w+)", db)
    name = re.sub(r"\W", "_", db.rsplit("/", 1)[-1].split("?")[0])
    return out_dir() / f"{name}{'.' + schema.group(1) if schema else ''}.pg.json"


if __name__ == "__main__":
    sys.exit(main())
