"""Trust levels, stored: the facts gathered, the level recomputed, the weights rewritten.

The rules are pure (``levels.py``); the facts come from the accounts table (age, days visited,
counted once a day by ``note_visit``), the flags (account flags actioned) and what content
domains register (``register_fact``: forum posts read, helpful marks received, content a
moderator hid). A level is recomputed on the member's first visit of each day and by
``flask trust levels``; a locked level is left alone. When a level moves, the member's votes
and reviews are reweighed in the same transaction (``accounts.standing.reweigh``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from community import registry
from community.accounts import standing
from community.accounts.models import User
from community.extensions import db
from community.moderation.models import AuditEntry, Flag, FlagState
from community.refusals import Refused
from community.timeutil import utcnow
from community.trust import levels

FACTS = ("posts_read", "helpful_received", "upheld_flags")
FactSource = Callable[[Sequence[int]], dict[int, int]]


def register_fact(fact: str, name: str, source: FactSource) -> None:
    """A content domain's share of a fact for these members: ``source(ids) -> {id: count}``
    (summed over the domains that register it)."""
    if fact not in FACTS:
        raise ValueError(f"unknown fact {fact!r}")
    registry.table(f"level_facts.{fact}")[name] = source


def _summed(fact: str, ids: Sequence[int]) -> dict[int, int]:
    total = dict.fromkeys(ids, 0)
    for source in registry.table(f"level_facts.{fact}").values():
        for user_id, count in source(ids).items():
            if user_id in total:
                total[user_id] += int(count or 0)
    return total


def _account_flags_upheld(ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(sa.select(Flag.subject_id, sa.func.count()).where(
        Flag.subject_type == "account", Flag.subject_id.in_(ids),
        Flag.state == FlagState.ACTIONED).group_by(Flag.subject_id))
    return dict(rows.all())


def facts_of(users: Sequence[User]) -> dict[int, levels.Facts]:
    """The facts the rules weigh, for these members, in a few grouped queries."""
    ids = [u.id for u in users]
    if not ids:
        return {}
    read, helpful = _summed("posts_read", ids), _summed("helpful_received", ids)
    upheld = _summed("upheld_flags", ids)
    for user_id, count in _account_flags_upheld(ids).items():
        upheld[user_id] += count
    now = utcnow()
    return {u.id: levels.Facts(
        verified=u.is_verified,
        account_age_days=(now - u.created_at).total_seconds() / 86400,
        days_visited=u.days_visited or 0, posts_read=read[u.id],
        helpful_received=helpful[u.id], upheld_flags=upheld[u.id]) for u in users}


def recompute(users: Sequence[User]) -> list[int]:
    """Set each unlocked member's level from the rules; reweigh those whose level moved and
    return their ids (flush, never commit)."""
    facts = facts_of([u for u in users if not u.trust_level_locked and not u.is_deleted])
    moved = []
    for user in users:
        if user.id not in facts:
            continue
        level = levels.settle(user.trust_level, facts[user.id])
        if level != user.trust_level:
            user.trust_level = level
            moved.append(user.id)
    if moved:
        db.session.flush()
        standing.reweigh(moved)
    return moved


def recompute_batch(after: int, batch: int = 500) -> tuple[int | None, int, int]:
    """One batch of ``flask trust levels``, members with an id above ``after``: (the last id
    seen or None when done, members seen, levels moved). The caller commits each batch."""
    users = list(db.session.scalars(sa.select(User).where(
        User.id > after, User.deleted_at.is_(None)).order_by(User.id).limit(batch)))
    if not users:
        return None, 0, 0
    return users[-1].id, len(users), len(recompute(users))


def count_visit(user: User) -> bool:
    """The member's first request of a day counts a day visited and recomputes their level.
    One conditional UPDATE, so two tabs never count a day twice. True if it counted."""
    today = utcnow().date()
    counted = db.session.execute(sa.update(User).where(
        User.id == user.id,
        sa.or_(User.last_visit_on.is_(None), User.last_visit_on < today),
    ).values(days_visited=User.days_visited + 1, last_visit_on=today)
        .execution_options(synchronize_session=False))
    if counted.rowcount != 1:
        return False
    db.session.refresh(user)
    recompute([user])
    return True


@dataclass(frozen=True)
class LevelLine:
    """What a member (or a moderator) sees of a level: its name, met or not, each requirement."""

    level: int
    requirements: list[levels.Requirement]


def explain(user: User) -> tuple[LevelLine, LevelLine | None]:
    """The member's level with the requirements it meets, and the next level's with what is
    still missing (None at the top)."""
    facts = facts_of([user])[user.id]
    current = LevelLine(user.trust_level, levels.requirements(facts, user.trust_level))
    following = levels.next_level(user.trust_level)
    return current, (LevelLine(following, levels.requirements(facts, following))
                     if following is not None else None)


def lock(actor: User, user: User, level: int | None, reason: str) -> AuditEntry:
    """A moderator locks the member's level (``level`` an int) or unlocks it (None: the rules
    set it again now). Audited; the weights follow in the same transaction."""
    from community.moderation.service import record_action

    before = (user.trust_level, user.trust_level_locked)
    if (level is None and not user.trust_level_locked) or (
            level is not None and before == (level, True)):
        raise Refused("moderation.already", 409)  # nothing would change
    if level is None:  # back to the rules: exactly what the facts give now
        user.trust_level_locked = False
        user.trust_level = levels.level_for(facts_of([user])[user.id])
        db.session.flush()
        standing.reweigh([user.id])
    else:
        user.trust_level, user.trust_level_locked = level, True
        db.session.flush()
        standing.reweigh([user.id])
    return record_action(actor, "account.level_lock" if level is not None
                         else "account.level_unlock", "account", user.id, reason,
                         {"from": before[0], "to": user.trust_level,
                          "was_locked": before[1]})
