"""Who may see which forum category: the one rule every list, page, search and feed applies.

A category is open to everyone unless it is restricted to a group, a club or the staff; a
restricted category is seen only by that group's or club's members, and always by moderators
and admins (they moderate it). Everything in a category — topics, posts, FAQ entries, search
hits, feed items, notifications — follows its category.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from community import freshness
from community.accounts.models import Role, User
from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums.models import ForumCategory, Post, Topic
from community.groups.membership import GROUPS as groups
from community.groups.membership import group_category_ids, member_category_ids


def _member(user: User | None) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_deleted:
        return None
    return user


def is_moderator(user: User | None) -> bool:
    user = _member(user)
    return bool(user and user.has_role(Role.MODERATOR))


def visible_condition(user: User | None):
    """A SQL condition on ForumCategory: the categories this reader may see."""
    open_ = sa.and_(ForumCategory.group_id.is_(None), ForumCategory.club_id.is_(None),
                    ForumCategory.staff_only.is_(False))
    user = _member(user)
    if user is None:
        return open_
    if is_moderator(user):
        return sa.true()
    parts = [open_,
             ForumCategory.group_id.in_(groups.ids_of(user.id)),
             ForumCategory.club_id.in_(clubs.ids_of(user.id))]
    if user.is_staff:
        parts.append(ForumCategory.staff_only.is_(True))
    return sa.or_(*parts)


def visible_category_ids(user: User | None) -> list[int]:
    """Ids of the categories this reader may see (a short list: categories are few). A
    visitor's are the public set, kept a while (``public_category_ids``); a member's (their
    groups, clubs and role add to it) are read for each request, never shared."""
    if _member(user) is None:
        return list(public_category_ids())
    return list(db.session.scalars(
        sa.select(ForumCategory.id).where(visible_condition(user)).order_by(ForumCategory.id)))


# The public set (what every visitor may see) is the same for all of them: each worker keeps
# it while the categories' freshness stamp (community/freshness.py) is unchanged, so a
# category made private, or a new one, is seen by every worker's next request.
_PUBLIC_IDS = "cercle.forums.public_category_ids"


def public_category_ids() -> tuple[int, ...]:
    """Ids of the categories open to everyone (visitors' ``visible_category_ids``)."""
    freshness.depends_on("forum_categories")  # a kept page shows what these ids let through
    # The stamp as this request found it before its first read (never a newer one: this
    # request's transaction may still see the categories as they were then).
    stamp = freshness.stamp_of("forum_categories")
    kept = current_app.extensions.get(_PUBLIC_IDS)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    ids = tuple(db.session.scalars(
        sa.select(ForumCategory.id).where(visible_condition(None)).order_by(ForumCategory.id)))
    current_app.extensions[_PUBLIC_IDS] = (stamp, ids)
    return ids


def can_see(user: User | None, category: ForumCategory) -> bool:
    """``visible_condition`` for one category, asked of that category alone (a site with
    thousands of groups has thousands of categories: never list them to check one)."""
    if not category.is_restricted:
        return True
    user = _member(user)
    if user is None:
        return False
    if is_moderator(user):
        return True
    if category.staff_only:
        return user.is_staff
    if category.group_id is not None:
        return groups.is_member(category.group_id, user.id)
    return clubs.is_member(category.club_id, user.id)


def listed_condition(user: User | None):
    """A SQL condition on ForumCategory: the categories the forums index lists for this
    reader (and offers for a new topic): those they may see, except other groups' discussion
    categories (a group's discussions are reached from the group's page; a site may have
    thousands of groups). The reader's own groups' categories are listed."""
    user = _member(user)
    not_a_group = ForumCategory.id.not_in(group_category_ids())
    if user is None:
        return sa.and_(visible_condition(None), not_a_group)
    return sa.and_(visible_condition(user),
                   sa.or_(not_a_group, ForumCategory.id.in_(member_category_ids(user.id))))


def readable_posts(user: User | None):
    """A SQL condition on Post joined to its Topic and ForumCategory: the posts a link (a
    notification) may still show this reader. In a category they may see, neither the post nor
    its topic deleted; hidden ones only for moderators (they see them on the page)."""
    conditions = [visible_condition(user), Post.deleted_at.is_(None), Topic.deleted_at.is_(None)]
    if not is_moderator(user):
        conditions += [Post.hidden.is_(False), Topic.hidden.is_(False)]
    return sa.and_(*conditions)


def readers_among(category: ForumCategory, user_ids) -> set[int]:
    """The members among ``user_ids`` who may see ``category`` (for notifications): at most
    three queries, however many recipients."""
    ids = set(user_ids)
    if not ids:
        return ids
    users = list(db.session.scalars(sa.select(User).where(User.id.in_(ids),
                                                          User.deleted_at.is_(None))))
    if not category.is_restricted:
        return {u.id for u in users}
    allowed = {u.id for u in users if is_moderator(u) or (category.staff_only and u.is_staff)}
    if category.group_id is not None:
        allowed |= groups.members_among(category.group_id, ids)
    elif category.club_id is not None:
        allowed |= clubs.members_among(category.club_id, ids)
    return allowed & {u.id for u in users}
