"""Refuse to serve a database that is not migrated to the code's latest revision."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from community.database import READ_ONLY

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FIX = "flask --app app db upgrade"


class DatabaseNotMigrated(RuntimeError):
    pass


def head_revisions() -> set[str]:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # no plugin chatter per worker
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def current_revisions(engine: sa.Engine) -> set[str]:
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def is_maintenance_command(argv: list[str] | None = None) -> bool:
    """True inside ``flask db ...``, ``flask users ...`` and the like: they must start on an
    old database (to migrate it); only serving is refused."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return False
    args = [a for a in (argv if argv is not None else sys.argv)[1:] if not a.startswith("-")]
    return "run" not in args[:3]


def check_migrated(engine: sa.Engine) -> None:
    """Raise DatabaseNotMigrated, naming the command that fixes it, unless at head."""
    current, heads = current_revisions(engine), head_revisions()
    if current != heads:
        state = ", ".join(sorted(current)) or "empty"
        raise DatabaseNotMigrated(
            f"The database ({engine.url.render_as_string(hide_password=True)}) is not migrated: "
            f"it is at {state}, the code needs {', '.join(sorted(heads))}. "
            f"Run `{FIX}` and start again."
        )
