"""Tiny factories for the clubs' tests: a club made through the service (with its category and
its creator as owner), its members, and readers of what the database holds."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import Club, ClubMember, ClubRole, JoinRequest, Visibility
from community.extensions import db
from community.roadmap import clubs
from tests.conftest import make_user


def make_staff(app, name="Pat Product", email="pat@example.com"):
    return make_user(app, name, email, role=Role.PRODUCT)


def make_club(app, creator_id: int, name="Acme Users", *, private=False, domains=(),
              members=()) -> str:
    """A club created by ``creator_id`` (its owner), with (user id, role) members; its slug."""
    with app.app_context():
        club = clubs.create_club(db.session.get(User, creator_id), name=name,
                                 description="For **Acme** customers.",
                                 visibility=Visibility.MEMBERS if private else Visibility.PUBLIC,
                                 domains=domains)
        for user_id, role in members:
            CLUBS.add(club, user_id, role=role)
        db.session.commit()
        return club.slug


def get_club(app, slug: str) -> Club:
    with app.app_context():
        club = CLUBS.find(slug)
        db.session.expunge(club)
        return club


def roles(app, slug: str) -> dict[int, ClubRole]:
    with app.app_context():
        club = CLUBS.find(slug)
        return dict(db.session.execute(sa.select(ClubMember.user_id, ClubMember.role).where(
            ClubMember.club_id == club.id)).all())


def requests_of(app, slug: str) -> list[tuple[int, str, str]]:
    with app.app_context():
        club = CLUBS.find(slug)
        return db.session.execute(sa.select(
            JoinRequest.user_id, JoinRequest.organisation, JoinRequest.message).where(
            JoinRequest.club_id == club.id)).all()


def club_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Club))


MEMBER = ClubRole.MEMBER
MANAGER = ClubRole.MANAGER
OWNER = ClubRole.OWNER
