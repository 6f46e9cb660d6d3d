"""Time helpers: the database stores naive UTC datetimes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# The tests' clock: a staged launch replays weeks of community life in seconds, through real
# HTTP, by moving every "now" of the app forward (tests/clock.py). Zero outside the tests;
# nothing in the app or its configuration sets it.
_shift = timedelta(0)


def iso(value: datetime | None) -> str | None:
    """A stored (naive UTC) datetime as ISO 8601 with its Z, for exports and feeds."""
    return value.isoformat() + "Z" if value else None


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (the form every DateTime column holds)."""
    return datetime.now(UTC).replace(tzinfo=None) + _shift
