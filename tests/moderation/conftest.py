"""A fake subject type ("note", kept in a dict) so moderation is tested without any domain."""

from __future__ import annotations

import pytest

from community.extensions import db
from community.moderation import service


class NoteStore:
    """Notes a member wrote, and the hides moderation asked for."""

    def __init__(self) -> None:
        self.notes = {1: "Buy cheap watches here", 2: "You are all idiots", 3: "Nice tip!"}
        self.hidden: set[int] = set()
        self.hide_calls: list[tuple[int, int, str]] = []

    def describe(self, note_id: int):
        if note_id not in self.notes:
            return None
        return service.SubjectView(title=f"Note {note_id}", url=f"/notes/{note_id}",
                                   excerpt=self.notes[note_id], author_name="Fred",
                                   hidden=note_id in self.hidden)

    def hide(self, actor, note_id: int, reason: str) -> None:
        self.hide_calls.append((actor.id, note_id, reason))
        self.hidden.add(note_id)


@pytest.fixture
def notes(app):
    store = NoteStore()
    with app.app_context():  # this app's registry only: other apps never see the kind
        service.register_subject("note", service.SubjectHandler(describe=store.describe,
                                                                hide=store.hide))
    return store


def user(app, user_id: int):
    """A fresh instance of a user in the current app context."""
    from community.accounts.models import User

    return db.session.get(User, user_id)
