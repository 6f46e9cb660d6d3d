"""Migrations create exactly the models' schema, on SQLite and PostgreSQL, and the app refuses
to serve a database that is not migrated."""

import os
import re
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
                      "ix_topics_pinned", "ix_changelog_published"}


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


def _category_slugs(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT slug FROM forum_categories ORDER BY id")))


def test_a_fresh_install_offers_the_general_category_to_post_in(empty_database_url):
    from tests.conftest import login, make_user
    from tests.helpers import post_form, text

    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade()
        assert _category_slugs(db.engine) == ["general"]
    client = app.test_client()
    page = text(client.get("/forums"))
    assert 'href="/c/general"' in page and "No categories yet." not in page
    make_user(app, "Alice Martin", "alice@example.com")
    login(client, "alice@example.com")
    form = text(client.get("/forums/new"))
    general = re.search(r'<option value="(\d+)"[^>]*>General</option>', form)
    assert general, form
    response = post_form(client, "/forums/new", {
        "title": "Hello from a fresh install", "category": general.group(1),
        "body": "The first topic of this site.", "submit": "1"})
    assert response.status_code == 302, text(response)
    assert "Hello from a fresh install" in text(client.get("/c/general"))
    with app.app_context():
        downgrade(revision="d4e5f6a7b802")  # a category members wrote in stays
        assert _category_slugs(db.engine) == ["general"]
        db.engine.dispose()


def test_the_general_category_is_added_only_to_a_site_without_one_and_leaves_empty(
        empty_database_url):
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="d4e5f6a7b802")  # empty: it goes
        assert _category_slugs(db.engine) == []
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO forum_categories (slug, name, description, colour, position, "
                "staff_only, topic_count, post_count) VALUES ('support', 'Support', '', "
                "'#3b6ea5', 0, :no, 0, 0)"), {"no": False})
        upgrade()
        assert _category_slugs(db.engine) == ["support"]
        # an admin's own empty "general", there before the migration: the downgrade keeps it
        downgrade(revision="d4e5f6a7b802")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO forum_categories (slug, name, description, colour, position, "
                "staff_only, topic_count, post_count) VALUES ('general', 'General', 'Ours', "
                "'#3b6ea5', 0, :no, 0, 0)"), {"no": False})
        upgrade()
        downgrade(revision="d4e5f6a7b802")
        assert _category_slugs(db.engine) == ["support", "general"]
        db.engine.dispose()


def _add_idea(connection, title: str, body: str, status: str = "open") -> int:
    """An idea row as the schema of the moment has it (reflected: later columns may differ)."""
    from datetime import datetime

    ideas = sa.Table("ideas", sa.MetaData(), autoload_with=connection)
    now = datetime(2026, 11, 1, 12, 0)
    values = {"title": title, "slug": "idea", "body_md": body, "body_html": f"<p>{body}</p>",
              "status": status, "created_at": now, "status_changed_at": now, "vote_count": 0,
              "staff_vote_count": 0, "established_vote_count": 0, "top_score": 0.0,
              "trusted_score": 0.0, "trending_score": 0, "priority_score": 0.0,
              "comment_count": 0}
    return connection.execute(sa.insert(ideas).values(
        {k: v for k, v in values.items() if k in ideas.c}).returning(ideas.c.id)).scalar_one()


def test_search_kinds_migration_indexes_the_existing_ideas_and_goes_back(empty_database_url):
    from community.search import service
    from community.search.terms import document_terms

    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade(revision="d4e5f6a7b801")
        with db.engine.begin() as connection:
            open_id = _add_idea(connection, "Shared agenda", "Sync the team calendars &amp; "
                                "send reminders.")
            merged_id = _add_idea(connection, "Team agenda", "Reminders for teams.", "merged")
            connection.execute(sa.text(
                "INSERT INTO search_documents (kind, ref_id, topic_id, category_id, solved, "
                "created_at, title, body, stems) VALUES ('topic', 1, 1, 1, :no, :at, "
                "'Printer', 'The printer jams', :stems)"),
                {"no": False, "at": "2026-11-01 12:00:00",
                 "stems": document_terms("Printer", "The printer jams")})
        upgrade(revision="d4e5f6a7b802")
        (hit,) = service.search("reminders", {"idea": True}).hits
        assert (hit.kind, hit.ref_id, hit.category_id) == ("idea", open_id, None)
        assert hit.title == "Shared agenda" and "calendars & send" in str(hit.snippet) \
            .replace("&amp;", "&")  # the description's text, not its HTML
        assert merged_id not in [h.ref_id for h in service.search("team", {"idea": True}).hits]
        assert [h.ref_id for h in service.search("printer", {"topic": True}).hits] == [1]
        db.session.remove()  # (SQLite: the session's transaction holds the write lock)
        _check_text_index()
        downgrade(revision="d4e5f6a7b801")  # only the forums' kinds fit the old schema
        with db.engine.begin() as connection:
            kinds = connection.execute(sa.text(
                "SELECT kind, ref_id FROM search_documents ORDER BY id")).all()
            assert [tuple(k) for k in kinds] == [("topic", 1)]
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO search_documents (kind, ref_id, category_id, solved, created_at, "
                "title, body, stems) VALUES ('idea', 9, 1, :no, :at, '', '', '')"),
                {"no": False, "at": "2026-11-01 12:00:00"})
        _check_text_index()
        db.engine.dispose()


def _check_text_index() -> None:
    """SQLite: the FTS5 triggers are back and the index agrees with its table."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.begin() as connection:
        triggers = connection.scalars(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).all()
        assert [t for t in triggers if t.startswith("search_documents_fts_")] == [
            "search_documents_fts_delete", "search_documents_fts_insert",
            "search_documents_fts_update"]
        connection.execute(sa.text(
            "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"))
