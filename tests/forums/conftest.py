"""Forum fixtures: an open category, a staff-only one, one kept to a club; posting helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import admin, service
from community.forums.models import ForumCategory, Post, Topic
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.helpers import hidden_fields, text

OLD = {"created_at": utcnow() - timedelta(days=60)}  # an established member


@dataclass
class Forum:
    general: int
    staff: int
    club: int
    club_slug: str


@pytest.fixture
def forum(app):
    """Three categories: open to all, staff only, and the "Acme" club's."""
    with app.app_context():
        general = admin.create_category("General", slug="general", position=1)
        staff = admin.create_category("Team room", slug="team-room", staff_only=True)
        club = clubs.create("Acme", "acme")
        private = admin.create_category("Acme club", slug="acme-club", club=club)
        db.session.commit()
        return Forum(general.id, staff.id, private.id, "acme-club")


def people(app, *names):
    """Established verified members, by first name (email <name>@example.com)."""
    return [make_user(app, f"{n.title()} Doe", f"{n}@example.com", handle=n, **OLD)
            for n in names]


def new_topic(app, author_id: int, category_id: int, title="How do I export my data?",
              body="I cannot find the export button anywhere.", question=False) -> int:
    with app.app_context():
        from community.accounts.models import User
        topic = service.create_topic(db.session.get(User, author_id),
                                     db.session.get(ForumCategory, category_id), title, body,
                                     question)
        db.session.commit()
        return topic.id


def new_reply(app, author_id: int, topic_id: int, body="Settings, then Export.") -> int:
    with app.app_context():
        from community.accounts.models import User
        post = service.reply(db.session.get(User, author_id), db.session.get(Topic, topic_id),
                             body)
        db.session.commit()
        return post.id


def act(client, url: str, page: str, **data):
    """POST a one-button action with the CSRF token read from ``page``."""
    fields = hidden_fields(text(client.get(page, follow_redirects=True)))
    return client.post(url, data={"csrf_token": fields.get("csrf_token", ""), **data})


def as_member(client, email: str):
    from tests.conftest import login
    response = login(client, email)
    assert response.status_code == 302, text(response)
    return client


def topic_row(app, topic_id: int) -> Topic:
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        db.session.expunge(topic)
        return topic


def posts_of(app, topic_id: int) -> list[tuple[int, int, str]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            sa.select(Post.id, Post.number, Post.body_md).where(Post.topic_id == topic_id)
            .order_by(Post.number))]
