"""A small community for the home page's tests: an open category, a staff-only one, a
members-only club and a private group (each with its discussion), public and private events,
ideas (one trending, one followed whose status moves), public and members-only changelog
entries; and the people who see some of it: a visitor, a member, a member of the private group
and of the club, a moderator, the product team, an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.extensions import db
from community.forums import admin, service
from community.forums.models import ForumCategory, Post, Topic
from community.groups.membership import GROUPS
from community.ideas import service as ideas
from community.ideas import triage
from community.ideas.models import Idea, Status
from community.meetups.models import Event, EventKind
from community.roadmap.models import ChangelogEntry, ClubBallot
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.meetups.factories import MEMBER, PRIVATE, PUBLIC, make_group
from tests.roadmap.clubs_factories import MEMBER as CLUB_MEMBER
from tests.roadmap.clubs_factories import make_club

OLD = {"created_at": utcnow() - timedelta(days=60)}  # established members


@dataclass
class World:
    ids: dict[str, int]  # person -> user id
    general: int  # the open category


def person(app, name: str, role=Role.MEMBER) -> User:
    return make_user(app, f"{name.title()} Doe", f"{name}@example.com", handle=name, role=role,
                     **OLD)


def topic(app, author_id: int, category_id: int, title: str, *, question=False,
          at=None) -> int:
    with app.app_context():
        made = service.create_topic(db.session.get(User, author_id),
                                    db.session.get(ForumCategory, category_id), title,
                                    "Some words about it, long enough.", question, now=at)
        db.session.commit()
        return made.id


def reply(app, author_id: int, topic_id: int, body="A reply to this.") -> int:
    with app.app_context():
        post = service.reply(db.session.get(User, author_id), db.session.get(Topic, topic_id),
                             body)
        db.session.commit()
        return post.id


def event(app, group_slug: str, title: str, days=3) -> int:
    with app.app_context():
        group = GROUPS.find(group_slug)
        start = utcnow() + timedelta(days=days)
        made = Event(group_id=group.id, title=title, kind=EventKind.ONLINE,
                     online_url="https://meet.example.com/x", place="", starts_at=start,
                     ends_at=start + timedelta(hours=2), timezone="Europe/Paris")
        db.session.add(made)
        db.session.commit()
        return made.id


def group_category(app, slug: str) -> int:
    with app.app_context():
        return GROUPS.find(slug).category_id


def club_category(app, slug: str) -> int:
    with app.app_context():
        club = CLUBS.find(slug)
        return db.session.scalar(sa.select(ForumCategory.id).where(
            ForumCategory.club_id == club.id))


def idea(app, author_id: int, title: str) -> int:
    with app.app_context():
        made = ideas.create_idea(db.session.get(User, author_id), title,
                                 "A description of the idea.", None, [])
        db.session.commit()
        return made.id


def vote(app, user_id: int, idea_id: int) -> None:
    with app.app_context():
        ideas.cast_vote(db.session.get(User, user_id), db.session.get(Idea, idea_id), 2, None,
                        keep_existing=True)
        db.session.commit()


def move(app, actor_id: int, idea_id: int, status: Status) -> None:
    with app.app_context():
        triage.change_status(db.session.get(User, actor_id), db.session.get(Idea, idea_id),
                             status, "")
        db.session.commit()


def age(app, topic_id: int, days: float) -> None:
    """Move a topic and its posts ``days`` into the past."""
    with app.app_context():
        moment = utcnow() - timedelta(days=days)
        found = db.session.get(Topic, topic_id)
        found.created_at = found.last_posted_at = moment
        db.session.execute(sa.update(Post).where(Post.topic_id == topic_id)
                           .values(created_at=moment))
        db.session.commit()


def build(app) -> World:
    """The community described in the module's docstring."""
    names = {"alice": Role.MEMBER, "bob": Role.MEMBER, "gina": Role.MEMBER,
             "carl": Role.MEMBER, "mo": Role.MODERATOR, "pat": Role.PRODUCT,
             "ada": Role.ADMIN}
    ids = {name: person(app, name, role).id for name, role in names.items()}
    with app.app_context():
        general = admin.create_category("General", slug="general", position=1).id
        staff = admin.create_category("Team room", slug="team-room", staff_only=True).id
        db.session.commit()
    club = make_club(app, ids["pat"], "Acme Insiders", private=True,
                     members=[(ids["gina"], CLUB_MEMBER)])
    make_group(app, ids["carl"], "Secret Garden Circle", PRIVATE,
               members=[(ids["gina"], MEMBER)])
    make_group(app, ids["carl"], "Lyon Users", PUBLIC)
    private_group, public_group = "secret-garden-circle", "lyon-users"

    topic(app, ids["bob"], general, "Open topic about exports")
    topic(app, ids["bob"], general, "How do I reset my password", question=True)
    staff_topic = topic(app, ids["ada"], staff, "Staff only launch plan")
    reply(app, ids["pat"], staff_topic)
    topic(app, ids["pat"], club_category(app, club), "Acme club internal roadmap")
    topic(app, ids["carl"], group_category(app, private_group), "Garden circle private chat")
    event(app, private_group, "Garden circle private dinner")
    event(app, public_group, "Lyon public meetup")

    trending = idea(app, ids["bob"], "Dark mode everywhere")
    vote(app, ids["carl"], trending)
    followed = idea(app, ids["alice"], "Export to spreadsheet")
    move(app, ids["pat"], followed, Status.PLANNED)
    with app.app_context():
        db.session.add_all([
            ChangelogEntry(title="Public shipped feature", members_only=False),
            ChangelogEntry(title="Members shipped feature", members_only=True),
            ClubBallot(club_id=CLUBS.find(club).id, version=1, published_by_id=ids["pat"]),
        ])
        db.session.commit()
    return World(ids, general)


PUBLIC_ITEMS = ("Open topic about exports", "Dark mode everywhere", "Lyon public meetup",
                "Public shipped feature")
RESTRICTED = {
    "staff": "Staff only launch plan",
    "club": "Acme club internal roadmap",
    "club_ballot": "Acme Insiders published its ballot",
    "group_topic": "Garden circle private chat",
    "group_event": "Garden circle private dinner",
    "members_changelog": "Members shipped feature",
}
