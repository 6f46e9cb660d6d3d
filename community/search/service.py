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

import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from community.extensions import db
from community.search import cache, terms
from community.search import kinds as search_kinds
from community.search.kinds import Hit, SearchPage  # noqa: F401  (SearchPage: re-exported)
from community.search.models import SearchDocument
from community.timeutil import utcnow

CANDIDATES = 2000
MAX_PAGE = 50
MAX_PER_PAGE = 50
_BULK_FIELDS = frozenset({"category_id", "solved", "topic_id", "title"})


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
        cache.changed()  # an edit, a move: cached results may show the old document


def remove_document(kind: str, ref_id: int) -> None:
    """Take an item's document out of the index (no-op if absent)."""
    _registered(kind)
    if db.session.execute(sa.delete(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.ref_id == ref_id)).rowcount:
        cache.changed()


def remove_topic_documents(topic_id: int) -> None:
    """Take a thread's documents (of the ``in_thread`` kinds: a forum topic and all its
    replies) out of the index in one statement (hidden, deleted)."""
    if db.session.execute(sa.delete(SearchDocument).where(
            SearchDocument.topic_id == topic_id,
            SearchDocument.kind.in_(_thread_kinds()))).rowcount:
        cache.changed()


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
    cache.changed()
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
    """FTS5: the newest matches (FTS5 walks its rowids backwards), each with its kind and its
    bm25 as ``score`` (higher is better)."""
    fts = sa.table("search_fts", sa.column("rowid", sa.Integer))
    fts_name = sa.literal_column("search_fts")
    return (
        sa.select(fts.c.rowid.label("id"), SearchDocument.kind,
                  (0.0 - sa.func.bm25(fts_name)).label("score"))
        .select_from(fts.join(SearchDocument, SearchDocument.id == fts.c.rowid))
        .where(fts_name.op("MATCH")(terms.fts5_match(groups)), *conditions)
        .order_by(fts.c.rowid.desc()).limit(CANDIDATES).subquery("candidates"))


# PostgreSQL: the id windows the newest matches are looked for in, newest first (module
# docstring of _postgresql_candidates): WINDOW documents, then 4x wider each time.
WINDOW = 4000
WINDOW_GROWTH = 4
NEWEST_ID_SECONDS = 60.0
_newest_id: dict[str, tuple[float, int]] = {}  # database URL -> (until, max id)


def _window_bounds() -> list[int]:
    """The windows' lower bounds (ids), newest first, from the newest document's id as read
    at most once a minute per process: a stale value only shifts the windows (the first is
    open above, the last below), never what is found."""
    url = str(db.session.get_bind().url)
    now = time.monotonic()
    known = _newest_id.get(url)
    if known is None or known[0] < now:
        top = db.session.scalar(sa.select(sa.func.max(SearchDocument.id))) or 0
        known = _newest_id[url] = (now + NEWEST_ID_SECONDS, top)
    top, bounds, width = known[1], [], WINDOW
    while top - width > 0:
        bounds.append(top - width)
        width *= WINDOW_GROWTH
    return bounds


def _postgresql_candidates(groups, conditions):
    """The newest CANDIDATES matches, each with its kind and its score (cover density divided
    by log length, ``ts_rank_cd(tsv, query, 1)``), computed for those rows only.

    A GIN index finds every match, and PostgreSQL must then read each match's row (for its id
    and the visibility test) before it can keep the newest: a query whose two words are in
    16 % of 400,000 documents read 64,000 rows (46,000 heap pages, 800 ms) to keep 2,000.
    So the matches are looked for id window by id window, newest first (4,000 documents,
    then 12,000, 48,000...: ``UNION ALL`` of one ordered SELECT per window, under the
    LIMIT): PostgreSQL runs the windows in order and stops as soon as it holds CANDIDATES
    rows, and plans each window alone (the primary key backwards where matches are dense,
    the GIN index where they are rare). The same query read 13,000 rows (75 ms); a rare word
    runs every window, each one cheap through the GIN index.

    :func:`search` plans it without parallel workers and without JIT (see :class:`_serial`).
    """
    query = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), terms.tsquery(groups))
    tsv = sa.literal_column("search_documents.tsv")
    score = sa.func.ts_rank_cd(tsv, query, 1).label("score")
    branches, upper = [], None
    for lower in [*_window_bounds(), None]:
        where = [tsv.op("@@")(query), *conditions]
        if upper is not None:
            where.append(SearchDocument.id <= upper)
        if lower is not None:
            where.append(SearchDocument.id > lower)
        branches.append(sa.select(SearchDocument.id, SearchDocument.kind, score).where(*where)
                        .order_by(SearchDocument.id.desc()))
        upper = lower
    newest = sa.union_all(*branches).subquery("newest")
    return sa.select(newest).limit(CANDIDATES).subquery("candidates")


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
        candidates = _candidates(groups, conditions, sqlite)
        # Rank and count over the candidates' (id, kind, score) alone; read the whole rows
        # of the page's hits only.
        sums = [sa.func.sum(sa.case((candidates.c.kind == name, 1), else_=0)).over()
                for name in names]
        extra = [sa.func.count().over().label("total"),
                 *(total.label(f"kind_{i}") for i, total in enumerate(sums))] if names else []
        ranked = (sa.select(candidates.c.id, candidates.c.score, *extra)
                  .order_by(candidates.c.score.desc(), candidates.c.id.desc())
                  .limit(per_page + 1).offset((page - 1) * per_page).subquery("ranked"))
        rows = db.session.execute(
            sa.select(SearchDocument, ranked.c.score,
                      *(c for c in ranked.c if c.name not in ("id", "score")))
            .join(ranked, SearchDocument.id == ranked.c.id)
            .order_by(ranked.c.score.desc(), SearchDocument.id.desc())).all()
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
    """On PostgreSQL, plan the statements inside without parallel workers and without JIT,
    then restore both settings (one statement each way). Walking a window of the primary key
    to the newest matches, a parallel plan only adds the workers' start-up (measured at 1M
    documents before the windows, 8 concurrent searches of common words: 59 searches/s in
    parallel against 96 serial); and the windows' summed cost estimate passes
    ``jit_above_cost``: JIT compiled 162 functions (200 ms) for a 115 ms query."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite, self.before = sqlite, None

    def __enter__(self):
        if not self.sqlite:
            self.before = db.session.execute(sa.text(
                "SELECT current_setting('max_parallel_workers_per_gather'), "
                "current_setting('jit'), "
                "set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('jit', 'off', true)")).one()
        return self

    def __exit__(self, kind, *_) -> None:
        if not self.sqlite and kind is None:  # (a failed query rolls the settings back)
            db.session.execute(sa.text(
                "SELECT set_config('max_parallel_workers_per_gather', :workers, true), "
                "set_config('jit', :jit, true)"),
                {"workers": self.before[0], "jit": self.before[1]})


def _kind_counts(groups, visible: Mapping[str, Any], author_id: int | None,
                 solved: bool | None, sqlite: bool) -> tuple[dict[str, int], bool]:
    """Matches per kind among the CANDIDATES newest, over every kind in ``visible``; and
    whether the cap was reached. Run it inside ``_serial``."""
    conditions = _filters(visible, author_id, solved, None, sqlite=sqlite)
    if conditions is None:
        return {}, False
    candidates = _candidates(groups, conditions, sqlite)
    rows = db.session.execute(
        sa.select(candidates.c.kind, sa.func.count()).group_by(candidates.c.kind)).all()
    counts = {kind: int(n) for kind, n in rows}
    return counts, sum(counts.values()) >= CANDIDATES


def _hit(document: SearchDocument, score: float, groups) -> Hit:
    return Hit(kind=document.kind, ref_id=document.ref_id, topic_id=document.topic_id,
               category_id=document.category_id, author_id=document.author_id,
               title=document.title,
               snippet=Markup(terms.snippet(document.body or document.title, groups)),
               score=float(score or 0.0), created_at=document.created_at,
               solved=document.solved)
