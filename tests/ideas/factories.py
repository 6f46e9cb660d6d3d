"""Tiny factories for ideas tests (they flush and commit, so HTTP requests see the rows)."""

from __future__ import annotations

from community.extensions import db
from community.ideas import service
from community.ideas.models import Idea


def make_idea(app, author_id: int, title="Dark mode", body="Please add a dark theme.",
              tags=(), *, author_vote: bool = False) -> int:
    """An idea; by default a bare one, without its author's vote (``create_idea`` casts it, as
    the submit page does, with ``author_vote=True``), so a test counts only the votes it
    casts itself."""
    from community.accounts.models import User

    with app.app_context():
        author = db.session.get(User, author_id)
        idea = service.create_idea(author, title, body, None, list(tags),
                                   author_vote=author_vote)
        db.session.commit()
        return idea.id


def get_idea(app, idea_id: int) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea
