"""Groups: alumni-style circles of members, their roles, join requests and invitations, cover
image, the directory (each member's card and what they show in each group), and the policy
of who may create a group.

The group's discussion category, events, ambassadors' scores and health touch forums and
events, so they live in the content layer (``community/meetups/``); these tables know no
content domain (``Group.category_id`` names the forum category by its table only).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db, enum_column
from community.timeutil import utcnow


class GroupVisibility(enum.Enum):
    PUBLIC = "public"  # listed; anyone signed in joins; discussions open to everyone
    PRIVATE = "private"  # listed (name, description); joined on request; content members-only
    SECRET = "secret"  # unlisted: only its members (and staff) know it exists; by invitation


class GroupRole(enum.Enum):
    MEMBER = "member"
    MANAGER = "manager"  # approves requests, invites, removes members, organises events
    OWNER = "owner"  # a manager who also edits the group, names managers and ambassadors


GROUP_ROLE_RANK = {GroupRole.MEMBER: 0, GroupRole.MANAGER: 1, GroupRole.OWNER: 2}

# The directory's fields, in the order a card shows them. A member fills them once
# (``DirectoryProfile``) and chooses, per group, which of them that group sees
# (``GroupMember.shown_fields``). The e-mail address is never one of them.
DIRECTORY_FIELDS = ("company", "job_title", "location", "cohort", "skills", "help_on")


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (
        # The list (by name, a page at a time) and the forums asking which categories are
        # groups' (a group's discussions are reached from the group, not the forums index).
        sa.Index("ix_groups_name", "name", "id"),
        sa.Index("ix_groups_category", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description_md: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    rules_md: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    rules_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    visibility: Mapped[GroupVisibility] = mapped_column(
        enum_column(GroupVisibility, "group_visibility"), default=GroupVisibility.PUBLIC,
        server_default=GroupVisibility.PUBLIC.value, index=True)
    # The invitation link's secret: whoever holds /groups/join/<token> may join. Managers
    # renew it (the old link stops working) or clear it (no link).
    invite_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    cover_version: Mapped[int] = mapped_column(default=0, server_default="0")  # 0: no cover
    # The group's discussion category (forums' table; restricted to the group unless public).
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forum_categories.id", ondelete="SET NULL", use_alter=True,
                      name="fk_groups_category_id"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Denormalized: recounted (not incremented) in the transaction of each join and leave.
    member_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_public(self) -> bool:
        return self.visibility is GroupVisibility.PUBLIC

    @property
    def is_secret(self) -> bool:
        return self.visibility is GroupVisibility.SECRET


class GroupMember(db.Model):
    __tablename__ = "group_members"
    __table_args__ = (
        # The directory walks a group's listed members by join date and counts them from
        # the index alone; health reads a group's members by join date.
        sa.Index("ix_group_members_group_joined", "group_id", "listed", "joined_at"),
    )

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[GroupRole] = mapped_column(
        enum_column(GroupRole, "group_role"), default=GroupRole.MEMBER,
        server_default=GroupRole.MEMBER.value)
    # In the group's directory at all (a member may hide from it), and which of their
    # directory fields this group sees: a comma-separated subset of DIRECTORY_FIELDS.
    listed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    shown_fields: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    # What a directory search reads: the member's name and handle and the values of the
    # fields shown in this group, lower-cased, one per line; rewritten with the name, the card
    # and the choices (groups/directory.py): one LIKE per row, a hidden field never in it.
    search_text: Mapped[str] = mapped_column(sa.String(1100), default="", server_default="")
    ambassador: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    ambassador_since: Mapped[datetime | None] = mapped_column()
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class DirectoryProfile(db.Model):
    """What a member may show in a group's directory, written once; each group sees only the
    fields the member chose for it. Exported, and erased with the account."""

    __tablename__ = "directory_profiles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    company: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    job_title: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    location: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    cohort: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    skills: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    help_on: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupJoinRequest(db.Model):
    """A member asking to join a private group; a manager approves or declines."""

    __tablename__ = "group_join_requests"
    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupInvitation(db.Model):
    """An invitation sent by e-mail: a single-use token (kept as its hash) for one address
    (kept as its keyed hash, so a second invitation to the same address replaces the first and
    the address itself is not stored)."""

    __tablename__ = "group_invitations"
    __table_args__ = (sa.UniqueConstraint("group_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class GroupCover(db.Model):
    """The group's cover image, re-encoded (metadata stripped) and kept in the database."""

    __tablename__ = "group_covers"

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mimetype: Mapped[str] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupPolicy(db.Model):
    """Who may create a group: one row, changed by admins on /groups/policy. Without a row,
    the GROUP_CREATE_LEVEL setting applies and members may create groups."""

    __tablename__ = "group_policy"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),
                      sa.CheckConstraint("min_level BETWEEN 0 AND 3", name="level_range"))

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    min_level: Mapped[int] = mapped_column(sa.SmallInteger)
    staff_only: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
