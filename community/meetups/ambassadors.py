"""Ambassadors: in each group, the members who help most, surfaced to its owners, who may
mark them (``GroupMember.ambassador``); the community team sees them across groups.

A member's **help score** in a group counts, over the group's discussion category and its
events:

- *accepted answers*: topics of the category whose accepted answer is the member's post;
- *helpful marks*: marks other members gave the member's posts in the category;
- *events organised*: the group's events they organise (not cancelled);
- *events attended*: past, not cancelled events of the group they answered "yes" to.

Accepted answers and events organised weigh ``HEAVY`` each, the rest one each: answering and
organising cost more than showing up. Only current members, with an account, are ranked.
Five queries per group, whatever its size (one per kind of help, one for the members).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.models import HelpfulMark, Post, Topic
from community.groups import access
from community.groups.models import Group, GroupMember
from community.meetups import notices_ambassadors
from community.meetups.models import Answer, Event, Rsvp
from community.refusals import Refused
from community.timeutil import utcnow

HEAVY = 3  # the weight of an accepted answer and of an event organised
RANKED = 100  # the ranking shows at most this many helpers (ambassadors always)
ALL_LIMIT = 1000  # the team's list across groups


@dataclass(frozen=True)
class Score:
    user: User
    member: GroupMember
    accepted: int = 0
    helpful: int = 0
    organised: int = 0
    attended: int = 0

    @property
    def total(self) -> int:
        return HEAVY * (self.accepted + self.organised) + self.helpful + self.attended


def _members(group: Group):
    return sa.select(GroupMember.user_id).where(GroupMember.group_id == group.id)


def _counts(statement) -> dict[int, int]:
    return {user_id: n for user_id, n in db.session.execute(statement) if user_id is not None}


def help_counts(group: Group, now=None) -> dict[str, dict[int, int]]:
    """Per kind of help, the count of each member who helped (four GROUP BY queries)."""
    now = now or utcnow()
    members = _members(group)
    visible_post = sa.and_(Post.deleted_at.is_(None), Post.hidden.is_(False),
                           Post.author_id.in_(members))
    counts = {"accepted": {}, "helpful": {}}
    if group.category_id is not None:
        in_category = sa.and_(Topic.category_id == group.category_id,
                              Topic.deleted_at.is_(None), Topic.hidden.is_(False))
        counts["accepted"] = _counts(
            sa.select(Post.author_id, sa.func.count())
            .select_from(Topic).join(Post, Post.id == Topic.accepted_post_id)
            .where(in_category, visible_post).group_by(Post.author_id))
        counts["helpful"] = _counts(
            sa.select(Post.author_id, sa.func.count())
            .select_from(HelpfulMark).join(Post, Post.id == HelpfulMark.post_id)
            .join(Topic, Topic.id == Post.topic_id)
            .where(in_category, visible_post, HelpfulMark.user_id != Post.author_id)
            .group_by(Post.author_id))
    counts["organised"] = _counts(
        sa.select(Event.organiser_id, sa.func.count()).where(
            Event.group_id == group.id, Event.cancelled_at.is_(None),
            Event.organiser_id.in_(members)).group_by(Event.organiser_id))
    counts["attended"] = _counts(
        sa.select(Rsvp.user_id, sa.func.count())
        .select_from(Rsvp).join(Event, Event.id == Rsvp.event_id)
        .where(Event.group_id == group.id, Event.cancelled_at.is_(None), Event.ends_at < now,
               Rsvp.answer == Answer.YES, Rsvp.user_id.in_(members))
        .group_by(Rsvp.user_id))
    return counts


def ranking(group: Group, now=None, limit: int = RANKED) -> list[Score]:
    """The group's helpers, best first (ties: by name), and every ambassador even at 0."""
    counts = help_counts(group, now)
    helpers = set().union(*[set(c) for c in counts.values()])
    rows = db.session.execute(
        sa.select(GroupMember, User).join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == group.id, User.deleted_at.is_(None),
               sa.or_(GroupMember.ambassador.is_(True), GroupMember.user_id.in_(helpers))))
    scores = [Score(user, member, **{kind: counts[kind].get(user.id, 0) for kind in counts})
              for member, user in rows]
    scores.sort(key=lambda s: (-s.total, not s.member.ambassador,
                               (s.user.display_name or s.user.handle).casefold(), s.user.id))
    kept = [s for s in scores if s.total > 0][:limit]
    return kept + [s for s in scores if s.member.ambassador and s not in kept]


def mark(actor: User, group: Group, user_id: int, on: bool) -> bool:
    """Owners (and admins) mark or unmark an ambassador; the member is told when marked.
    True if something changed (marking twice is no news)."""
    if not access.owns(actor, group):
        raise Refused("directory.ambassador_owners_only")
    member = db.session.scalar(sa.select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.user_id == user_id).with_for_update())
    if member is None:
        raise Refused("directory.ambassador_not_member", 409)
    if member.ambassador == on:
        return False
    member.ambassador = on
    member.ambassador_since = utcnow() if on else None
    db.session.flush()
    if on:
        notices_ambassadors.tell_marked(group, user_id)
    return True


def ambassador_ids(group: Group, user_ids) -> set[int]:
    """The ambassadors among these members (for a badge on a list): one query."""
    ids = set(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(GroupMember.user_id).where(
        GroupMember.group_id == group.id, GroupMember.ambassador.is_(True),
        GroupMember.user_id.in_(ids))))


def across_groups(reader: User, limit: int = ALL_LIMIT) -> list[tuple[Group, GroupMember, User]]:
    """The community team's list: every ambassador, with their group (one query)."""
    return list(db.session.execute(
        sa.select(Group, GroupMember, User)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.ambassador.is_(True), User.deleted_at.is_(None),
               access.visible_groups(reader))
        .order_by(Group.name, Group.id, GroupMember.ambassador_since, User.id)
        .limit(limit)).all())
