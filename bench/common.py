"""What the benchmarks share: the app's environment for a benchmark database, and gunicorn log
warnings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_env(database_url: str, instance_dir: Path) -> dict[str, str]:
    """The environment the app reads (community/config.py) for a benchmark database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        CERCLE_INSTANCE_PATH=str(instance_dir.resolve()),
        SECRET_KEY="bench",
        CERCLE_ENV="production",
        OUTBOX_DIR=str((instance_dir / "outbox").resolve()),
    )
    env.pop("FLASK_RUN_FROM_CLI", None)  # a served app, not a `flask` command
    return env


def sqlite_url(db_path: Path) -> str:
    return f"sqlite:///{db_path.resolve()}"


def warn_log_problems(log_path: Path, problems: list[str]) -> None:
    """Print gunicorn log lines that look like errors (tracebacks, 5xx) to stderr."""
    if not problems:
        return
    print(f"\nwarning: gunicorn's log ({log_path.relative_to(ROOT)}) has {len(problems)} "
          "suspicious line(s):", file=sys.stderr)
    for line in problems[:20]:
        print(f"  {line}", file=sys.stderr)
