"""What the groups teach search (community.search.kinds): a group's name, description and
rules, leading to its page. Who finds a group is ``access.visible_groups``'s answer, asked of
the groups table (a search document keeps no flag): a secret group only for its members (and
staff), never for anyone else.

A group is indexed when it is created or edited (:func:`index_group`, in the same
transaction); ``flask search reindex`` rebuilds them all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.groups import access
from community.groups.models import Group
from community.search import kinds
from community.search import service as search
from community.search.kinds import SearchKind
from community.search.models import SearchDocument
from community.text import plain_text

KIND = "group"
BATCH = 500


def index_group(group: Group) -> None:
    """(Re)write the group's document as the group now is."""
    body = plain_text(group.description_html or "") + "\n" + plain_text(group.rules_html or "")
    search.index_document(KIND, group.id, title=group.name, body=body,
                          created_at=group.created_at)


def _visible(reader):
    if access.sees_all_groups(reader):
        return True
    return SearchDocument.ref_id.in_(sa.select(Group.id).where(access.visible_groups(reader)))


def _urls(hits: Sequence) -> dict[int, str]:
    slugs = dict(db.session.execute(sa.select(Group.id, Group.slug).where(
        Group.id.in_({hit.ref_id for hit in hits}))).all())
    return {ref_id: url_for("groups.page", slug=slug) for ref_id, slug in slugs.items()}


def _reindex() -> Iterator[int]:
    last = 0
    while True:
        rows = list(db.session.scalars(sa.select(Group).where(Group.id > last)
                                       .order_by(Group.id).limit(BATCH)))
        if not rows:
            return
        for group in rows:
            index_group(group)
        db.session.flush()
        last = rows[-1].id
        yield len(rows)


def register() -> None:
    kinds.register_kind(SearchKind(KIND, _l("Groups"), _l("Group"), _visible, urls=_urls,
                                   reindex=_reindex))
