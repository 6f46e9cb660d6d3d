"""Questions, accepted answers, the unanswered list, the FAQ, helpful marks and top helpers."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.forums.models import FaqEntry, Topic
from community.notify.models import Notification
from tests.conftest import make_user
from tests.forums.conftest import OLD, act, as_member, new_reply, new_topic, people
from tests.helpers import post_form, text


def _question(app, forum):
    alice, bob, carol = people(app, "alice", "bob", "carol")
    topic_id = new_topic(app, alice.id, forum.general, title="How do I reset my API key?",
                         body="The old one leaked.", question=True)
    answer_id = new_reply(app, bob.id, topic_id, "Open **Settings → API** and press Rotate.")
    return alice, bob, carol, topic_id, answer_id


def test_the_asker_accepts_an_answer_and_the_answerer_hears_of_it(app, client, forum):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "alice@example.com")
    response = act(client, f"/p/{answer_id}/accept", f"/t/{topic_id}")
    assert response.status_code == 302
    page = text(client.get(f"/t/{topic_id}", follow_redirects=True))
    assert "Accepted answer" in page and "Solved" in page
    with app.app_context():
        assert db.session.get(Topic, topic_id).accepted_post_id == answer_id
        kinds = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == bob.id)).all()
        assert "accepted" in kinds


def test_another_member_cannot_accept(app, client, forum):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "carol@example.com")
    act(client, f"/p/{answer_id}/accept", f"/t/{topic_id}")
    with app.app_context():
        assert db.session.get(Topic, topic_id).accepted_post_id is None


def test_staff_may_accept(app, client, forum, product):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "pat@example.com")
    act(client, f"/p/{answer_id}/accept", f"/t/{topic_id}")
    with app.app_context():
        assert db.session.get(Topic, topic_id).accepted_post_id == answer_id


def test_unanswered_questions_are_listed_for_the_team_only(app, client, forum, moderator):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    new_topic(app, carol.id, forum.general, title="Discussion, not a question")
    as_member(client, "carol@example.com")
    assert client.get("/forums/unanswered").status_code == 403
    team = app.test_client()
    as_member(team, "mo@example.com")
    page = text(team.get("/forums/unanswered"))
    assert "How do I reset my API key?" in page and "Discussion, not a question" not in page
    act(team, f"/p/{answer_id}/accept", f"/t/{topic_id}")
    assert "How do I reset my API key?" not in text(team.get("/forums/unanswered"))


def test_staff_promote_an_accepted_answer_to_the_public_faq(app, client, forum, product):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "alice@example.com")
    act(client, f"/p/{answer_id}/accept", f"/t/{topic_id}")
    as_member(client, "carol@example.com")
    assert client.get(f"/p/{answer_id}/faq").status_code == 403
    team = app.test_client()
    as_member(team, "pat@example.com")
    response = post_form(team, f"/p/{answer_id}/faq", {
        "question": "How do I rotate an API key?", "answer": "Settings → API → Rotate.",
        "category": str(forum.general)})
    assert response.status_code == 302
    faq = text(app.test_client().get("/faq"))
    assert "How do I rotate an API key?" in faq and f"/t/{topic_id}" in faq
    with app.app_context():
        entry = db.session.scalar(sa.select(FaqEntry))
        assert (entry.post_id, entry.topic_id) == (answer_id, topic_id)
    # the FAQ is searchable
    found = text(app.test_client().get("/search?q=rotate"))
    assert "How do I rotate an API key?" in found


def test_an_answer_that_is_not_accepted_cannot_join_the_faq(app, client, forum, product):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "pat@example.com")
    response = post_form(client, f"/p/{answer_id}/faq", {
        "question": "How do I rotate an API key?", "answer": "Rotate it.",
        "category": str(forum.general)})
    assert response.status_code == 200
    assert "Only an accepted answer can become a FAQ entry." in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqEntry)) == 0


def test_helpful_marks_count_on_the_profile_and_never_on_ones_own_post(app, client, forum):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    as_member(client, "alice@example.com")
    act(client, f"/p/{answer_id}/helpful", f"/t/{topic_id}")
    other = app.test_client()
    as_member(other, "carol@example.com")
    act(other, f"/p/{answer_id}/helpful", f"/t/{topic_id}")
    own = app.test_client()
    as_member(own, "bob@example.com")
    act(own, f"/p/{answer_id}/helpful", f"/t/{topic_id}")
    assert "2 helpful marks" in text(client.get("/u/bob"))
    visitor = text(app.test_client().get(f"/t/{topic_id}", follow_redirects=True))
    assert "2 members found this helpful" in visitor
    # a second click takes the mark back
    act(other, f"/p/{answer_id}/helpful", f"/t/{topic_id}")
    assert "1 helpful mark" in text(client.get("/u/bob"))


def test_top_helpers_are_listed_for_the_team_with_their_activity(app, client, forum):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    make_user(app, "Mia Mod", "mia@example.com", role=Role.MODERATOR, **OLD)
    as_member(client, "alice@example.com")
    act(client, f"/p/{answer_id}/helpful", f"/t/{topic_id}")
    assert client.get("/forums/helpers").status_code == 403
    team = app.test_client()
    as_member(team, "mia@example.com")
    page = text(team.get("/forums/helpers"))
    assert "Bob Doe" in page and "Carol Doe" not in page


def test_the_faq_search_box_searches_the_faq_only(app, client, forum, product):
    alice, bob, carol, topic_id, answer_id = _question(app, forum)
    with app.app_context():
        from community.accounts.models import User
        from community.forums import qa
        from community.forums.models import Post
        post = db.session.get(Post, answer_id)
        qa.accept_answer(db.session.get(User, alice.id), post)
        qa.promote_to_faq(db.session.get(User, product.id), post, "Rotate an API key, how?",
                          "Press **Rotate** in the settings.", post.topic.category)
        db.session.commit()
    everything = text(client.get("/search?q=rotate"))
    only_faq = text(client.get("/search?q=rotate&kind=faq"))
    assert "How do I reset my API key?" in everything
    assert "How do I reset my API key?" not in only_faq
    assert "Rotate an API key, how?" in only_faq
    assert "**" not in only_faq  # snippets are plain text, not Markdown
