"""Clubs: creating and editing a club (with its discussion category), its e-mail domains, who
joins (by request or invitation link), leaves, is removed or changes role.

Rules (``access.py`` says who sees what):

- Product staff and admins create clubs (``access.runs_clubs``); the creator becomes the
  club's first owner, so a club always starts with an owner among its members.
- Owners edit the club and change roles; managers (and owners) answer join requests, renew
  or clear the invitation link and remove members, but only an owner removes a manager or an
  owner. Staff who run clubs act as owners of every club.
- A club always keeps at least one owner: the last owner can neither leave, be removed nor be
  demoted (the owners' rows are locked while counting, so two owners leaving at once cannot
  both go).
- Each club gets its own forum category, created in the same transaction, with the slug
  ``club-<club slug>`` (how the club finds it again). A members-only club's category is
  restricted to the club (``ForumCategory.club_id``); a public club's category is open to all.
  Changing the visibility keeps the category's restriction in step. A category takes one
  restriction only: a members-only club's category drops any other (group, staff).
- E-mail domains suggest the club to verified members whose address is at one of them: a
  members-only club too (that is what its domains are for), to them and to nobody else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.clubs.membership import CLUBS
from community.clubs.models import (
    ROLE_RANK,
    Club,
    ClubDomain,
    ClubMember,
    ClubRole,
    JoinRequest,
    Visibility,
)
from community.extensions import db
from community.forums import admin as forum_admin
from community.forums.models import ForumCategory
from community.refusals import Refused
from community.roadmap import access
from community.roadmap import notices_clubs as notices
from community.text import render_markdown, slugify

MAX_DOMAINS = 20
SLUG_LENGTH = 55  # so that the category's "club-<slug>" fits its 60 characters
CATEGORY_PREFIX = "club-"
RESERVED_SLUGS = frozenset({"new", "join"})  # /clubs/new and /clubs/join/<token>
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")
_SEPARATORS = re.compile(r"[\s,;]+")


# ---- e-mail domains ----

def normalise_domains(text: str | Iterable[str]) -> list[str]:
    """Domains separated by commas, spaces or lines -> lower-case names, in order, once each
    ("@Acme.COM." -> "acme.com"). Refuses a name that is not a domain (letters, digits and
    dashes in dot-separated labels, a top-level label of letters) and more than MAX_DOMAINS."""
    parts = _SEPARATORS.split(text) if isinstance(text, str) else list(text)
    domains: list[str] = []
    for part in parts:
        domain = part.strip().lower().lstrip("@").rstrip(".")
        if not domain or domain in domains:
            continue
        if len(domain) > 253 or not _DOMAIN.match(domain):
            raise Refused("roadmap.club_bad_domain", 422, domain=domain[:60])
        domains.append(domain)
    if len(domains) > MAX_DOMAINS:
        raise Refused("roadmap.club_too_many_domains", 422, max=MAX_DOMAINS)
    return domains


def domains_of(club: Club) -> list[str]:
    return list(db.session.scalars(sa.select(ClubDomain.domain).where(
        ClubDomain.club_id == club.id).order_by(ClubDomain.domain)))


def _set_domains(club: Club, domains: list[str]) -> None:
    # The club's row locked first: two owners saving at once replace the domains in turn.
    db.session.execute(sa.select(Club.id).where(Club.id == club.id).with_for_update())
    db.session.execute(sa.delete(ClubDomain).where(ClubDomain.club_id == club.id))
    db.session.add_all(ClubDomain(club_id=club.id, domain=d) for d in domains)
    db.session.flush()


def _email_domain(user: User | None) -> str | None:
    """The reader's e-mail domain, if it may suggest clubs: signed in and verified."""
    if user is None or not user.is_authenticated or not user.is_verified:
        return None
    return user.email_domain or None


def suggested_clubs(user: User | None) -> list[Club]:
    """Clubs whose e-mail domains include the reader's verified address's domain and that they
    are not in yet (members-only clubs too: only to them)."""
    domain = _email_domain(user)
    if domain is None:
        return []
    return list(db.session.scalars(
        sa.select(Club).join(ClubDomain, ClubDomain.club_id == Club.id)
        .where(ClubDomain.domain == domain, Club.id.not_in(CLUBS.ids_of(user.id)))
        .order_by(Club.name)))


def domain_suggests(user: User | None, club: Club) -> bool:
    domain = _email_domain(user)
    return domain is not None and db.session.get(ClubDomain, (club.id, domain)) is not None


def may_ask_to_join(user: User | None, club: Club) -> bool:
    """Who may know of the club enough to ask: whoever sees it, and the verified members its
    domains suggest it to."""
    return access.may_see_club(user, club) or domain_suggests(user, club)


# ---- creating and editing ----

def _taken_slugs(prefix: str) -> set[str]:
    """Club slugs starting with ``prefix``, and those whose category slug is taken: 2 queries."""
    clubs = db.session.scalars(sa.select(Club.slug).where(Club.slug.startswith(prefix)))
    categories = db.session.scalars(sa.select(ForumCategory.slug).where(
        ForumCategory.slug.startswith(CATEGORY_PREFIX + prefix)))
    return set(clubs) | {slug[len(CATEGORY_PREFIX):] for slug in categories} | RESERVED_SLUGS


def free_slug(name: str) -> str:
    """The name's slug, or with the first free numeric suffix ("acme", "acme-2"...): free for
    the club and for its category."""
    base = slugify(name, SLUG_LENGTH, "club")
    taken = _taken_slugs(base[:SLUG_LENGTH - 4])  # room for "-999"
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        candidate = base[:SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise Refused("roadmap.club_name_taken", 409)


def category_of(club: Club) -> ForumCategory | None:
    """The club's discussion category (found by its slug)."""
    return db.session.scalar(sa.select(ForumCategory).where(
        ForumCategory.slug == CATEGORY_PREFIX + club.slug))


def _restrict_category(club: Club, category: ForumCategory | None) -> None:
    """Keep the category's restriction in step with the club's visibility."""
    if category is None:
        return
    if club.visibility is Visibility.MEMBERS:
        category.group_id, category.staff_only, category.club_id = None, False, club.id
    elif category.club_id == club.id:
        category.club_id = None
    db.session.flush()


def create_club(actor: User, *, name: str, description: str = "",
                visibility: Visibility = Visibility.PUBLIC, domains: Iterable[str] = ()) -> Club:
    """A new club with its discussion category; the actor (product staff or an admin) is its
    first owner. A slug taken meanwhile by another creation refuses (409)."""
    if not access.runs_clubs(actor):
        raise Refused("roadmap.forbidden")
    domain_list = normalise_domains(list(domains))
    slug = free_slug(name)
    try:
        with db.session.begin_nested():
            club = Club(slug=slug, name=name, description_md=description,
                        description_html=render_markdown(description), visibility=visibility)
            db.session.add(club)
            db.session.flush()
            forum_admin.create_category(name, slug=CATEGORY_PREFIX + slug, club=(
                club if visibility is Visibility.MEMBERS else None))
    except IntegrityError:
        raise Refused("roadmap.club_name_taken", 409) from None
    _set_domains(club, domain_list)
    CLUBS.add(club, actor.id, role=ClubRole.OWNER)
    return club


def update_club(actor: User, club: Club, *, name: str, description: str,
                visibility: Visibility, domains: Iterable[str]) -> None:
    """Owners change the name, description, visibility (the category follows) and domains;
    the slug stays, so links keep working."""
    require_role(actor, club, ClubRole.OWNER)
    domain_list = normalise_domains(list(domains))
    category = category_of(club)
    club.name, club.visibility = name, visibility
    club.description_md, club.description_html = description, render_markdown(description)
    if category is not None:
        category.name = name
    _restrict_category(club, category)
    _set_domains(club, domain_list)


def require_role(actor: User | None, club: Club, at_least: ClubRole) -> None:
    if not access.has_club_role(actor, club, at_least):
        code = "roadmap.club_owners_only" if at_least is ClubRole.OWNER \
            else "roadmap.club_managers_only"
        raise Refused(code)


# ---- the invitation link ----

def renew_invitation(actor: User, club: Club) -> str:
    """A new secret link (the old one stops working); managers and owners."""
    require_role(actor, club, ClubRole.MANAGER)
    return CLUBS.renew_link(club)


def clear_invitation(actor: User, club: Club) -> None:
    require_role(actor, club, ClubRole.MANAGER)
    CLUBS.clear_link(club)


def club_by_invitation(token: str) -> Club | None:
    return CLUBS.by_link(token)


# ---- joining ----

def _require_verified(user: User) -> None:
    if not user.is_verified:
        raise Refused("roadmap.club_unverified")


def pending_request(user: User | None, club: Club) -> JoinRequest | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(JoinRequest).where(
        JoinRequest.club_id == club.id, JoinRequest.user_id == user.id))


def my_requests(user: User | None) -> list[JoinRequest]:
    if user is None or not user.is_authenticated:
        return []
    return list(db.session.scalars(sa.select(JoinRequest).where(JoinRequest.user_id == user.id)))


def pending_requests(club: Club) -> list[tuple[JoinRequest, User]]:
    return list(db.session.execute(
        sa.select(JoinRequest, User).join(User, User.id == JoinRequest.user_id)
        .where(JoinRequest.club_id == club.id).order_by(JoinRequest.created_at)))


def ask_to_join(actor: User, club: Club, organisation: str = "", message: str = "") -> JoinRequest:
    """A verified member who may know of the club asks to join; its managers and owners are
    told. A club they may not know of does not exist for them (404)."""
    if not may_ask_to_join(actor, club):
        raise Refused("roadmap.forbidden", 404)
    _require_verified(actor)
    if CLUBS.is_member(club.id, actor.id):
        raise Refused("roadmap.club_member_already", 409)
    try:
        with db.session.begin_nested():
            request = JoinRequest(club_id=club.id, user_id=actor.id,
                                  organisation=organisation, message=message)
            db.session.add(request)
            db.session.flush()
    except IntegrityError:
        raise Refused("roadmap.club_requested_already", 409) from None
    managers = db.session.scalars(sa.select(ClubMember.user_id).where(
        ClubMember.club_id == club.id,
        ClubMember.role.in_([ClubRole.MANAGER, ClubRole.OWNER])))
    notices.tell_managers(club, list(managers), actor.id)
    return request


def _answerable(actor: User, club: Club, request_id: int) -> JoinRequest:
    require_role(actor, club, ClubRole.MANAGER)
    # Locked: of two managers answering at once, the second waits and finds it answered.
    request = db.session.get(JoinRequest, request_id, with_for_update=True)
    if request is None or request.club_id != club.id:
        raise Refused("roadmap.club_request_gone", 409)
    return request


def approve_request(actor: User, club: Club, request_id: int) -> None:
    """The requester becomes a member (with the organisation they gave) and is told."""
    request = _answerable(actor, club, request_id)
    added = CLUBS.add(club, request.user_id, organisation=request.organisation)
    user_id = request.user_id
    db.session.delete(request)
    db.session.flush()
    if added:
        notices.tell_joined(club, user_id)


def decline_request(actor: User, club: Club, request_id: int) -> None:
    db.session.delete(_answerable(actor, club, request_id))
    db.session.flush()


def join_by_invitation(actor: User, club: Club, organisation: str = "") -> bool:
    """Whoever holds the link joins at once (a pending request of theirs goes); False if
    they were a member already."""
    _require_verified(actor)
    db.session.execute(sa.delete(JoinRequest).where(
        JoinRequest.club_id == club.id, JoinRequest.user_id == actor.id))
    try:
        with db.session.begin_nested():
            return CLUBS.add(club, actor.id, organisation=organisation)
    except IntegrityError:  # the same member joining twice at once
        return False


# ---- leaving, removing, roles ----

def _member(club: Club, user_id: int) -> ClubMember:
    member = db.session.get(ClubMember, (club.id, user_id))
    if member is None:
        raise Refused("roadmap.club_not_member", 409)
    return member


def _keep_an_owner(club: Club, member: ClubMember) -> None:
    """Refuse to take away the last owner (the owners' rows locked while counting)."""
    if member.role is not ClubRole.OWNER:
        return
    owners = db.session.scalars(sa.select(ClubMember.user_id).where(
        ClubMember.club_id == club.id, ClubMember.role == ClubRole.OWNER).with_for_update())
    if len(list(owners)) <= 1:
        raise Refused("roadmap.club_last_owner", 409)


def leave_club(actor: User, club: Club) -> None:
    member = _member(club, actor.id)
    _keep_an_owner(club, member)
    db.session.delete(member)
    db.session.flush()


def remove_member(actor: User, club: Club, user_id: int) -> None:
    """Managers remove members; only owners remove managers and owners."""
    require_role(actor, club, ClubRole.MANAGER)
    member = _member(club, user_id)
    if ROLE_RANK[member.role] >= ROLE_RANK[ClubRole.MANAGER]:
        require_role(actor, club, ClubRole.OWNER)
    _keep_an_owner(club, member)
    db.session.delete(member)
    db.session.flush()


def set_role(actor: User, club: Club, user_id: int, role: ClubRole) -> None:
    """Owners name managers and owners (or take the role back)."""
    require_role(actor, club, ClubRole.OWNER)
    member = _member(club, user_id)
    if member.role is ClubRole.OWNER and role is not ClubRole.OWNER:
        _keep_an_owner(club, member)
    member.role = role
    db.session.flush()


# ---- reading ----

def visible_with_counts(reader: User | None) -> list[tuple[Club, int]]:
    """The clubs the reader may know of, by name, each with its member count: one query."""
    counts = (sa.select(ClubMember.club_id, sa.func.count().label("members"))
              .group_by(ClubMember.club_id).subquery())
    return list(db.session.execute(
        sa.select(Club, sa.func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.club_id == Club.id)
        .where(access.visible_clubs(reader)).order_by(Club.name, Club.id)))


def member_count(club: Club) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ClubMember).where(
        ClubMember.club_id == club.id)) or 0


def members_of(club: Club) -> list[tuple[ClubMember, User]]:
    """The directory: owners, then managers, then members, each by name."""
    order = sa.case((ClubMember.role == ClubRole.OWNER, 0),
                    (ClubMember.role == ClubRole.MANAGER, 1), else_=2)
    return list(db.session.execute(
        sa.select(ClubMember, User).join(User, User.id == ClubMember.user_id)
        .where(ClubMember.club_id == club.id)
        .order_by(order, User.display_name, User.id)))
