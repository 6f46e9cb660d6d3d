"""What the roadmap teaches search (community.search.kinds): an item's title and description,
leading to the item's page. A members-only item is found by signed-in members only (the rule of
``access.visible_items``, asked of the items table, since a search document keeps no flag).

An item is indexed when it is created or edited (:func:`index_item`, in the same transaction);
``flask search reindex`` rebuilds them all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.roadmap import access
from community.roadmap.models import RoadmapItem
from community.search import kinds
from community.search import service as search
from community.search.kinds import SearchKind
from community.search.models import SearchDocument
from community.text import plain_text

KIND = "roadmap_item"
BATCH = 500


def index_item(item: RoadmapItem) -> None:
    """(Re)write the item's document as the item now is. Flushes nothing by itself."""
    search.index_document(KIND, item.id, title=item.title, body=plain_text(item.body_html),
                          created_at=item.created_at)


def _visible(reader):
    """Signed-in members: every item; others: the items that are not members-only."""
    if access.may_see_item(reader, members_only=True):
        return True
    return SearchDocument.ref_id.in_(
        sa.select(RoadmapItem.id).where(access.visible_items(reader)))


def _urls(hits: Sequence) -> dict[int, str]:
    return {hit.ref_id: url_for("roadmap.item", item_id=hit.ref_id) for hit in hits}


def _reindex() -> Iterator[int]:
    last = 0
    while True:
        items = list(db.session.scalars(sa.select(RoadmapItem).where(RoadmapItem.id > last)
                                        .order_by(RoadmapItem.id).limit(BATCH)))
        if not items:
            return
        for item in items:
            index_item(item)
        db.session.flush()
        last = items[-1].id
        yield len(items)


def register() -> None:
    kinds.register_kind(SearchKind(KIND, _l("Roadmap"), _l("Roadmap item"), _visible,
                                   urls=_urls, reindex=_reindex))
