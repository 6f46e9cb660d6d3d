"""The tests' clock: move the app's "now" (``community.timeutil.utcnow``) to a chosen moment,
for replaying weeks of a community in seconds. The app served in a thread of this process sees
the same clock. Always reset at the end (``travel`` is a context manager)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from community import timeutil


def set_now(moment: datetime) -> None:
    """From now on, the app's utcnow() is ``moment`` plus the real time elapsed since."""
    timeutil._shift = moment - datetime.now(UTC).replace(tzinfo=None)


def reset() -> None:
    timeutil._shift = timeutil._shift * 0


@contextmanager
def travel():
    """Allow ``set_now`` inside the block; the clock is real again after it."""
    try:
        yield set_now
    finally:
        reset()
