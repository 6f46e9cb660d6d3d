"""Trust levels, in the spirit of Discourse's: new accounts earn their weight by taking part.

Pure: no Flask, no database. ``leveling.py`` gathers the facts and stores the level.

| level   | account age | days visited | posts read | helpful marks received | upheld flags |
|---------|-------------|--------------|------------|------------------------|--------------|
| new     | verified e-mail (an unverified account is "new" and cannot vote anyway)     |
| basic   | 1 day       | 2            | 5          | 0                      | any          |
| member  | 14 days     | 7            | 30         | 1                      | none         |
| regular | 60 days     | 30           | 150        | 10                     | none         |

A level needs every requirement of the levels below it too. Each level has its limits
(``LIMITS``: links in a post, posts an hour, votes an hour, reviews a day; invitations are
INVITES_BY_LEVEL) and its vote weight (``weights.LEVEL_WEIGHTS``). *Posts read* are forum posts
read (reading positions); *helpful marks* are those other members gave the member's posts and
reviews; *upheld flags* are decisions against the member (an account flag actioned, content a
moderator hid). The rules raise a level as soon as the facts allow and lower it only when a
flag is upheld against the member (``settle``). A moderator may lock a level
(``users.trust_level_locked``): then it is neither raised nor lowered by the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from community.trust.weights import BASIC, MEMBER, NEW, REGULAR

NAMES = {NEW: "new", BASIC: "basic", MEMBER: "member", REGULAR: "regular"}


@dataclass(frozen=True)
class Facts:
    verified: bool
    account_age_days: float
    days_visited: int
    posts_read: int
    helpful_received: int
    upheld_flags: int


@dataclass(frozen=True)
class Threshold:
    account_age_days: float
    days_visited: int
    posts_read: int
    helpful_received: int
    no_upheld_flags: bool


THRESHOLDS = {
    BASIC: Threshold(1, 2, 5, 0, False),
    MEMBER: Threshold(14, 7, 30, 1, True),
    REGULAR: Threshold(60, 30, 150, 10, True),
}


@dataclass(frozen=True)
class Requirement:
    """One line of "what the next level needs": its name, what is needed, what the member has."""

    name: str  # account_age_days, days_visited, posts_read, helpful_received, upheld_flags
    needed: float
    have: float

    @property
    def met(self) -> bool:
        if self.name == "upheld_flags":
            return self.have <= self.needed
        return self.have >= self.needed


@dataclass(frozen=True)
class LevelLimits:
    """What a level may do in a given time (None: no limit). Staff are never limited.
    Invitations per level are configuration (INVITES_BY_LEVEL), read by the accounts layer."""

    links_per_post: int | None
    posts_per_hour: int | None
    votes_per_hour: int | None
    reviews_per_day: int | None


LIMITS = {
    NEW: LevelLimits(links_per_post=2, posts_per_hour=10, votes_per_hour=30, reviews_per_day=3),
    BASIC: LevelLimits(links_per_post=5, posts_per_hour=30, votes_per_hour=60, reviews_per_day=5),
    MEMBER: LevelLimits(links_per_post=None, posts_per_hour=60, votes_per_hour=120,
                        reviews_per_day=10),
    REGULAR: LevelLimits(links_per_post=None, posts_per_hour=120, votes_per_hour=None,
                         reviews_per_day=20),
}
UNLIMITED = LevelLimits(None, None, None, None)


def limits_for(level: int, staff: bool = False) -> LevelLimits:
    """The limits of a level (an unknown level has the new account's); staff have none."""
    if staff:
        return UNLIMITED
    return LIMITS.get(level, LIMITS[NEW])


def requirements(facts: Facts, level: int) -> list[Requirement]:
    """What ``level`` asks of the member, each with what they have (verified for "new")."""
    if level == NEW:
        return [Requirement("verified", 1, int(facts.verified))]
    t = THRESHOLDS[level]
    found = [
        Requirement("account_age_days", t.account_age_days, max(0.0, facts.account_age_days)),
        Requirement("days_visited", t.days_visited, facts.days_visited),
        Requirement("posts_read", t.posts_read, facts.posts_read),
        Requirement("helpful_received", t.helpful_received, facts.helpful_received),
    ]
    if t.no_upheld_flags:
        found.append(Requirement("upheld_flags", 0, facts.upheld_flags))
    return found


def meets(facts: Facts, level: int) -> bool:
    return all(r.met for r in requirements(facts, level))


def level_for(facts: Facts) -> int:
    """The highest level whose requirements, and those of every level below, are all met."""
    reached = NEW
    if not facts.verified:
        return NEW
    for level in (BASIC, MEMBER, REGULAR):
        if not meets(facts, level):
            break
        reached = level
    return reached


def settle(current: int, facts: Facts) -> int:
    """The level the rules give a member now at ``current``: they raise it as soon as the
    facts allow; they lower it only when a flag was upheld against the member (days visited
    and posts read are never taken back, so a quiet month costs nothing)."""
    reached = level_for(facts)
    if reached > current or facts.upheld_flags > 0:
        return reached
    return current


def next_level(level: int) -> int | None:
    return level + 1 if level < REGULAR else None
