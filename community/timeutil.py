"""Time helpers: the database stores naive UTC datetimes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (the form every DateTime column holds)."""
    return datetime.now(UTC).replace(tzinfo=None)
