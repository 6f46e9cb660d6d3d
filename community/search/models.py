"""The search index: one row per searchable item of a registered kind (kinds.py: forum topics,
replies and FAQ entries, ideas...), plus each database's text index.

``search_documents`` is an ordinary table (the models' schema). What each database needs on top
of it is raw DDL, kept here once for ``db.create_all()`` (tests) and for the migration:

* SQLite: ``search_fts``, an FTS5 *external content* table over ``search_documents.stems``,
  kept in step by triggers (insert, delete, and an update of ``stems``: bulk changes of category
  or "solved" do not touch the text index).
* PostgreSQL: ``tsv``, a generated ``tsvector`` column over ``stems`` with a GIN index, so it can
  never disagree with the row (``TRUNCATE`` included).

Alembic must not see either as drift: :func:`include_object` hides them from autogenerate.
A migration that rebuilds ``search_documents`` in SQLite batch mode (copy and rename) loses the
triggers: call :func:`create_search_index` again after it (idempotent; it re-indexes the rows).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.timeutil import utcnow


class SearchDocument(db.Model):
    """A searchable text of a registered kind (see kinds.py): a forum topic (title + first
    post), a reply, a FAQ entry, an idea..."""

    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # a registered kind's name
    ref_id: Mapped[int] = mapped_column()  # the item's id in its domain (topic, post, idea...)
    topic_id: Mapped[int | None] = mapped_column(index=True)  # its thread, if any
    category_id: Mapped[int | None] = mapped_column(index=True)  # its scope, if any
    author_id: Mapped[int | None] = mapped_column(index=True)
    solved: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")  # plain text, for snippets
    stems: Mapped[str] = mapped_column(sa.Text, default="")  # what is indexed (terms.py)


SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "stems, content='search_documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_insert AFTER INSERT ON search_documents "
    "BEGIN INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_delete AFTER DELETE ON search_documents "
    "BEGIN INSERT INTO search_fts(search_fts, rowid, stems) "
    "VALUES ('delete', old.id, old.stems); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_update "
    "AFTER UPDATE OF id, stems ON search_documents "
    "BEGIN INSERT INTO search_fts(search_fts, rowid, stems) "
    "VALUES ('delete', old.id, old.stems); "
    "INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
    # Index rows written before the table existed (a migration on a filled database).
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
)
SQLITE_DROP_DDL = (
    "DROP TRIGGER IF EXISTS search_documents_fts_insert",
    "DROP TRIGGER IF EXISTS search_documents_fts_delete",
    "DROP TRIGGER IF EXISTS search_documents_fts_update",
    "DROP TABLE IF EXISTS search_fts",
)
POSTGRESQL_DDL = (
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, stems)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_tsv ON search_documents USING gin (tsv)",
)
POSTGRESQL_DROP_DDL = (
    "DROP INDEX IF EXISTS ix_search_documents_tsv",
    "ALTER TABLE search_documents DROP COLUMN IF EXISTS tsv",
)
# Objects outside the models that Alembic's autogenerate must ignore.
FTS_TABLES = frozenset({"search_fts", "search_fts_data", "search_fts_idx", "search_fts_content",
                        "search_fts_docsize", "search_fts_config"})


def create_search_index(connection) -> None:
    """Create the database's text index over ``search_documents`` (after the table exists).

    Call from the migration's upgrade with ``op.get_bind()``; idempotent."""
    for statement in _ddl(connection, SQLITE_DDL, POSTGRESQL_DDL):
        connection.execute(sa.text(statement))


def drop_search_index(connection) -> None:
    """Drop the text index (before dropping ``search_documents``); idempotent."""
    for statement in _ddl(connection, SQLITE_DROP_DDL, POSTGRESQL_DROP_DDL):
        connection.execute(sa.text(statement))


def _ddl(connection, sqlite: tuple[str, ...], postgresql: tuple[str, ...]) -> tuple[str, ...]:
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite
    if name == "postgresql":
        return postgresql
    raise NotImplementedError(f"search has no text index for {name}")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: ignore the FTS5 tables and the generated ``tsv`` column and its index."""
    if type_ == "table" and name in FTS_TABLES:
        return False
    if type_ == "column" and name == "tsv" and obj.table.name == "search_documents":
        return False
    return not (type_ == "index" and name == "ix_search_documents_tsv")


def include_name(name, type_, parent_names) -> bool:
    """Alembic filter run before reflection: never reflect the FTS5 virtual and shadow tables."""
    return not (type_ == "table" and name in FTS_TABLES)


sa.event.listen(SearchDocument.__table__, "after_create",
                lambda target, connection, **kw: create_search_index(connection))
sa.event.listen(SearchDocument.__table__, "before_drop",  # (PostgreSQL: dropped with the table)
                lambda target, connection, **kw: connection.dialect.name == "sqlite"
                and drop_search_index(connection))
