"""Search: keep the index in step with the domains, and answer queries. It knows no domain.

Each domain registers its kinds of documents (kinds.py: who may see them, where a hit leads)
and calls :func:`index_document`, :func:`remove_document` and, for kinds that live in a thread
(forum topics and replies), :func:`update_topic_documents` / :func:`remove_topic_documents`,
in the same transaction as each change; these functions flush, never commit. A document holds
``ref_id`` (the item's id in its domain), a title and a body (both indexed, unless the kind's
``title_indexed`` is False: then the title is only shown), and optionally its scope
(``category_id``), thread (``topic_id``), author, date and "solved".

``body`` is plain text: pass ``community.text.plain_text(x.body_html)`` (the cooked HTML with
its tags dropped), not Markdown. Hidden, deleted or merged-away content: remove its document.

:func:`search` ranks, among the newest ``CANDIDATES`` documents that match every query word and
that the reader may see (per kind, the condition ``kinds.audience`` gives), by relevance (FTS5
``bm25`` on SQLite, ``ts_rank_cd`` on PostgreSQL). The cap keeps a query on a word found in
half a million posts as fast as a rare one: nothing ranks or counts every match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from community.extensions import db
from community.search import kinds as search_kinds
from community.search import terms
from community.search.kinds import Hit
from community.search.models import SearchDocument
from community.timeutil import utcnow

CANDIDATES = 2000
MAX_PAGE = 50
MAX_PER_PAGE = 50
_BULK_FIELDS = frozenset({"category_id", "solved", "topic_id", "title"})


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_next: bool
    searched: bool  # False when the query held no word to look for (empty, short, symbols)
    # With ``count_kinds``: how many of the CANDIDATES newest matches each kind holds, over
    # every kind the reader may see (whatever ``kinds`` asked), and whether the cap was reached
    # (then the counts are lower bounds).
    by_kind: dict[str, int] = field(default_factory=dict)
    capped: bool = False


def _registered(kind: str) -> search_kinds.SearchKind:
    found = search_kinds.get(kind)
    if found is None:
        raise ValueError(f"unknown search document kind: {kind!r} (see kinds.register_kind)")
    return found


def _thread_kinds(*, title_indexed: bool | None = None) -> list[str]:
    return [k.name for k in search_kinds.registered() if k.in_thread
            and (title_indexed is None or k.title_indexed is title_indexed)]


def _storable(text: str | None) -> str:
    return (text or "").replace("\x00", "")  # PostgreSQL text cannot hold NUL


def index_document(kind: str, ref_id: int, *, title: str, body: str,
                   category_id: int | None = None, topic_id: int | None = None,
                   author_id: int | None = None, solved: bool = False,
                   created_at: datetime | None = None) -> None:
    """Add or replace the document of an item of a registered kind (see the module
    docstring). ``created_at`` None keeps a replaced document's date."""
    title_indexed = _registered(kind).title_indexed
    title, body = _storable(title)[:200], _storable(body)
    values = {
        "topic_id": topic_id, "category_id": category_id, "author_id": author_id,
        "solved": bool(solved), "title": title, "body": body,
        "stems": terms.document_terms(title if title_indexed else "", body),
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
    """Take an item's document out of the index (no-op if absent)."""
    _registered(kind)
    db.session.execute(sa.delete(SearchDocument).where(
        SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))


def remove_topic_documents(topic_id: int) -> None:
    """Take a thread's documents (of the ``in_thread`` kinds: a forum topic and all its
    replies) out of the index in one statement (hidden, deleted)."""
    db.session.execute(sa.delete(SearchDocument).where(
        SearchDocument.topic_id == topic_id, SearchDocument.kind.in_(_thread_kinds())))


def update_topic_documents(topic_id: int, /, **values) -> int:
    """Change ``category_id``, ``solved``, ``topic_id`` and/or ``title`` on the documents of a
    thread, of the ``in_thread`` kinds (a forum topic and its replies: move, accept, merge,
    rename); returns how many changed.

    Documents of other kinds that only point at the thread (FAQ entries) keep their own
    category and are left alone. ``title`` changes only the displayed title, on the kinds
    whose title is not indexed (replies): re-index the document whose title is indexed (the
    topic's own) when it changes. On a merge, remove the merged topic's ``topic`` document
    first (or re-index its first post as a ``post``), then move the rest with ``topic_id=``."""
    unknown = set(values) - _BULK_FIELDS
    if unknown:
        raise TypeError(f"update_topic_documents cannot change {sorted(unknown)}")
    if not values:
        return 0
    title = values.pop("title", None)
    where = (SearchDocument.topic_id == topic_id, SearchDocument.kind.in_(_thread_kinds()))
    changed = 0
    if title is not None:
        db.session.execute(sa.update(SearchDocument).where(
            *where, SearchDocument.kind.in_(_thread_kinds(title_indexed=False)))
            .values(title=_storable(title)[:200]))
    if values:
        changed = db.session.execute(sa.update(SearchDocument).where(*where)
                                     .values(**values)).rowcount
    return changed


def _visibility(visible: Mapping[str, Any], sqlite: bool):
    """OR over the kinds of (kind is k AND k's condition), the kinds that share one condition
    object in one term; None when nothing is visible.

    SQLite compares ``kind || ''``, for the reason ``kinds.in_scopes`` writes
    ``category_id + 0``: without statistics, the ``(kind, ref_id)`` unique index could tempt it
    (its OR optimisation) into walking every document of a kind and probing FTS5 for each.
    PostgreSQL compares the column itself: its statistics on ``kind`` are right (an expression
    would get a default guess of 0.5 %, hence a sequential scan), and they let it lead with the
    unique index when the kind asked for is rare (the FAQ: 3 ms, against 1.1 s without)."""
    groups: dict[int, tuple[Any, list[str]]] = {}
    for name, condition in visible.items():
        if condition is None or condition is False:
            continue
        condition = sa.true() if condition is True else condition
        groups.setdefault(id(condition), (condition, []))[1].append(name)
    if not groups:
        return None
    kind = SearchDocument.kind + "" if sqlite else SearchDocument.kind
    parts = [sa.and_(kind == names[0] if len(names) == 1 else kind.in_(sorted(names)),
                      condition) for condition, names in groups.values()]
    return parts[0] if len(parts) == 1 else sa.or_(*parts)


def _filters(visible: Mapping[str, Any], author_id: int | None, solved: bool | None,
             kinds: Iterable[str] | None, *, sqlite: bool) -> list | None:
    """The WHERE conditions of a search; None when it can find nothing."""
    if kinds is not None:
        wanted = set(kinds)
        visible = {k: c for k, c in visible.items() if k in wanted}
    visibility = _visibility(visible, sqlite)
    if visibility is None:
        return None
    conditions = [visibility]
    if author_id is not None:
        conditions.append(SearchDocument.author_id == author_id)
    if solved is not None:
        conditions.append(SearchDocument.solved.is_(bool(solved)))
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
    the score, cover density divided by log length, is computed for those rows only.

    :func:`search` plans it without parallel workers (for that one statement): walking the
    primary key backwards to the newest 2,000 matches, a parallel plan only adds the workers'
    start-up, yet the per-kind visibility test (a few operators more per row) tips
    PostgreSQL's estimate into one for common words. Measured at 1M documents, 8 concurrent
    searches of common words: 59 searches/s in parallel against 96 serial (110 before kinds,
    whose query it chose serial)."""
    query = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), terms.tsquery(groups))
    tsv = sa.literal_column("search_documents.tsv")
    candidates = (sa.select(SearchDocument.id).where(tsv.op("@@")(query), *conditions)
                  .order_by(SearchDocument.id.desc()).limit(CANDIDATES).subquery("candidates"))
    return candidates, sa.func.ts_rank_cd(tsv, query, 1)


def search(query: str, visible: Mapping[str, Any], *, author_id: int | None = None,
           solved: bool | None = None, kinds: Iterable[str] | None = None, page: int = 1,
           per_page: int = 20, count_kinds: bool = False) -> SearchPage:
    """Documents matching every word of ``query`` (either stem), best first (id descending on
    a tie), filtered; never a document of a kind absent from ``visible`` or outside its
    condition there (``visible`` = ``kinds.audience(reader, scope=...).conditions``: kind ->
    SQL condition on SearchDocument, True for all, None or False for none). ``kinds``: only
    those. ``page`` is capped at ``MAX_PAGE``; ``has_next`` comes from one extra row.

    ``count_kinds``: also count the matches per kind (``by_kind``, ``capped``). Searching every
    kind, the counts ride on the same query (window sums over its candidates, which it ranks
    anyway); narrowed to some kinds, or past the last page, one more query counts them."""
    page = min(max(1, page or 1), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    groups = terms.query_groups(query or "")
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    conditions = _filters(visible, author_id, solved, kinds, sqlite=sqlite)
    if not groups or conditions is None:
        by_kind, capped = {}, False
        if count_kinds and groups and kinds is not None:
            with _serial(sqlite):
                by_kind, capped = _kind_counts(groups, visible, author_id, solved, sqlite)
        return SearchPage([], page, False, searched=bool(groups), by_kind=by_kind,
                          capped=capped)
    names = sorted(k for k, c in visible.items() if c is not None and c is not False) \
        if count_kinds and kinds is None else []
    by_kind, capped = {}, False
    with _serial(sqlite):
        candidates, score = _candidates(groups, conditions, sqlite)
        sums = [sa.func.sum(sa.case((SearchDocument.kind == name, 1), else_=0)).over()
                for name in names]
        extra = [sa.func.count().over(), *sums] if names else []
        rows = db.session.execute(
            sa.select(SearchDocument, score.label("score"), *extra)
            .join(candidates, SearchDocument.id == candidates.c.id)
            .order_by(sa.literal_column("score").desc(), SearchDocument.id.desc())
            .limit(per_page + 1).offset((page - 1) * per_page)).all()
        if names and rows:
            by_kind = {name: int(rows[0][3 + i] or 0) for i, name in enumerate(names)}
            capped = rows[0][2] >= CANDIDATES
        elif names and page == 1:
            by_kind = dict.fromkeys(names, 0)  # nothing matched at all
        elif count_kinds:  # narrowed to some kinds, or past the last page
            by_kind, capped = _kind_counts(groups, visible, author_id, solved, sqlite)
    hits = [_hit(row[0], row[1], groups) for row in rows[:per_page]]
    return SearchPage(hits, page, len(rows) > per_page, searched=True, by_kind=by_kind,
                      capped=capped)


def _candidates(groups, conditions, sqlite: bool):
    return (_sqlite_candidates if sqlite else _postgresql_candidates)(groups, conditions)


class _serial:
    """On PostgreSQL, plan the statements inside without parallel workers (see
    :func:`_postgresql_candidates`), then restore the setting."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite, self.before = sqlite, None

    def __enter__(self):
        if not self.sqlite:
            self.before = db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather"))
            db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
        return self

    def __exit__(self, kind, *_) -> None:
        if not self.sqlite and kind is None:  # (a failed query rolls the setting back)
            db.session.execute(sa.text(
                "SELECT set_config('max_parallel_workers_per_gather', :before, true)"),
                {"before": self.before})


def _kind_counts(groups, visible: Mapping[str, Any], author_id: int | None,
                 solved: bool | None, sqlite: bool) -> tuple[dict[str, int], bool]:
    """Matches per kind among the CANDIDATES newest, over every kind in ``visible``; and
    whether the cap was reached. Run it inside ``_serial``."""
    conditions = _filters(visible, author_id, solved, None, sqlite=sqlite)
    if conditions is None:
        return {}, False
    candidates, _ = _candidates(groups, conditions, sqlite)
    rows = db.session.execute(
        sa.select(SearchDocument.kind, sa.func.count())
        .join(candidates, SearchDocument.id == candidates.c.id)
        .group_by(SearchDocument.kind)).all()
    counts = {kind: int(n) for kind, n in rows}
    return counts, sum(counts.values()) >= CANDIDATES


def _hit(document: SearchDocument, score: float, groups) -> Hit:
    return Hit(kind=document.kind, ref_id=document.ref_id, topic_id=document.topic_id,
               category_id=document.category_id, author_id=document.author_id,
               title=document.title,
               snippet=Markup(terms.snippet(document.body or document.title, groups)),
               score=float(score or 0.0), created_at=document.created_at,
               solved=document.solved)
