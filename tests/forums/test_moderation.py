"""Moderators move, merge, split, lock, pin and hide; members flag; every action is logged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.forums.models import ForumCategory, Post, Topic
from community.moderation.models import AuditEntry, Flag
from tests.forums.conftest import act, as_member, new_reply, new_topic, people, posts_of
from tests.helpers import post_form, text


@pytest.fixture
def setup(app, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general, title="Export fails with big files")
    replies = [new_reply(app, bob.id, topic_id, f"Reply number {n}") for n in range(2, 6)]
    return {"alice": alice, "bob": bob, "topic": topic_id, "replies": replies}


def _mod(app):
    client = app.test_client()
    return as_member(client, "mo@example.com")


def _audit(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _counts(app, category_id):
    with app.app_context():
        category = db.session.get(ForumCategory, category_id)
        return category.topic_count, category.post_count


@pytest.mark.parametrize("action,column,value", [
    ("lock", "locked", True), ("pin", "pinned", True), ("hide", "hidden", True)])
def test_moderator_switches_a_topic_and_it_is_logged(app, setup, action, column, value):
    mod = _mod(app)
    response = act(mod, f"/t/{setup['topic']}/moderate/{action}", f"/t/{setup['topic']}",
                   reason="because")
    assert response.status_code == 302
    with app.app_context():
        assert getattr(db.session.get(Topic, setup["topic"]), column) is value
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.reason, entry.subject_id) == (
            f"topic.{action}", "because", setup["topic"])


def test_members_cannot_moderate(app, client, setup):
    as_member(client, "bob@example.com")
    for url in (f"/t/{setup['topic']}/moderate/lock", f"/t/{setup['topic']}/manage",
                f"/p/{setup['replies'][0]}/moderate/hide"):
        assert act(client, url, f"/t/{setup['topic']}").status_code == 403, url
    assert _audit(app) == []


def test_a_hidden_topic_leaves_lists_search_and_counts(app, client, setup, forum):
    before = _counts(app, forum.general)
    act(_mod(app), f"/t/{setup['topic']}/moderate/hide", f"/t/{setup['topic']}")
    assert _counts(app, forum.general) == (before[0] - 1, before[1] - 5)
    assert client.get(f"/t/{setup['topic']}").status_code == 404
    assert "Export fails" not in text(client.get("/c/general"))
    assert "Export fails" not in text(client.get("/search?q=export"))
    act(_mod(app), f"/t/{setup['topic']}/moderate/unhide", f"/t/{setup['topic']}")
    assert _counts(app, forum.general) == before
    assert "Export fails" in text(client.get("/search?q=export"))


def test_a_hidden_post_is_shown_to_moderators_only(app, client, setup):
    post_id = setup["replies"][0]
    act(_mod(app), f"/p/{post_id}/moderate/hide", f"/t/{setup['topic']}")
    page = text(client.get(f"/t/{setup['topic']}", follow_redirects=True))
    assert "Reply number 2" not in page and "hidden by a moderator" in page
    assert "Reply number 2" in text(_mod(app).get(f"/t/{setup['topic']}", follow_redirects=True))
    with app.app_context():
        assert db.session.get(Topic, setup["topic"]).reply_count == 3


def test_move_changes_both_categories_counts(app, setup, forum):
    with app.app_context():
        from community.forums import admin
        other = admin.create_category("Other", slug="other").id
        db.session.commit()
    before = _counts(app, forum.general)
    mod = _mod(app)
    response = post_form(mod, f"/t/{setup['topic']}/manage", {
        "form": "move", "move-category": str(other), "move-reason": "wrong place"})
    assert response.status_code == 302
    assert _counts(app, other) == (1, 5)
    assert _counts(app, forum.general) == (before[0] - 1, before[1] - 5)
    assert "Export fails" in text(app.test_client().get("/c/other"))
    assert _audit(app) == ["topic.move"]


def test_merge_appends_posts_and_redirects_the_old_topic(app, setup, forum):
    other = new_topic(app, setup["bob"].id, forum.general, title="Export broken for large CSV")
    mod = _mod(app)
    response = post_form(mod, f"/t/{other}/manage", {
        "form": "merge", "merge-target": str(setup["topic"]), "merge-reason": "duplicate"})
    assert response.status_code == 302
    numbers = [n for _, n, _ in posts_of(app, setup["topic"])]
    assert numbers == [1, 2, 3, 4, 5, 6]
    redirect = app.test_client().get(f"/t/{other}")
    assert redirect.status_code == 301 and f"/t/{setup['topic']}" in redirect.headers["Location"]
    with app.app_context():
        assert db.session.get(Topic, setup["topic"]).reply_count == 5
    assert _counts(app, forum.general) == (1, 6)
    assert _audit(app) == ["topic.merge"]
    found = text(app.test_client().get("/search?q=export+button"))  # the old first post
    assert f'href="/t/{other}"' not in found and "Forum reply" in found


def test_split_moves_chosen_replies_to_a_new_topic(app, setup, forum):
    mod = _mod(app)
    response = post_form(mod, f"/t/{setup['topic']}/manage", {
        "form": "split", "split-numbers": "4, 5", "split-title": "Side discussion on CSV",
        "split-category": str(forum.general), "split-reason": "off topic"})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(sa.select(Topic).where(Topic.title == "Side discussion on CSV"))
        assert new.reply_count == 1 and new.max_number == 2
        new_id = new.id
    assert [b for _, _, b in posts_of(app, new_id)] == ["Reply number 4", "Reply number 5"]
    assert [n for _, n, _ in posts_of(app, setup["topic"])] == [1, 2, 3]
    assert _counts(app, forum.general) == (2, 5)


def test_member_flags_a_post_into_the_queue_once(app, client, setup):
    post_id = setup["replies"][0]
    as_member(client, "alice@example.com")
    response = post_form(client, f"/p/{post_id}/flag", {"reason": "spam", "note": "ads"})
    assert response.status_code == 302
    again = post_form(client, f"/p/{post_id}/flag", {"reason": "abuse"})
    assert again.status_code == 302
    with app.app_context():
        flags = db.session.scalars(sa.select(Flag)).all()
        assert [(f.subject_type, f.subject_id, f.reason.value) for f in flags] == [
            ("post", post_id, "spam")]
    queue = text(_mod(app).get("/moderation/flags"))
    assert "Reply number 2" in queue and "Export fails with big files" in queue


def test_deciding_a_flag_hides_the_post(app, client, setup):
    post_id = setup["replies"][1]
    as_member(client, "alice@example.com")
    post_form(client, f"/p/{post_id}/flag", {"reason": "abuse"})
    mod = _mod(app)
    response = post_form(mod, f"/moderation/flags/post/{post_id}/decide",
                         {"decision": "hide", "note": "rude"}, get_url="/moderation/flags")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Post, post_id).hidden is True
    assert "post.hide" in _audit(app)


def test_nobody_flags_their_own_post(app, client, setup):
    as_member(client, "bob@example.com")
    assert client.get(f"/p/{setup['replies'][0]}/flag").status_code == 403
