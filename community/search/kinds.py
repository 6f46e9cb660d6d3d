"""The kinds of search documents: what each domain teaches search, so search knows no domain.

A domain registers every kind of document it indexes with :func:`register_kind`, from its
``init_app``. A :class:`SearchKind` tells search:

* ``name``: stored in ``search_documents.kind`` (at most 20 characters);
* ``label`` (the kind filter's option, "Topics") and ``badge`` (one hit's, "Topic"): lazy
  strings;
* ``visible(reader)``: who may see its documents, as a SQL condition on
  :class:`~community.search.models.SearchDocument` (``True``: everyone; ``None`` or ``False``:
  nobody). A condition on ``category_id`` should come from :func:`in_scopes`. Not given: the
  documents in the reader's ``scopes`` (forum categories), and nothing else;
* ``url(hit)`` (or ``urls(hits) -> {ref_id: url}``, one query for a page of hits): where a
  hit leads;
* ``scopes(reader)``: the ``(id, name)`` pairs, stored in ``category_id``, a reader may narrow
  a search to (forum categories); a kind without scopes drops out of a narrowed search. When
  ``visible`` is not given, narrowing to a scope asks for ``category_id`` in it alone: the
  query the databases plan best (a redundant second condition on ``category_id`` makes
  PostgreSQL expect almost no row and scan the table: a common word in one category, at 1M
  documents, 20 ms -> 3 s);
* ``reindex()``: rebuilds its documents for ``flask search reindex``, yielding how many items
  each batch wrote (the command commits after each);
* ``title_indexed``: False when the title is shown but not indexed (a forum reply's title is
  its topic's: the topic's own document answers for those words);
* ``in_thread``: its documents follow the thread in their ``topic_id`` (moved, re-titled and
  removed with it by ``service.update_topic_documents`` / ``remove_topic_documents``);
* ``marks_solved``: its hits show a "Solved" badge when ``solved`` is set.

Kinds registered with the same ``visible`` (or ``scopes``, or ``reindex``) callable share it:
it is called once for all of them, and their documents are asked for with one condition.
Kinds live on the app (community/registry.py): read them in an app context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from community import registry
from community.search.models import SearchDocument

MAX_NAME = 20  # search_documents.kind


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    topic_id: int | None
    category_id: int | None
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
    # With ``count_kinds``: how many of the CANDIDATES newest matches each kind holds, over
    # every kind the reader may see (whatever ``kinds`` asked), and whether the cap was reached
    # (then the counts are lower bounds).
    by_kind: dict[str, int] = field(default_factory=dict)
    capped: bool = False


@dataclass(frozen=True)
class SearchKind:
    name: str
    label: Any
    badge: Any
    visible: Callable[[Any], Any] | None = None
    url: Callable[[Hit], str] | None = None
    urls: Callable[[Sequence[Hit]], Mapping[int, str]] | None = None
    scopes: Callable[[Any], Sequence[tuple[int, str]]] | None = None
    reindex: Callable[[], Iterable[int]] | None = None
    title_indexed: bool = True
    in_thread: bool = False
    marks_solved: bool = False


def _kinds() -> dict[str, SearchKind]:
    return registry.table("search_kinds")


def register_kind(kind: SearchKind) -> None:
    """Make a kind of document searchable (again: a second registration replaces the first)."""
    if not kind.name or len(kind.name) > MAX_NAME:
        raise ValueError(f"a search kind's name has 1 to {MAX_NAME} characters: {kind.name!r}")
    if kind.visible is None and kind.scopes is None:
        raise ValueError(f"search kind {kind.name!r}: who may see it? (visible or scopes)")
    _kinds()[kind.name] = kind


def unregister_kind(name: str) -> None:
    """Forget a kind (its documents stay in the index, but no search returns them)."""
    _kinds().pop(name, None)


def get(name: str) -> SearchKind | None:
    return _kinds().get(name)


def registered() -> list[SearchKind]:
    """Every kind, in registration order."""
    return list(_kinds().values())


def in_scopes(ids: Iterable[int]):
    """A condition on SearchDocument: ``category_id`` among ``ids``.

    Written ``category_id + 0`` so that no database plans the search from the category index:
    categories are few and large, so the text index must lead. SQLite (no statistics) would
    probe FTS5 once per row of a category; PostgreSQL ANDed a bitmap of the whole category
    (1M rows) with the GIN one (measured at 1M documents: 160 ms -> 35 ms for a common word,
    bench/forums.py)."""
    return (SearchDocument.category_id + 0).in_(sorted(set(ids)))


@dataclass(frozen=True)
class Audience:
    """What one reader may search: per kind, the condition its documents must meet (kinds the
    reader may not see at all are absent); the scopes they may narrow a search to, and their
    names per kind (for the hits)."""

    conditions: dict[str, Any]
    scopes: list[tuple[int, str]]
    scope_names: dict[str, dict[int, str]]


def audience(reader, *, scope: int | None = None) -> Audience:
    """Ask every registered kind (each shared callable once) what ``reader`` may search.

    ``scope``: only the kinds whose scopes, for this reader, hold it, and there only the
    documents in it (a scope the reader may not see leaves nothing). ``scopes`` always lists
    every kind's (deduplicated), for the page's filter."""
    asked: dict[int, Any] = {}

    def ask(function: Callable[[Any], Any]) -> Any:
        if id(function) not in asked:
            asked[id(function)] = function(reader)
        return asked[id(function)]

    scopes: dict[tuple[int, str], None] = {}  # ordered and deduplicated in O(1) a scope
    names: dict[str, dict[int, str]] = {}
    for kind in registered():
        for scope_id, name in ask(kind.scopes) if kind.scopes is not None else ():
            names.setdefault(kind.name, {})[scope_id] = name
            scopes[(scope_id, name)] = None
    made: dict[tuple, Any] = {}  # one condition object per shared rule (and scope)

    def once(key: tuple, build: Callable[[], Any]) -> Any:
        if key not in made:
            made[key] = build()
        return made[key]

    conditions: dict[str, Any] = {}
    for kind in registered():
        mine = names.get(kind.name, {})
        if scope is not None and scope not in mine:
            continue  # no such scope for this kind, or not one this reader may see
        if kind.visible is None:  # exactly the reader's scopes: one condition on category_id
            ids = [scope] if scope is not None else sorted(mine)
            condition = once(("scopes", id(kind.scopes), scope),
                             lambda ids=ids: in_scopes(ids)) if ids else None
        else:
            condition = ask(kind.visible)
            if condition is None or condition is False:
                continue
            if condition is True:
                condition = sa.true()
            if scope is not None:
                condition = once(("visible", id(condition), scope),
                                 lambda c=condition: sa.and_(c, in_scopes([scope])))
        if condition is not None:
            conditions[kind.name] = condition
    return Audience(conditions, list(scopes), names)


def hit_urls(hits: Sequence[Hit]) -> list[str | None]:
    """Where each hit leads (None for a kind no longer registered), one ``urls`` call per
    kind."""
    by_kind: dict[str, list[Hit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit)
    found: dict[tuple[str, int], str] = {}
    for name, some in by_kind.items():
        kind = _kinds().get(name)
        if kind is None:
            continue
        if kind.urls is not None:
            found.update({(name, ref): url for ref, url in kind.urls(some).items()})
        elif kind.url is not None:
            found.update({(name, hit.ref_id): kind.url(hit) for hit in some})
    return [found.get((hit.kind, hit.ref_id)) for hit in hits]
