"""The search page: forum topics, replies and FAQ entries the reader may see."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_login import current_user

from community.accounts.models import User
from community.extensions import db, limiter
from community.forums import access
from community.forums.models import ForumCategory
from community.ids import query_int
from community.search import service, terms
from community.search.blueprint import bp
from community.search.models import KINDS
from community.search.service import Hit

# Per client address, for requests that search (opening the empty form is free).
RATE_LIMIT = "30 per minute;600 per hour"
PER_PAGE = 20
SOLVED = {"yes": True, "no": False}


@dataclass(frozen=True)
class Criteria:
    q: str
    category_id: int | None
    author: str
    solved: str  # "", "yes" or "no"
    page: int
    kind: str = ""  # "" (everything) or one of KINDS: the FAQ page searches "faq" only


def _criteria() -> Criteria:
    solved = request.args.get("solved", "")
    return Criteria(
        q=" ".join(request.args.get("q", "").split())[:200],
        category_id=query_int("category"),
        author=request.args.get("author", "").strip().lstrip("@")[:40],
        solved=solved if solved in SOLVED else "",
        page=min(query_int("page", 1), service.MAX_PAGE),
        kind=request.args.get("kind", "") if request.args.get("kind") in KINDS else "",
    )


def hit_url(hit: Hit) -> str:
    """Where a hit leads: the topic, the reply's permalink, or the FAQ entry's anchor."""
    if hit.kind == "topic":
        return url_for("forums.topic", topic_id=hit.ref_id)
    if hit.kind == "post":
        return url_for("forums.post", post_id=hit.ref_id)
    return url_for("forums.faq", _anchor=f"faq-{hit.ref_id}")


def _author_id(handle: str) -> int | None:
    if not handle:
        return None
    found = db.session.scalar(sa.select(User.id).where(User.handle == handle.lower()))
    return found if found is not None else -1  # an unknown member wrote nothing


@bp.route("/search")
@limiter.limit(RATE_LIMIT, exempt_when=lambda: not request.args.get("q"))
def index():
    """Search what this reader may see, with filters; a short query just shows the form."""
    criteria = _criteria()
    categories = list(db.session.scalars(sa.select(ForumCategory)
                                         .where(access.visible_condition(current_user))
                                         .order_by(ForumCategory.position, ForumCategory.id)))
    results = service.search(
        criteria.q, category_ids=[c.id for c in categories], category_id=criteria.category_id,
        author_id=_author_id(criteria.author), solved=SOLVED.get(criteria.solved),
        kinds=[criteria.kind] if criteria.kind else None, page=criteria.page, per_page=PER_PAGE)
    author_ids = {h.author_id for h in results.hits if h.author_id is not None}
    authors = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(author_ids)))} if author_ids else {}
    return render_template(
        "search/index.html", criteria=criteria, results=results, categories=categories,
        category_names={c.id: c.name for c in categories}, authors=authors, hit_url=hit_url,
        min_word=terms.MIN_WORD)
