"""Opening topics, replying, quoting, previewing, editing with history, deleting."""

from __future__ import annotations

import sqlalchemy as sa

from community.extensions import db
from community.forums.models import ForumCategory, Post, PostRevision, Topic
from community.notify.models import Notification
from tests.forums.conftest import act, as_member, new_reply, new_topic, people, posts_of
from tests.helpers import post_form, text


def test_member_opens_a_topic_and_it_is_listed(app, client, forum):
    (alice,) = people(app, "alice")
    as_member(client, "alice@example.com")
    response = post_form(client, "/forums/new", {
        "title": "Where is the dark mode switch?", "category": str(forum.general),
        "body": "I looked in **settings**. <script>alert(1)</script>", "submit": "1"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True)
    body = text(page)
    assert "Where is the dark mode switch?" in body
    assert "<strong>settings</strong>" in body and "<script>alert" not in body
    listing = text(client.get("/c/general"))
    assert "Where is the dark mode switch?" in listing
    with app.app_context():
        category = db.session.get(ForumCategory, forum.general)
        assert (category.topic_count, category.post_count) == (1, 1)


def test_preview_shows_the_rendering_and_saves_nothing(app, client, forum):
    people(app, "alice")
    as_member(client, "alice@example.com")
    response = post_form(client, "/forums/new", {
        "title": "Preview before posting", "category": str(forum.general),
        "body": "Some _emphasis_ here", "preview": "1"})
    assert response.status_code == 200
    assert "<em>emphasis</em>" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) == 0


def test_reply_counts_and_bumps_the_topic(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    as_member(client, "bob@example.com")
    response = post_form(client, f"/t/{topic_id}/reply", {"body": "Try the account page.",
                                                          "submit": "1"},
                         get_url=f"/t/{topic_id}/reply")
    assert response.status_code == 302
    assert [n for _, n, _ in posts_of(app, topic_id)] == [1, 2]
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        assert topic.reply_count == 1 and topic.last_poster_id == bob.id
        assert db.session.get(ForumCategory, forum.general).post_count == 2
        # Alice watches her topic: she hears about the reply.
        kinds = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == alice.id)).all()
        assert kinds == ["forum_reply"]


def test_quote_prefills_the_reply_with_the_quoted_post(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general, body="Line one\nLine two")
    with app.app_context():
        first = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id))
    as_member(client, "bob@example.com")
    page = text(client.get(f"/t/{topic_id}/reply?quote={first}"))
    assert "@alice" in page and "&gt; Line one" in page and "&gt; Line two" in page


def test_mention_notifies_the_member_once_and_links_the_profile(app, client, forum):
    alice, bob, carol = people(app, "alice", "bob", "carol")
    topic_id = new_topic(app, alice.id, forum.general)
    post_id = new_reply(app, bob.id, topic_id, "Hey @carol and @nobody, any idea? `@alice`")
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert '<a class="mention" href="/u/carol">@carol</a>' in post.body_html
        assert "@nobody" in post.body_html and 'href="/u/nobody"' not in post.body_html
        rows = db.session.execute(sa.select(Notification.user_id, Notification.kind)).all()
    # Carol: the mention; Alice (watching her topic): the reply, once, not a mention
    # (the @alice inside code is not a mention).
    assert sorted(rows) == sorted([(carol.id, "mention"), (alice.id, "forum_reply")])


def test_edit_keeps_the_previous_version_with_who_and_when(app, client, forum):
    (alice,) = people(app, "alice")
    topic_id = new_topic(app, alice.id, forum.general, title="Original title here",
                         body="First version")
    with app.app_context():
        post_id = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id))
    as_member(client, "alice@example.com")
    response = post_form(client, f"/p/{post_id}/edit", {
        "title": "Better title for it", "body": "Second version", "submit": "1"})
    assert response.status_code == 302
    history = text(client.get(f"/p/{post_id}/history"))
    assert "First version" in history and "Second version" in history
    assert "Original title here" in history and "Alice Doe" in history
    with app.app_context():
        revision = db.session.scalar(sa.select(PostRevision))
        assert (revision.editor_id, revision.body_md) == (alice.id, "First version")
        assert db.session.get(Topic, topic_id).title == "Better title for it"


def test_only_the_author_or_a_moderator_may_edit(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    with app.app_context():
        post_id = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id))
    as_member(client, "bob@example.com")
    assert client.get(f"/p/{post_id}/edit").status_code == 403
    client.get("/logout")
    mod = app.test_client()
    as_member(mod, "mo@example.com")
    assert mod.get(f"/p/{post_id}/edit").status_code == 200


def test_soft_delete_keeps_the_number_and_hides_the_text(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    post_id = new_reply(app, bob.id, topic_id, "Regrettable words")
    as_member(client, "bob@example.com")
    response = act(client, f"/p/{post_id}/delete", f"/t/{topic_id}")
    assert response.status_code == 302
    page = text(client.get(f"/t/{topic_id}", follow_redirects=True))
    assert "Regrettable words" not in page and "This post was deleted." in page
    with app.app_context():
        assert db.session.get(Topic, topic_id).reply_count == 0
        assert db.session.get(Post, post_id).deleted_by_id == bob.id


def test_another_member_cannot_delete_a_post(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    with app.app_context():
        post_id = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id))
    as_member(client, "bob@example.com")
    assert act(client, f"/p/{post_id}/delete", f"/t/{topic_id}").status_code == 403


def test_unverified_member_cannot_post(app, client, forum):
    from tests.conftest import make_user
    make_user(app, "Una Verified", "una@example.com", verified=False)
    as_member(client, "una@example.com")
    response = client.get("/forums/new")
    assert response.status_code == 302 and "/settings" in response.headers["Location"]


def test_a_locked_topic_refuses_replies(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    with app.app_context():
        db.session.get(Topic, topic_id).locked = True
        db.session.commit()
    as_member(client, "bob@example.com")
    response = post_form(client, f"/t/{topic_id}/reply", {"body": "Let me in", "submit": "1"})
    assert "closed to new replies" in text(response)
    assert len(posts_of(app, topic_id)) == 1


def test_post_without_csrf_is_rejected(app, client, forum):
    (alice,) = people(app, "alice")
    topic_id = new_topic(app, alice.id, forum.general)
    as_member(client, "alice@example.com")
    response = client.post(f"/t/{topic_id}/reply", data={"body": "no token", "submit": "1"})
    assert response.status_code == 400
    assert len(posts_of(app, topic_id)) == 1


def test_export_holds_the_posts_and_deletion_signs_them_deleted_member(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general, title="Data export question",
                         body="My words")
    as_member(client, "alice@example.com")
    act(client, f"/t/{topic_id}/watch", f"/t/{topic_id}", level="watching")
    with app.app_context():
        from community.accounts.data import delete_account, export_member_data
        from community.accounts.models import User
        from community.forums.models import Watch
        user = db.session.get(User, alice.id)
        exported = export_member_data(user)
        assert [p["text"] for p in exported["forum_posts"]] == ["My words"]
        assert exported["forum_watches"][0]["topic_id"] == topic_id
        delete_account(user)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Watch).where(
            Watch.user_id == alice.id)) == 0
    page = text(app.test_client().get(f"/t/{topic_id}", follow_redirects=True))
    assert "My words" in page and "deleted member" in page and "Alice Doe" not in page
