"""Groups: creating and editing a group (with its discussion category), who joins (at once, by
request, by link or by an e-mail invitation), leaves, is removed or changes role, and who may
create groups at all.

Rules (``community/groups/access.py`` says who sees what):

- A verified member whose trust level reaches the policy's minimum creates a group (the
  ``GroupPolicy`` row an admin sets on /groups/policy, else the GROUP_CREATE_LEVEL setting);
  when the policy says "staff only", only staff do. Admins always may. The creator becomes
  the group's first owner.
- Each group gets its own forum category in the same transaction (``Group.category_id``, slug
  ``group-<group slug>``): restricted to the group (``ForumCategory.group_id``) when the group
  is private or secret, open when it is public; changing the visibility keeps it in step and
  renaming the group renames it.
- Public groups are joined at once; private ones on request (a manager approves or declines;
  the managers are told of the request and the requester of the approval); secret ones only
  through the invitation link or an e-mail invitation. Unverified members join nothing.
- Owners edit the group and change roles; managers answer requests, invite and remove
  members, but only an owner removes a manager or an owner. Admins act as owners everywhere.
- A group always keeps an owner: the last owner can neither leave, be removed nor be demoted
  (the owners' rows are locked while counting, so two owners leaving at once cannot both go).
- ``Group.member_count`` is recounted (the group's row locked first) in the transaction of
  every join, leave and removal.
- An e-mail invitation keeps only the keyed hash of the address and the hash of its token; it
  is used once and expires after INVITATION_DAYS. Whether the address belongs to an account
  changes nothing the inviter sees (a verified member with that address is also notified).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from community.accounts.emails import normalize_email
from community.accounts.models import User
from community.extensions import db
from community.forums import access as forum_access
from community.forums import admin as forum_admin
from community.forums.models import ForumCategory
from community.groups import access
from community.groups.membership import GROUPS
from community.groups.models import (
    GROUP_ROLE_RANK,
    Group,
    GroupInvitation,
    GroupJoinRequest,
    GroupMember,
    GroupRole,
    GroupVisibility,
)
from community.mail import send_after_commit
from community.meetups import events, searching
from community.meetups import notices_groups as notices
from community.meetups.policy import may_create, policy, set_policy  # noqa: F401
from community.refusals import Refused
from community.security import keyed_hash
from community.text import render_markdown, slugify
from community.timeutil import utcnow

SLUG_LENGTH = 54  # so that the category's "group-<slug>" fits its 60 characters
CATEGORY_PREFIX = "group-"
# Paths under /groups/ that are not groups.
RESERVED_SLUGS = frozenset({"new", "join", "invitations", "policy", "ambassadors"})
INVITATION_DAYS = 14
PER_PAGE = 30
MANAGING = (GroupRole.MANAGER, GroupRole.OWNER)


# ---- creating and editing ----

def _taken_slugs(prefix: str) -> set[str]:
    """Group slugs starting with ``prefix``, and those whose category slug is taken."""
    groups = db.session.scalars(sa.select(Group.slug).where(Group.slug.startswith(prefix)))
    categories = db.session.scalars(sa.select(ForumCategory.slug).where(
        ForumCategory.slug.startswith(CATEGORY_PREFIX + prefix)))
    return set(groups) | {slug[len(CATEGORY_PREFIX):] for slug in categories} | RESERVED_SLUGS


def free_slug(name: str, secret: bool = False) -> str:
    """The name's slug, or with the first free numeric suffix ("lyon", "lyon-2"...). A secret
    group's slug ends with random letters ("lyon-3f9a1c"): it never holds the plain slug, so
    a group created later with the same name does not learn, from a suffix, that a group it
    cannot see exists (nor can its address be guessed from its name)."""
    base = slugify(name, SLUG_LENGTH, "group")
    if secret:
        base = f"{base[:SLUG_LENGTH - 7].rstrip('-')}-{secrets.token_hex(3)}"
    taken = _taken_slugs(base[:SLUG_LENGTH - 4])
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        candidate = base[:SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise Refused("groups.name_taken", 409)


def category_of(group: Group) -> ForumCategory | None:
    """The group's discussion category."""
    if group.category_id is None:
        return None
    return db.session.get(ForumCategory, group.category_id)


def visible_category(reader: User | None, group: Group) -> ForumCategory | None:
    """The group's category if this reader may see it (forums' rule): one query, however many
    categories the forums hold."""
    if group.category_id is None:
        return None
    return db.session.scalar(sa.select(ForumCategory).where(
        ForumCategory.id == group.category_id, forum_access.visible_condition(reader)))


def _restrict_category(group: Group, category: ForumCategory | None) -> None:
    """Keep the category's restriction in step with the group's visibility."""
    if category is None:
        return
    if group.visibility is GroupVisibility.PUBLIC:
        if category.group_id == group.id:
            category.group_id = None
    else:
        category.club_id, category.staff_only, category.group_id = None, False, group.id
    db.session.flush()


def new_group(creator_id: int | None, *, name: str, description: str = "", rules: str = "",
              visibility: GroupVisibility = GroupVisibility.PUBLIC,
              slug: str | None = None) -> Group:
    """A group with its category and ``creator_id`` (if any) as owner, without asking who may
    create (``create_group`` asks; the command line does not). A slug taken meanwhile refuses
    (409)."""
    slug = slug or free_slug(name, secret=visibility is GroupVisibility.SECRET)
    try:
        with db.session.begin_nested():
            group = Group(slug=slug, name=name, description_md=description,
                          description_html=render_markdown(description), rules_md=rules,
                          rules_html=render_markdown(rules), visibility=visibility,
                          created_by_id=creator_id)
            db.session.add(group)
            db.session.flush()
            category = forum_admin.create_category(
                name, slug=CATEGORY_PREFIX + slug,
                group=None if visibility is GroupVisibility.PUBLIC else group)
            group.category_id = category.id
            db.session.flush()
    except IntegrityError:
        raise Refused("groups.name_taken", 409) from None
    searching.index_group(group)
    if creator_id is not None:
        add_member(group, creator_id, role=GroupRole.OWNER)
    return group


def create_group(actor: User, *, name: str, description: str = "", rules: str = "",
                 visibility: GroupVisibility = GroupVisibility.PUBLIC) -> Group:
    if not may_create(actor):
        if actor is not None and actor.is_authenticated and not actor.is_verified:
            raise Refused("groups.unverified")
        raise Refused("groups.may_not_create")
    return new_group(actor.id, name=name, description=description, rules=rules,
                     visibility=visibility)


def edit_group(actor: User, group: Group, *, name: str, description: str, rules: str,
               visibility: GroupVisibility) -> None:
    """Owners change the name (the category follows), description, rules and visibility (the
    category's restriction follows); the slug stays, so links keep working."""
    require_role(actor, group, GroupRole.OWNER)
    _lock(group)
    was_public = group.visibility is GroupVisibility.PUBLIC
    group.name, group.visibility = name, visibility
    group.description_md, group.description_html = description, render_markdown(description)
    group.rules_md, group.rules_html = rules, render_markdown(rules)
    category = category_of(group)
    if category is not None:
        category.name = name
    _restrict_category(group, category)
    searching.index_group(group)
    if was_public and visibility is not GroupVisibility.PUBLIC:
        events.forget_outsiders(group)  # their seats at its coming events free up


def require_role(actor: User | None, group: Group, at_least: GroupRole) -> None:
    if not access.has_group_role(actor, group, at_least):
        code = "groups.owners_only" if at_least is GroupRole.OWNER else "groups.managers_only"
        raise Refused(code)


# ---- members and their count ----

def _lock(group: Group) -> None:
    """The group's row locked (FOR NO KEY UPDATE on PostgreSQL: rows pointing at the group may
    still be written meanwhile). Taken before a membership row is written, so that two joins
    queue here rather than deadlock."""
    db.session.execute(sa.select(Group.id).where(Group.id == group.id)
                       .with_for_update(key_share=True))


def recount(group: Group) -> None:
    """The member count, recounted with the group's row locked (so two joins at once, each
    counting after the other committed, both end right)."""
    _lock(group)
    group.member_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(GroupMember)
        .where(GroupMember.group_id == group.id)) or 0
    db.session.flush()


def add_member(group: Group, user_id: int, role: GroupRole = GroupRole.MEMBER) -> bool:
    """Make a member (no-op if one already; a pending request of theirs goes); recounts. True
    if added."""
    _lock(group)
    db.session.execute(sa.delete(GroupJoinRequest).where(
        GroupJoinRequest.group_id == group.id, GroupJoinRequest.user_id == user_id))
    try:
        with db.session.begin_nested():
            added = GROUPS.add(group, user_id, role=role)
    except IntegrityError:  # the same member joining twice at once
        added = False
    recount(group)
    return added


def _member(group: Group, user_id: int) -> GroupMember:
    member = db.session.get(GroupMember, (group.id, user_id))
    if member is None:
        raise Refused("groups.not_member", 409)
    return member


def _keep_an_owner(group: Group, member: GroupMember) -> None:
    """Refuse to take away the last owner (the owners' rows locked while counting)."""
    if member.role is not GroupRole.OWNER:
        return
    owners = db.session.scalars(sa.select(GroupMember.user_id).where(
        GroupMember.group_id == group.id, GroupMember.role == GroupRole.OWNER)
        .with_for_update())
    if len(list(owners)) <= 1:
        raise Refused("groups.last_owner", 409)


def _drop(group: Group, member: GroupMember) -> None:
    _lock(group)
    _keep_an_owner(group, member)
    db.session.delete(member)
    db.session.flush()
    recount(group)
    events.forget_member(group, member.user_id)  # their seats at upcoming events free up


def leave(actor: User, group: Group) -> None:
    _drop(group, _member(group, actor.id))


def remove_member(actor: User, group: Group, user_id: int) -> None:
    """Managers remove members; only owners remove managers and owners."""
    require_role(actor, group, GroupRole.MANAGER)
    member = _member(group, user_id)
    if GROUP_ROLE_RANK[member.role] >= GROUP_ROLE_RANK[GroupRole.MANAGER]:
        require_role(actor, group, GroupRole.OWNER)
    _drop(group, member)


def set_role(actor: User, group: Group, user_id: int, role: GroupRole) -> None:
    """Owners name managers and owners (or take the role back)."""
    require_role(actor, group, GroupRole.OWNER)
    member = db.session.get(GroupMember, (group.id, user_id), with_for_update=True)
    if member is None:
        raise Refused("groups.not_member", 409)
    if member.role is GroupRole.OWNER and role is not GroupRole.OWNER:
        _keep_an_owner(group, member)
    member.role = role
    db.session.flush()


def manager_ids(group: Group) -> list[int]:
    return list(db.session.scalars(sa.select(GroupMember.user_id).where(
        GroupMember.group_id == group.id, GroupMember.role.in_(MANAGING))))


# ---- joining ----

def _require_verified(user: User) -> None:
    if not user.is_verified:
        raise Refused("groups.unverified")


def pending_request(user: User | None, group: Group) -> GroupJoinRequest | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(GroupJoinRequest).where(
        GroupJoinRequest.group_id == group.id, GroupJoinRequest.user_id == user.id))


def pending_requests(group: Group) -> list[tuple[GroupJoinRequest, User]]:
    return list(db.session.execute(
        sa.select(GroupJoinRequest, User).join(User, User.id == GroupJoinRequest.user_id)
        .where(GroupJoinRequest.group_id == group.id)
        .order_by(GroupJoinRequest.created_at, GroupJoinRequest.id)))


def join(actor: User, group: Group, message: str = "") -> str:
    """A public group: the actor is a member now ("joined"). A private one: a join request
    with the message, told to the managers ("requested"). A secret one exists only for its
    members (404): it is joined through an invitation."""
    if not access.may_see_group(actor, group):
        raise Refused("groups.not_found", 404)
    _require_verified(actor)
    if access.is_member(actor, group):
        raise Refused("groups.member_already", 409)
    if group.visibility is GroupVisibility.PUBLIC:
        add_member(group, actor.id)
        return "joined"
    if group.visibility is GroupVisibility.SECRET:
        raise Refused("groups.invitation_only")
    try:
        with db.session.begin_nested():
            db.session.add(GroupJoinRequest(group_id=group.id, user_id=actor.id,
                                            message=message))
            db.session.flush()
    except IntegrityError:
        raise Refused("groups.requested_already", 409) from None
    notices.tell_managers(group, manager_ids(group), actor.id)
    return "requested"


def _answerable(actor: User, group: Group, request_id: int) -> GroupJoinRequest:
    require_role(actor, group, GroupRole.MANAGER)
    # Locked: of two managers answering at once, the second waits and finds it answered.
    request = db.session.get(GroupJoinRequest, request_id, with_for_update=True)
    if request is None or request.group_id != group.id:
        raise Refused("groups.request_gone", 409)
    return request


def approve_request(actor: User, group: Group, request_id: int) -> None:
    """The requester becomes a member and is told."""
    request = _answerable(actor, group, request_id)
    user_id = request.user_id
    db.session.delete(request)
    db.session.flush()
    if add_member(group, user_id):
        notices.tell_joined(group, user_id)


def decline_request(actor: User, group: Group, request_id: int) -> None:
    db.session.delete(_answerable(actor, group, request_id))
    db.session.flush()


# ---- the invitation link ----

def renew_link(actor: User, group: Group) -> str:
    """A new secret link (the old one stops working); managers and owners."""
    require_role(actor, group, GroupRole.MANAGER)
    return GROUPS.renew_link(group)


def clear_link(actor: User, group: Group) -> None:
    require_role(actor, group, GroupRole.MANAGER)
    GROUPS.clear_link(group)


def group_by_link(token: str) -> Group | None:
    return GROUPS.by_link(token)


def join_by_link(actor: User, group: Group) -> bool:
    """Whoever holds the link joins at once; False if they were a member already."""
    _require_verified(actor)
    return add_member(group, actor.id)


# ---- invitations by e-mail ----

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_hash(address: str) -> str:
    return keyed_hash(normalize_email(address), "group-invitation")


def invite_by_email(actor: User, group: Group, address: str) -> None:
    """Send a single-use invitation to an address (a second one to the same address replaces
    the first). A verified member with that address is notified too; nothing tells the
    inviter whether there is one. At most GROUP_INVITES_PER_DAY a day per inviter, and one a
    day per address and group."""
    require_role(actor, group, GroupRole.MANAGER)
    limit = int(current_app.config.get("GROUP_INVITES_PER_DAY", 50))
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(GroupInvitation).where(
        GroupInvitation.invited_by_id == actor.id,
        GroupInvitation.created_at >= utcnow() - timedelta(days=1))) or 0
    if sent >= limit:
        raise Refused("groups.invitations_limit", 429, max=limit)
    normalized = normalize_email(address)
    email_hash = address_hash(address)
    # A new invitation replaces the previous one to the same address, whose row goes: were it
    # replaced at once, the day's count would never grow and one address could be sent any
    # number of e-mails. So an address is invited at most once a day per group.
    if db.session.scalar(sa.select(GroupInvitation.id).where(
            GroupInvitation.group_id == group.id, GroupInvitation.email_hash == email_hash,
            GroupInvitation.created_at >= utcnow() - timedelta(days=1))) is not None:
        raise Refused("groups.invited_today", 429)
    token = secrets.token_urlsafe(24)
    try:
        with db.session.begin_nested():
            db.session.execute(sa.delete(GroupInvitation).where(
                GroupInvitation.group_id == group.id, GroupInvitation.email_hash == email_hash))
            invitation = GroupInvitation(
                group_id=group.id, email_hash=email_hash, token_hash=_token_hash(token),
                invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
            db.session.add(invitation)
            db.session.flush()
    except IntegrityError:
        raise Refused("groups.invitation_race", 409) from None
    link = url_for("groups.accept_invitation", token=token, _external=True)
    inviter = actor.display_name or actor.handle
    send_after_commit(
        address.strip(), _("An invitation to the group %(group)s", group=group.name),
        _("%(name)s invites you to join the group %(group)s on Cercle.\n\n"
          "Follow this link to join (it works once, for %(days)d days):\n%(link)s\n\n"
          "If you do not know this group, ignore this message.",
          name=inviter, group=group.name, days=INVITATION_DAYS, link=link))
    member = db.session.scalar(sa.select(User).where(
        User.email_normalized == normalized, User.deleted_at.is_(None),
        User.email_verified_at.is_not(None)))
    if member is not None and member.id != actor.id:
        notices.tell_invited(group, member.id, actor.id, invitation.id)


def invitation_by_token(token: str) -> GroupInvitation | None:
    """The open invitation a token belongs to (not expired), else None."""
    if not token or len(token) > 64:
        return None
    invitation = db.session.scalar(sa.select(GroupInvitation).where(
        GroupInvitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.expires_at <= utcnow():
        return None
    return invitation


def accept_invitation(actor: User, token: str) -> Group:
    """The signed-in member joins the invitation's group (secret ones too); the invitation is
    used up (its row locked: a second use at the same time finds it gone)."""
    _require_verified(actor)
    invitation = invitation_by_token(token)
    if invitation is not None:
        invitation = db.session.get(GroupInvitation, invitation.id, with_for_update=True,
                                    populate_existing=True)
    if invitation is None:
        raise Refused("groups.invitation_gone", 404)
    group = db.session.get(Group, invitation.group_id)
    db.session.delete(invitation)
    db.session.flush()
    add_member(group, actor.id)
    return group


# ---- reading ----

def listing(reader: User | None, query: str = "", page: int = 1,
            per_page: int = PER_PAGE) -> tuple[list[Group], int]:
    """The groups the reader may know of, by name, optionally filtered by a word of their name
    or description; (this page's groups, total)."""
    condition = access.visible_groups(reader)
    words = query.strip()[:100]
    if words:
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition = sa.and_(condition, sa.or_(Group.name.ilike(like, escape="\\"),
                                              Group.description_md.ilike(like, escape="\\")))
    offset = (max(page, 1) - 1) * per_page
    if words:  # one pass over the groups: the page and, beside each row, how many matched
        rows = db.session.execute(
            sa.select(Group, sa.func.count().over()).where(condition)
            .order_by(Group.name, Group.id).limit(per_page).offset(offset)).all()
        if rows:
            return [group for group, _ in rows], rows[0][1]
        if offset == 0:
            return [], 0
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Group).where(condition))
    rows = db.session.scalars(sa.select(Group).where(condition).order_by(Group.name, Group.id)
                              .limit(per_page).offset(offset))
    return list(rows), total or 0


MEMBERS_PER_PAGE = 100


def members_of(group: Group, page: int = 1,
               per_page: int = MEMBERS_PER_PAGE) -> tuple[list[tuple[GroupMember, User]], int]:
    """Owners, then managers, then members, each by name: a page of them, and how many pages
    (a group may have thousands of members)."""
    order = sa.case((GroupMember.role == GroupRole.OWNER, 0),
                    (GroupMember.role == GroupRole.MANAGER, 1), else_=2)
    rows = list(db.session.execute(
        sa.select(GroupMember, User).join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == group.id, User.deleted_at.is_(None))
        .order_by(order, User.display_name, User.id)
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return rows, max(1, -(-(group.member_count or 0) // per_page))


def find_visible(reader: User | None, slug: str) -> Group | None:
    """The group at this slug if the reader may know of it (else None: a 404)."""
    group = GROUPS.find(slug)
    if group is None or not access.may_see_group(reader, group):
        return None
    return group


# ---- the command line (community/groups/cli.py) ----

def _command_create(name: str, *, slug: str | None, owner_id: int | None,
                    visibility: GroupVisibility) -> Group:
    if slug is not None and (slug in _taken_slugs(slug) or slug != slugify(slug, SLUG_LENGTH,
                                                                           "group")):
        raise ValueError(f"The slug {slug!r} is taken or not a slug.")
    try:
        return new_group(owner_id, name=name, visibility=visibility, slug=slug)
    except Refused as refusal:
        raise ValueError(refusal.code) from None


def install_commands() -> None:
    """``flask groups create`` makes a proper group; ``add-member`` recounts."""
    from community import registry

    registry.table("group_commands").update(create=_command_create, add=add_member)
