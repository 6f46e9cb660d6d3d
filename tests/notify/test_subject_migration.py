"""The migration to notification subjects moves the rows that exist: an idea's notification
becomes ("idea", id), a forum notification ("post", the post its data names); the downgrade
gives them back their idea_id and post_id."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from community import create_app
from community.config import TestConfig
from community.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture: both databases)

BEFORE, AFTER = "c9a1e5b0d201", "d4e5f6a7b801"
NOW = datetime(2026, 11, 27, 12, 0)


def _row(connection, name: str, **given) -> int:
    """Insert a row into the table as it is at this revision (reflected, never the models):
    ``given`` values, and a neutral value for every other required column."""
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    values = dict(given)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key \
                or column.server_default is not None:
            continue
        python = column.type.python_type
        values[column.name] = {bool: False, int: 0, float: 0.0, str: f"{name}-{column.name}",
                               datetime: NOW, dict: {}}[python]
    return connection.execute(sa.insert(table).values(values)
                              .returning(table.c.id)).scalar_one()


def _notifications(connection) -> dict[int, dict]:
    table = sa.Table("notifications", sa.MetaData(), autoload_with=connection)
    table.c.data.type = sa.JSON()  # SQLite reflects JSON as text
    return {row.id: row._asdict() for row in connection.execute(sa.select(table))}


def test_existing_notifications_move_to_their_subject_and_back(empty_database_url):  # noqa: F811
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            user = _row(connection, "users", role="member", email_digest="daily")
            idea = _row(connection, "ideas", author_id=user, status="open")
            rows = {
                "idea": _row(connection, "notifications", user_id=user, kind="status",
                             idea_id=idea, data={"title": "Dark mode", "status": "planned"}),
                "post": _row(connection, "notifications", user_id=user, kind="mention",
                             data={"post_id": 7, "by_id": user}),
                "permalink": _row(connection, "notifications", user_id=user,
                                  kind="forum_reply", data={"url": "/p/9", "by": "Bob"}),
                "nothing": _row(connection, "notifications", user_id=user, kind="accepted",
                                data={"title": "No post named"}),
            }

        upgrade(revision=AFTER)
        with db.engine.begin() as connection:
            found = _notifications(connection)
            assert "idea_id" not in found[rows["idea"]]
            subjects = {key: (found[i]["subject_type"], found[i]["subject_id"])
                        for key, i in rows.items() if i in found}
            assert subjects == {"idea": ("idea", idea), "post": ("post", 7),
                                "permalink": ("post", 9)}  # "nothing": worded by nobody
            assert found[rows["post"]]["data"] == {"post_id": 7, "by_id": user}
            # Rows written after the upgrade: an idea since deleted, a post named only as
            # the subject.
            gone = _row(connection, "notifications", user_id=user, kind="official",
                        subject_type="idea", subject_id=idea + 100, data={"title": "Gone"})
            newer = _row(connection, "notifications", user_id=user, kind="forum_reply",
                         subject_type="post", subject_id=11, data={"by_id": user})

        downgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            found = _notifications(connection)
            assert found[rows["idea"]]["idea_id"] == idea
            assert "subject_type" not in found[rows["idea"]]
            assert gone not in found  # the foreign key's cascade would have taken it
            assert found[newer]["data"] == {"by_id": user, "post_id": 11}
            assert found[rows["permalink"]]["data"] == {"url": "/p/9", "by": "Bob"}
        db.engine.dispose()
