"""Migrations create exactly the models' schema, on SQLite and PostgreSQL, and the app refuses
to serve a database that is not migrated."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from community import create_app
from community.config import TestConfig
from community.dbcheck import DatabaseNotMigrated
from community.extensions import db
from tests.requirements import POSTGRES_URL, postgres_problem, require

ROOT = Path(__file__).resolve().parent.parent
DESCENDING_INDEXES = {"ix_ideas_top", "ix_ideas_trusted", "ix_ideas_trending", "ix_ideas_priority",
                      "ix_ideas_discussed", "ix_ideas_created", "ix_ideas_status_top",
                      "ix_topics_activity", "ix_topics_category_activity",
                      "ix_posts_author_created", "ix_audit_log_created",
                      "ix_topics_pinned"}


def index_is_descending(engine, name: str) -> bool:
    """The index's score column is stored in descending order (so ORDER BY score DESC, id
    walks it without a sort)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(sa.text(f"PRAGMA index_xinfo('{name}')")).all()
            return any(row[3] == 1 for row in rows if row[2] is not None)  # column "desc"
        definition = connection.scalar(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": name})
        return definition is not None and " DESC" in definition


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """The URL of an empty database (a file for SQLite, a fresh database on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    require(postgres_problem() is None, postgres_problem() or "")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"cercle_migrations_{os.getpid()}"  # this run's own
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_migrations_create_the_models_schema_and_downgrade_cleanly(empty_database_url):
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            # The same filters as `flask db migrate` (search's FTS5 tables, tsvector column).
            filters = {k: v for k, v in app.extensions["migrate"].configure_args.items()
                       if k in ("include_object", "include_name")}
            diffs = compare_metadata(MigrationContext.configure(connection, opts=filters),
                                     db.metadata)
        # Alembic cannot reflect a column's DESC in an index, so it sees the descending list
        # indexes as changed; they are checked directly below instead.
        diffs = [d for d in diffs if not (d[0] in ("add_index", "remove_index")
                                          and d[1].name in DESCENDING_INDEXES)]
        assert diffs == [], f"models and migrations differ: run `flask db migrate`: {diffs}"
        for name in DESCENDING_INDEXES:
            assert index_is_descending(db.engine, name), name
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_app_refuses_to_start_on_an_unmigrated_database(empty_database_url):
    with pytest.raises(DatabaseNotMigrated, match="flask --app app db upgrade"):
        create_app(TestConfig(empty_database_url, CHECK_MIGRATIONS=True))
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    create_app(TestConfig(empty_database_url, CHECK_MIGRATIONS=True))  # now it starts


def test_serving_process_exits_with_the_fix_command(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
           "CERCLE_INSTANCE_PATH": str(tmp_path), "CERCLE_ENV": "development"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "flask --app app db upgrade" in result.stderr
