"""The groups' sections of the home page (``community/home.py``).

- **Your groups** (members of a group): the next events of the groups they belong to (not
  cancelled, not ended, soonest first), and the activity in those groups' discussions since
  their previous visit (the last post not theirs): two queries. Only the groups they belong
  to: whoever belongs to a group sees its inside (``groups/access.py``).
- **Upcoming events** (visitors): the next events of public groups, the only ones whose
  events a visitor may see: one query on the events' start index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from community import home
from community.accounts.models import User
from community.extensions import db
from community.forums import home as forums_home
from community.forums.models import ForumCategory, Topic
from community.groups.membership import GROUPS, member_category_ids
from community.groups.models import Group, GroupVisibility
from community.meetups.models import Event
from community.timeutil import utcnow

EVENT_LIMIT = 4
TOPIC_LIMIT = 5


@dataclass(frozen=True)
class Upcoming:
    """An event and the group it belongs to (``group_name``, ``group_slug``)."""

    event: Event
    group_name: str
    group_slug: str


@dataclass(frozen=True)
class GroupNews:
    events: list[Upcoming]
    topics: list[Topic]


@dataclass(frozen=True)
class PublicEvents:
    events: list[Upcoming]


def _upcoming(condition) -> list[Upcoming]:
    rows = db.session.execute(
        sa.select(Event, Group.name, Group.slug).join(Group, Group.id == Event.group_id)
        .where(condition, Event.ends_at > utcnow(), Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id).limit(EVENT_LIMIT))
    return [Upcoming(*row) for row in rows]


def group_news(reader: User | None, since: datetime) -> GroupNews | None:
    """Home section (members): their groups' next events and new discussions."""
    if reader is None or not getattr(reader, "is_authenticated", False):
        return None
    events = _upcoming(Event.group_id.in_(GROUPS.ids_of(reader.id)))
    topics = forums_home.topics_since(
        reader, ForumCategory.id.in_(member_category_ids(reader.id)), since, TOPIC_LIMIT)
    return GroupNews(events, topics) if events or topics else None


def public_events(reader: User | None, since: datetime) -> PublicEvents | None:
    """Home section (visitors): the next events of public groups."""
    if reader is not None and getattr(reader, "is_authenticated", False):
        return None
    events = _upcoming(Group.visibility == GroupVisibility.PUBLIC)
    return PublicEvents(events) if events else None


def register() -> None:
    home.register_section(home.Section("groups_news", 50, "home/groups_news.html", group_news))
    home.register_section(home.Section("public_events", 50, "home/public_events.html",
                                       public_events))
