"""What content domains teach the trust scan: where its events come from.

Trust is a platform service and imports no content domain, so each content domain registers,
in its ``init_app``, functions that yield the plain events of ``trust/detectors/events.py``
from its own tables: reviews yield ratings and texts, ideas their texts and the interactions
"voted for another member's idea", forums their posts and replies. Each function takes
``since`` (a datetime, or ``None`` for everything) and yields events written at or after it;
votes, sign-ups and log-ins come from the activity log itself (``accounts/activity.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from community import registry
from community.trust.detectors.events import Interaction, Rating, Text


@dataclass(frozen=True)
class Source:
    ratings: Callable[[datetime | None], Iterable[Rating]] | None = None
    texts: Callable[[datetime | None], Iterable[Text]] | None = None
    interactions: Callable[[datetime | None], Iterable[Interaction]] | None = None


def register_source(name: str, source: Source) -> None:
    registry.table("trust_sources")[name] = source


def sources() -> dict[str, Source]:
    return registry.table("trust_sources")


def ratings(since: datetime | None = None) -> Iterable[Rating]:
    for source in sources().values():
        if source.ratings:
            yield from source.ratings(since)


def texts(since: datetime | None = None) -> Iterable[Text]:
    for source in sources().values():
        if source.texts:
            yield from source.texts(since)


def interactions(since: datetime | None = None) -> Iterable[Interaction]:
    for source in sources().values():
        if source.interactions:
            yield from source.interactions(since)
