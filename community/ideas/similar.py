"""Similar ideas: "did you mean one of these?" while a member writes a new one.

Each idea's title and description are cut into words, folded (case, accents) and stemmed with
both the French and the English Snowball stemmers, and stored in ``idea_terms``. A draft is
scored against the ideas that share its terms, each shared term counting its inverse document
frequency (rare words say more), title words double. Words found in more than a tenth of the
ideas are ignored once there are enough ideas: a stop list learnt from the data, in any
language. The cost is the postings of the draft's rare terms, not the number of ideas.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from community.extensions import db
from community.ideas.models import Idea, IdeaTerm, Status
from community.search.terms import stemmers

_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_TERMS = 60


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def terms(text: str) -> set[str]:
    """The folded French and English stems of the words (3+ letters) in a text."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text.lower()))
    stems: set[str] = set()
    for word in words[:500]:
        for stemmer in stemmers():  # one pair per thread: they are not thread-safe
            stems.add(_fold(stemmer.stemWord(word))[:40])
    stems.discard("")
    return stems


def index_idea(idea: Idea) -> None:
    """(Re)write the idea's terms; call after creating or editing it."""
    db.session.execute(sa.delete(IdeaTerm).where(IdeaTerm.idea_id == idea.id))
    title_terms = terms(idea.title)
    body_terms = terms(idea.body_md or "") - title_terms
    rows = [{"term": t, "idea_id": idea.id, "in_title": True} for t in title_terms]
    rows += [{"term": t, "idea_id": idea.id, "in_title": False} for t in body_terms]
    if rows:
        db.session.execute(sa.insert(IdeaTerm), rows)


@dataclass(frozen=True)
class Match:
    idea: Idea
    score: float


def similar_ideas(title: str, body: str = "", *, limit: int = 5,
                  exclude_id: int | None = None) -> list[Match]:
    """The ideas most like a draft, best first (merged ideas left out)."""
    wanted = terms(title) | terms(body)
    if not wanted:
        return []
    title_terms = terms(title)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) or 0
    df = dict(db.session.execute(
        sa.select(IdeaTerm.term, sa.func.count()).where(IdeaTerm.term.in_(wanted))
        .group_by(IdeaTerm.term)
    ).all())
    common = max(10, total // 10)
    useful = sorted((t for t in df if df[t] <= common), key=lambda t: df[t])[:MAX_TERMS]
    if not useful:
        return []
    # The two reads above are two statements: on PostgreSQL each sees the ideas committed by
    # then, so an idea committed between them (the site's first, say) has its words counted
    # while the total missed it. No word is in more ideas than there are.
    total = max(total, *df.values())
    idf = {t: math.log(1 + total / df[t]) * (2 if t in title_terms else 1) for t in useful}
    weight = sa.case(*((IdeaTerm.term == t, w) for t, w in idf.items()), else_=0.0)
    boost = sa.case((IdeaTerm.in_title, 1.5), else_=1.0)
    score = sa.func.sum(weight * boost).label("score")
    query = (sa.select(IdeaTerm.idea_id, score).where(IdeaTerm.term.in_(useful))
             .group_by(IdeaTerm.idea_id).order_by(score.desc(), IdeaTerm.idea_id)
             .limit(limit * 3))
    if exclude_id is not None:
        query = query.where(IdeaTerm.idea_id != exclude_id)
    ranked = db.session.execute(query).all()
    ideas = {i.id: i for i in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_([r[0] for r in ranked]), Idea.status != Status.MERGED)
    )}
    # Keep only close ideas: at least two shared rare words' worth of score.
    floor = 2 * min(idf.values())
    close = [(ideas[i], raw) for i, raw in ranked if i in ideas and raw >= floor][:limit]
    best = close[0][1] if close else 1.0
    return [Match(idea, raw / best) for idea, raw in close]
