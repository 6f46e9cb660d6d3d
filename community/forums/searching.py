"""What the forums teach search (community.search.kinds): topics, replies and FAQ entries, each
seen by whoever may see its category (access.py), and how to rebuild their documents.

The forum services keep the documents in step as content changes (service.py, qa.py,
moderate.py); this module only registers the kinds."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.forums import access, qa, service
from community.forums.models import FaqEntry, ForumCategory, Topic
from community.search import kinds
from community.search.kinds import SearchKind

BATCH = 500  # topics per reindex batch


def _scopes(reader) -> list[tuple[int, str]]:
    """The categories this reader may see, in the forum's order: the page's category filter,
    and what the reader may find (no ``visible``: exactly the documents in these)."""
    return [(c.id, c.name) for c in db.session.execute(
        sa.select(ForumCategory.id, ForumCategory.name).where(access.visible_condition(reader))
        .order_by(ForumCategory.position, ForumCategory.id))]


def _reindex_topics() -> Iterator[int]:
    """Every topic and reply, as it now is (hidden, deleted or merged ones: no document)."""
    last = 0
    while True:
        topics = list(db.session.scalars(sa.select(Topic).where(Topic.id > last)
                                         .order_by(Topic.id).limit(BATCH)))
        if not topics:
            return
        for topic in topics:
            service.reindex_topic(topic)
        db.session.flush()
        last = topics[-1].id
        yield len(topics)


def _reindex_faq() -> Iterator[int]:
    entries = list(db.session.scalars(sa.select(FaqEntry).order_by(FaqEntry.id)))
    for entry in entries:
        qa._index_faq(entry)  # what a FAQ entry's document holds is qa's to say
    db.session.flush()
    yield len(entries)


def register() -> None:
    shared = {"scopes": _scopes}  # visible: the documents in the reader's categories
    kinds.register_kind(SearchKind(
        "topic", _l("Topics"), _l("Topic"), **shared, reindex=_reindex_topics,
        url=lambda hit: url_for("forums.topic", topic_id=hit.ref_id),
        in_thread=True, marks_solved=True))
    kinds.register_kind(SearchKind(
        "post", _l("Replies"), _l("Forum reply"), **shared, reindex=_reindex_topics,
        url=lambda hit: url_for("forums.post", post_id=hit.ref_id),
        title_indexed=False, in_thread=True, marks_solved=True))
    kinds.register_kind(SearchKind(
        "faq", _l("FAQ"), _l("FAQ"), **shared, reindex=_reindex_faq,
        url=lambda hit: url_for("forums.faq", _anchor=f"faq-{hit.ref_id}")))
