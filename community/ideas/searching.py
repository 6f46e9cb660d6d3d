"""What ideas teach search (community.search.kinds): an idea's title and description, found by
everyone (ideas are public), leading to the idea's page.

An idea is indexed when it is submitted or edited (:func:`index_idea`) and leaves the index
when it is merged into another, hidden or deleted (:func:`remove_idea`): the services call
these in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.ideas.models import Idea, Status
from community.search import kinds
from community.search import service as search
from community.search.kinds import SearchKind
from community.text import plain_text

KIND = "idea"
BATCH = 500  # ideas per reindex batch


def index_idea(idea: Idea) -> None:
    """(Re)write the idea's document, as the idea now is (a merged idea: none). Flushes."""
    if idea.status is Status.MERGED:
        remove_idea(idea.id)
        return
    search.index_document(KIND, idea.id, title=idea.title, body=plain_text(idea.body_html),
                          author_id=idea.author_id, created_at=idea.created_at)


def remove_idea(idea_id: int) -> None:
    """Take the idea out of the index (no-op if it is not there)."""
    search.remove_document(KIND, idea_id)


def _visible(reader) -> bool:
    return True  # ideas are public; merged ones have no document


def _urls(hits: Sequence) -> dict[int, str]:
    """The ideas' pages, by their current slug (one query for a page of hits)."""
    rows = db.session.execute(sa.select(Idea.id, Idea.slug).where(
        Idea.id.in_({hit.ref_id for hit in hits})))
    return {idea_id: url_for("ideas.detail", idea_id=idea_id, slug=slug)
            for idea_id, slug in rows}


def _reindex() -> Iterator[int]:
    last = 0
    while True:
        ideas = list(db.session.scalars(sa.select(Idea).where(
            Idea.id > last, Idea.status != Status.MERGED).order_by(Idea.id).limit(BATCH)))
        if not ideas:
            return
        for idea in ideas:
            index_idea(idea)
        db.session.flush()
        last = ideas[-1].id
        yield len(ideas)


def register() -> None:
    kinds.register_kind(SearchKind(KIND, _l("Ideas"), _l("Idea"), _visible, urls=_urls,
                                   reindex=_reindex))
