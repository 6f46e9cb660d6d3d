"""The search page: every registered kind of document the reader may see (kinds.py)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.extensions import db, limiter
from community.ids import query_int
from community.search import cache, kinds, service, terms
from community.search.blueprint import bp
from community.search.kinds import Hit

# Per client address, for requests that search (opening the empty form is free).
RATE_LIMIT = "30 per minute;600 per hour"
PER_PAGE = 20
SOLVED = {"yes": True, "no": False}


@dataclass(frozen=True)
class Criteria:
    q: str
    category_id: int | None  # a scope (kinds.SearchKind.scopes): a forum category
    author: str
    solved: str  # "", "yes" or "no"
    page: int
    kind: str = ""  # "" (everything) or a registered kind: the FAQ page searches "faq" only


def _criteria() -> Criteria:
    solved = request.args.get("solved", "")
    kind = request.args.get("kind", "")
    return Criteria(
        q=" ".join(request.args.get("q", "").split())[:200],
        category_id=query_int("category"),
        author=request.args.get("author", "").strip().lstrip("@")[:40],
        solved=solved if solved in SOLVED else "",
        page=min(query_int("page", 1), service.MAX_PAGE),
        kind=kind if kinds.get(kind) is not None else "",
    )


@dataclass(frozen=True)
class Tab:
    """One kind of result above the hits: its label, how many match, and the search narrowed
    to it ("" for everything)."""

    kind: str
    label: str
    count: str  # "" when unknown, "2,000+" when the count reached the cap
    url: str
    current: bool


def _count(n: int, capped: bool) -> str:
    if capped and not n:
        return ""
    return format_decimal(n) + ("+" if capped else "")


def kind_tabs(criteria: Criteria, results: service.SearchPage, visible) -> list[Tab]:
    """Everything, then each kind the reader may search (in registration order) that holds a
    match, or is the one chosen, or may hold older ones (the counts reached the cap)."""
    args = {"q": criteria.q, "category": criteria.category_id,
            "author": criteria.author or None, "solved": criteria.solved or None}
    counts, capped = results.by_kind, results.capped
    tabs = [Tab("", _("Everything"), _count(sum(counts.values()), capped),
                url_for("search.index", **args), not criteria.kind)]
    for kind in kinds.registered():
        n = counts.get(kind.name, 0)
        if kind.name in visible and (n or capped or kind.name == criteria.kind):
            tabs.append(Tab(kind.name, str(kind.label), _count(n, capped),
                            url_for("search.index", kind=kind.name, **args),
                            kind.name == criteria.kind))
    return tabs


def hit_url(hit: Hit) -> str | None:
    """Where a hit leads (its kind says: a topic, a reply's permalink, an idea...)."""
    return kinds.hit_urls([hit])[0]


def _author_id(handle: str) -> int | None:
    if not handle:
        return None
    found = db.session.scalar(sa.select(User.id).where(User.handle == handle.lower()))
    return found if found is not None else -1  # an unknown member wrote nothing


def _results(criteria: Criteria, conditions) -> tuple[service.SearchPage, list[str | None]]:
    """The page of results and their links: from the cache (cache.py) when this search, for
    a reader who may see exactly the same, ran within the TTL; else searched and kept."""
    author_id = _author_id(criteria.author)
    solved = SOLVED.get(criteria.solved)
    groups = terms.query_groups(criteria.q)
    key = generation = None
    if groups:  # nothing to search: nothing worth caching
        key = cache.key(groups=groups, kind=criteria.kind, scope=criteria.category_id,
                        author_id=author_id, solved=solved, page=criteria.page,
                        per_page=PER_PAGE, conditions=conditions)
        found, generation = cache.get(key)
        if found is not None:
            return found
    results = service.search(
        criteria.q, conditions, author_id=author_id, solved=solved,
        kinds=[criteria.kind] if criteria.kind else None, page=criteria.page,
        per_page=PER_PAGE, count_kinds=True)
    urls = kinds.hit_urls(results.hits)
    if key is not None:
        cache.put(key, (results, urls), generation)
    return results, urls


@bp.route("/search")
@limiter.limit(RATE_LIMIT, exempt_when=lambda: not request.args.get("q"))
def index():
    """Search what this reader may see, with filters; a short query just shows the form."""
    criteria = _criteria()
    audience = kinds.audience(current_user, scope=criteria.category_id)
    results, urls = _results(criteria, audience.conditions)
    author_ids = {h.author_id for h in results.hits if h.author_id is not None}
    authors = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(author_ids)))} if author_ids else {}
    registered = kinds.registered()
    return render_template(
        "search/index.html", criteria=criteria, results=results, scopes=audience.scopes,
        scope_names=audience.scope_names, authors=authors, kinds=registered,
        by_name={k.name: k for k in registered},
        hits=list(zip(results.hits, urls, strict=True)),
        tabs=kind_tabs(criteria, results, audience.conditions) if results.searched else [],
        min_word=terms.MIN_WORD)
