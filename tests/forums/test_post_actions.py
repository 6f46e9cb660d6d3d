"""Who may edit, delete and restore a post: the service's rule, and the page offering only it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums import service
from community.forums.models import Post, Topic
from community.refusals import Refused
from tests.conftest import make_user
from tests.forums.conftest import act, as_member, new_reply, new_topic, people
from tests.helpers import text


def _post(post_id: int) -> Post:
    return db.session.get(Post, post_id)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _refused(action, *args) -> tuple[str, int]:
    with pytest.raises(Refused) as refused:
        action(*args)
    db.session.rollback()
    return refused.value.code, refused.value.status


@pytest.fixture
def thread(app, forum, moderator):
    """Alice's topic with Bob's reply."""
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    reply_id = new_reply(app, bob.id, topic_id, "Bob's reply here")
    return alice.id, bob.id, moderator.id, topic_id, reply_id


def _lock(app, topic_id: int) -> None:
    with app.app_context():
        db.session.get(Topic, topic_id).locked = True
        db.session.commit()


def test_the_service_refuses_what_the_rules_refuse(app, thread):
    alice, bob, mo, topic_id, reply = thread
    with app.app_context():
        assert _refused(service.delete_post, _user(alice), _post(reply)) == (
            "forums.not_yours", 403)
        assert _refused(service.edit_post, _user(alice), _post(reply), "Alice's words") == (
            "forums.not_yours", 403)
        assert _refused(service.restore_post, _user(bob), _post(reply)) == (
            "forums.moderators_only", 403)
        db.session.get(Topic, topic_id).locked = True
        db.session.commit()
        assert _refused(service.edit_post, _user(bob), _post(reply), "Changed words") == (
            "forums.edit_locked", 403)
        assert _post(reply).body_md == "Bob's reply here"
        # A moderator edits in a locked topic; its author may still delete (today's rule).
        service.edit_post(_user(mo), _post(reply), "Edited by a moderator")
        service.delete_post(_user(bob), _post(reply))
        db.session.commit()
        assert _refused(service.edit_post, _user(mo), _post(reply), "Again") == (
            "forums.deleted", 409)
        assert _refused(service.restore_post, _user(bob), _post(reply)) == (
            "forums.moderators_only", 403)
        service.restore_post(_user(mo), _post(reply))
        db.session.commit()
        assert _post(reply).deleted_at is None


def test_an_unverified_author_may_not_edit_nor_delete(app, thread):
    _, bob, _, _, reply = thread
    with app.app_context():
        _user(bob).email_verified_at = None
        db.session.commit()
        assert _refused(service.edit_post, _user(bob), _post(reply), "x") == (
            "forums.unverified", 403)
        assert _refused(service.delete_post, _user(bob), _post(reply)) == (
            "forums.unverified", 403)


def test_allowed_actions_follow_the_rule(app, thread):
    alice, bob, mo, topic_id, reply = thread
    carol = make_user(app, "Carol Doe", "carol@example.com", handle="carol").id
    with app.app_context():
        post = _post(reply)
        assert service.allowed_actions(None, post) == frozenset()
        assert service.allowed_actions(_user(carol), post) == frozenset()
        assert service.allowed_actions(_user(bob), post) == {"edit", "delete"}
        assert service.allowed_actions(_user(mo), post) == {"edit", "delete"}
        db.session.get(Topic, topic_id).locked = True
        assert service.allowed_actions(_user(bob), post) == {"delete"}
        assert service.allowed_actions(_user(mo), post) == {"edit", "delete"}
        service.delete_post(_user(bob), post)
        assert service.allowed_actions(_user(bob), post) == frozenset()
        assert service.allowed_actions(_user(mo), post) == {"restore"}
        db.session.rollback()


def _actions_of(page: str, post_id: int) -> set[str]:
    """The post actions a page offers on one post (links and one-button forms)."""
    return set(re.findall(rf'/p/{post_id}/(edit|delete|restore)"', page))


def test_a_locked_topic_offers_its_author_no_edit_and_refuses_one_with_a_message(
        app, client, thread):
    _, _, _, topic_id, reply = thread
    as_member(client, "bob@example.com")
    assert _actions_of(text(client.get(f"/t/{topic_id}", follow_redirects=True)),
                       reply) == {"edit", "delete"}
    _lock(app, topic_id)
    page = text(client.get(f"/t/{topic_id}", follow_redirects=True))
    assert _actions_of(page, reply) == {"delete"}
    refused = client.get(f"/p/{reply}/edit")
    assert refused.status_code == 403
    assert "only moderators can edit its posts" in text(refused)


def test_moderators_are_offered_edit_in_a_locked_topic_and_restore_once_deleted(
        app, client, thread):
    _, _, _, topic_id, reply = thread
    _lock(app, topic_id)
    as_member(client, "mo@example.com")
    assert _actions_of(text(client.get(f"/t/{topic_id}", follow_redirects=True)),
                       reply) == {"edit", "delete"}
    assert client.get(f"/p/{reply}/edit").status_code == 200
    act(client, f"/p/{reply}/delete", f"/t/{topic_id}")
    assert _actions_of(text(client.get(f"/t/{topic_id}", follow_redirects=True)),
                       reply) == {"restore"}


def test_other_members_are_offered_nothing_and_refused_with_the_rule(app, client, thread):
    _, _, _, topic_id, reply = thread
    as_member(client, "alice@example.com")
    assert _actions_of(text(client.get(f"/t/{topic_id}", follow_redirects=True)),
                       reply) == set()
    refused = act(client, f"/p/{reply}/delete", f"/t/{topic_id}")
    assert refused.status_code == 403
    assert "Only the post&#39;s author or a moderator can do this." in text(refused)
    with app.app_context():
        assert db.session.scalar(sa.select(Post.deleted_at).where(Post.id == reply)) is None
