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
