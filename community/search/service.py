"""Search: keep the index in step with the forums, and answer queries.

The forum service calls :func:`index_document`, :func:`remove_document` and
:func:`update_topic_documents` in the same transaction as each change; these functions flush,
never commit. What a kind of document holds:

* ``topic``: ``ref_id`` = topic id; title = the topic's title, body = its first post (indexed:
  title and body).
* ``post``: ``ref_id`` = post id, for replies; title = the topic's title, shown on the hit but
  *not* indexed (the topic's own document answers for its title words, so a reply does not
  match a query only because of its topic's title); body = the reply.
* ``faq``: ``ref_id`` = FAQ entry id; title = the question, body = the answer (both indexed).

``body`` is plain text: pass ``community.text.plain_text(x.body_html)`` (the cooked HTML with
its tags dropped), not Markdown. Hidden, deleted or merged-away content: remove its document.

:func:`search` ranks, among the newest ``CANDIDATES`` documents that match every query word in
the reader's visible categories, by relevance (FTS5 ``bm25`` on SQLite, ``ts_rank_cd`` on
PostgreSQL). The cap keeps a query on a word found in half a million posts as fast as a rare
one: nothing ranks or counts every match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup

from community.extensions import db
from community.search import terms
from community.search.models import KINDS, SearchDocument
from community.timeutil import utcnow

CANDIDATES = 2000
MAX_PAGE = 50
MAX_PER_PAGE = 50
_BULK_FIELDS = frozenset({"category_id", "solved", "topic_id", "title"})


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    topic_id: int | None
    category_id: int
    author_id: int | None
    title: str
    snippet: Markup
    score: float
    created_at: datetime
    solved: bool


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_next: bool
    searched: bool  # False when the query held no word to look for (empty, short, symbols)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown search document kind: {kind!r}")


def _storable(text: str | None) -> str:
    return (text or "").replace("\x00", "")  # PostgreSQL text cannot hold NUL


def index_document(kind: str, ref_id: int, *, title: str, body: str, category_id: int,
                   topic_id: int | None = None, author_id: int | None = None,
                   solved: bool = False, created_at: datetime | None = None) -> None:
    """Add or replace the document of a topic, reply or FAQ entry (see the module docstring
    for what each kind holds). ``created_at`` None keeps a replaced document's date."""
    _check_kind(kind)
    title, body = _storable(title)[:200], _storable(body)
    values = {
        "topic_id": topic_id, "category_id": category_id, "author_id": author_id,
        "solved": bool(solved), "title": title, "body": body,
        "stems": terms.document_terms("" if kind == "post" else title, body),
    }
    if created_at is not None:
        values["created_at"] = created_at
    existing = db.session.scalar(sa.select(SearchDocument.id).where(
        SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))
    if existing is None:
        values.setdefault("created_at", utcnow())
        db.session.execute(sa.insert(SearchDocument).values(kind=kind, ref_id=ref_id, **values))
    else:
        db.session.execute(sa.update(SearchDocument).where(SearchDocument.id == existing)
                           .values(**values))


def remove_document(kind: str, ref_id: int) -> None:
    """Take a topic's, reply's or FAQ entry's document out of the index (no-op if absent)."""
    _check_kind(kind)
    db.session.execute(sa.delete(SearchDocument).where(
        SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))


def remove_topic_documents(topic_id: int) -> None:
    """Take a topic and all its replies out of the index in one statement (hidden, deleted)."""
    db.session.execute(sa.delete(SearchDocument).where(
        SearchDocument.topic_id == topic_id, SearchDocument.kind.in_(("topic", "post"))))


def update_topic_documents(topic_id: int, /, **values) -> int:
    """Change ``category_id``, ``solved``, ``topic_id`` and/or ``title`` on the ``topic`` and
    ``post`` documents of a topic (move, accept, merge, rename); returns how many changed.

    FAQ entries keep their own category and are left alone. ``title`` changes only the
    displayed title of the replies: re-index the topic's own document when its title changes.
    On a merge, remove the merged topic's ``topic`` document first (or re-index its first post
    as a ``post``), then move the rest with ``topic_id=``."""
    unknown = set(values) - _BULK_FIELDS
    if unknown:
        raise TypeError(f"update_topic_documents cannot change {sorted(unknown)}")
    if not values:
        return 0
    title = values.pop("title", None)
    where = (SearchDocument.topic_id == topic_id, SearchDocument.kind.in_(("topic", "post")))
    changed = 0
    if title is not None:
        db.session.execute(sa.update(SearchDocument).where(
            *where, SearchDocument.kind == "post").values(title=title[:200]))
    if values:
        changed = db.session.execute(sa.update(SearchDocument).where(*where)
                                     .values(**values)).rowcount
    return changed


def _filters(category_ids: list[int], author_id: int | None, solved: bool | None,
             kinds: Iterable[str] | None) -> list:
    # "+ 0" keeps the category index out of the plan: categories are few and large, so the
    # text index must lead. SQLite (no statistics) would probe FTS5 once per row of a
    # category; PostgreSQL ANDed a bitmap of the whole category (1M rows) with the GIN one
    # (measured at 1M documents: 160 ms -> 35 ms for a common word, bench/forums.py).
    category = SearchDocument.category_id + 0
    conditions = [category.in_(category_ids)]
    if author_id is not None:
        conditions.append(SearchDocument.author_id == author_id)
    if solved is not None:
        conditions.append(SearchDocument.solved.is_(bool(solved)))
    if kinds is not None:
        conditions.append(SearchDocument.kind.in_([k for k in kinds if k in KINDS]))
    return conditions


def _sqlite_candidates(groups, conditions):
    """FTS5: the newest matches (FTS5 walks its rowids backwards), each with its bm25; returns
    the candidates and the score to order by (higher is better)."""
    fts = sa.table("search_fts", sa.column("rowid", sa.Integer))
    fts_name = sa.literal_column("search_fts")
    candidates = (
        sa.select(fts.c.rowid.label("id"), (0.0 - sa.func.bm25(fts_name)).label("score"))
        .select_from(fts.join(SearchDocument, SearchDocument.id == fts.c.rowid))
        .where(fts_name.op("MATCH")(terms.fts5_match(groups)), *conditions)
        .order_by(fts.c.rowid.desc()).limit(CANDIDATES).subquery("candidates"))
    return candidates, candidates.c.score


def _postgresql_candidates(groups, conditions):
    """GIN index (or the primary key backwards, for common words): the newest matches' ids;
    the score, cover density divided by log length, is computed for those rows only."""
    query = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), terms.tsquery(groups))
    tsv = sa.literal_column("search_documents.tsv")
    candidates = (sa.select(SearchDocument.id).where(tsv.op("@@")(query), *conditions)
                  .order_by(SearchDocument.id.desc()).limit(CANDIDATES).subquery("candidates"))
    return candidates, sa.func.ts_rank_cd(tsv, query, 1)


def search(query: str, *, category_ids: Iterable[int], category_id: int | None = None,
           author_id: int | None = None, solved: bool | None = None,
           kinds: Iterable[str] | None = None, page: int = 1, per_page: int = 20) -> SearchPage:
    """Documents matching every word of ``query`` (either stem), best first (id descending on
    a tie), filtered; never a document outside ``category_ids`` (the reader's visible
    categories). ``page`` is capped at ``MAX_PAGE``; ``has_next`` comes from one extra row."""
    page = min(max(1, page or 1), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    visible = sorted(set(category_ids))
    if category_id is not None:
        visible = [category_id] if category_id in visible else []
    groups = terms.query_groups(query or "")
    if not groups or not visible:
        return SearchPage([], page, False, searched=bool(groups))
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    conditions = _filters(visible, author_id, solved, kinds)
    if sqlite:
        candidates, score = _sqlite_candidates(groups, conditions)
    else:
        candidates, score = _postgresql_candidates(groups, conditions)
    rows = db.session.execute(
        sa.select(SearchDocument, score.label("score"))
        .join(candidates, SearchDocument.id == candidates.c.id)
        .order_by(sa.literal_column("score").desc(), SearchDocument.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)).all()
    hits = [_hit(document, score, groups) for document, score in rows[:per_page]]
    return SearchPage(hits, page, len(rows) > per_page, searched=True)


def _hit(document: SearchDocument, score: float, groups) -> Hit:
    return Hit(kind=document.kind, ref_id=document.ref_id, topic_id=document.topic_id,
               category_id=document.category_id, author_id=document.author_id,
               title=document.title,
               snippet=Markup(terms.snippet(document.body or document.title, groups)),
               score=float(score or 0.0), created_at=document.created_at,
               solved=document.solved)
