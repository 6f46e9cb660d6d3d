"""How freshness.py reads the SQL: which tables a statement writes and reads."""

from __future__ import annotations

import sqlalchemy as sa

from community import freshness
from community.extensions import db

KNOWN = frozenset({"topics", "posts", "users", "forum_categories", "ideas"})


def test_the_written_table_of_each_kind_of_write():
    assert freshness.written_tables('INSERT INTO posts (body) VALUES (?)') == {"posts"}
    assert freshness.written_tables("INSERT OR IGNORE INTO ideas (x) VALUES (1)") == {"ideas"}
    assert freshness.written_tables('UPDATE "topics" SET reply_count=? WHERE id=?') == {"topics"}
    assert freshness.written_tables("  delete from posts where id = 3") == {"posts"}
    assert freshness.written_tables("TRUNCATE topics, posts RESTART IDENTITY CASCADE") == {
        "topics", "posts"}
    assert freshness.written_tables("SELECT * FROM posts") == set()


def test_a_members_last_seen_moment_expires_nothing_but_other_columns_do():
    quiet = "UPDATE users SET last_seen_at=?, previous_visit_at=? WHERE users.id = ?"
    assert freshness.written_tables(quiet) == set()
    loud = "UPDATE users SET display_name=?, last_seen_at=? WHERE users.id = ?"
    assert freshness.written_tables(loud) == {"users"}


def test_every_table_a_select_names_is_read_wherever_it_is_named():
    comma = "SELECT topics.id FROM topics, forum_categories WHERE topics.category_id = 1"
    assert freshness.read_tables(comma, KNOWN) == {"topics", "forum_categories"}
    nested = ("SELECT ideas.id FROM ideas WHERE ideas.author_id IN "
              "(SELECT users.id FROM users WHERE users.role = ?)")
    assert freshness.read_tables(nested, KNOWN) == {"ideas", "users"}
    assert freshness.read_tables("SELECT 1", KNOWN) == frozenset()


def test_a_core_write_outside_the_session_replaces_the_stamp_after_commit(app):
    with app.app_context():
        stamps = freshness.stamps()
        before = stamps.current(["ideas"])["ideas"]
        with db.engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(sa.text("DELETE FROM ideas WHERE id = -1"))
            transaction.rollback()
        assert stamps.current(["ideas"])["ideas"] == before  # rolled back: nothing changed
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM ideas WHERE id = -1"))
        assert stamps.current(["ideas"])["ideas"] != before


def test_a_write_in_a_with_statement_is_a_write():
    statement = "WITH moved AS (SELECT id FROM topics) UPDATE posts SET hidden = 1 WHERE 1"
    assert freshness.written_tables(statement) == {"posts"}


def test_a_memo_made_during_a_concurrent_write_is_not_kept_as_fresh(tmp_path):
    """A request's SQLite read transaction sees the database as of its first read; a memo it
    makes after another connection committed must carry the stamps from before that read
    (the reviewer's scenario: a category made staff-only mid-request stayed public)."""
    import threading

    from community.forums import access
    from community.forums.models import ForumCategory
    from tests.conftest import dispose, file_app

    app = file_app(tmp_path / "race.db")
    with app.app_context():
        db.session.add_all([ForumCategory(slug="a", name="A"), ForumCategory(slug="b", name="B")])
        db.session.commit()
        b = db.session.scalar(sa.select(ForumCategory.id).where(ForumCategory.slug == "b"))

    def make_private():
        with app.app_context():
            db.session.execute(sa.update(ForumCategory).where(ForumCategory.id == b)
                               .values(staff_only=True))
            db.session.commit()

    with app.test_request_context("/forums"):
        db.session.execute(sa.select(sa.func.count()).select_from(ForumCategory)).scalar()
        writer = threading.Thread(target=make_private)
        writer.start()
        writer.join()
        assert b in access.public_category_ids()  # this request's view: still public
        db.session.remove()
    with app.test_request_context("/forums"):
        assert b not in access.public_category_ids()  # the next request: not the memo
    dispose(app)


def test_deleting_a_row_expires_the_tables_its_foreign_keys_reach(app):
    from community.forums.models import ForumCategory, Topic
    from tests.conftest import make_user

    author = make_user(app)
    with app.app_context():
        category = ForumCategory(slug="general", name="General")
        db.session.add(category)
        db.session.flush()
        db.session.add(Topic(category_id=category.id, author_id=author.id, title="T", slug="t"))
        db.session.commit()
        stamps = freshness.stamps()
        before = stamps.current(["topics"])["topics"]
        with db.engine.begin() as connection:  # topics.author_id: ON DELETE SET NULL
            connection.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": author.id})
        assert stamps.current(["topics"])["topics"] != before
