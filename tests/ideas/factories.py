"""Tiny factories for ideas tests (they flush and commit, so HTTP requests see the rows)."""

from __future__ import annotations

from community.extensions import db
from community.ideas import service
from community.ideas.models import Idea


def make_idea(app, author_id: int, title="Dark mode", body="Please add a dark theme.",
              tags=()) -> int:
    from community.accounts.models import User

    with app.app_context():
        author = db.session.get(User, author_id)
        idea = service.create_idea(author, title, body, None, list(tags))
        db.session.commit()
        return idea.id


def get_idea(app, idea_id: int) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea
