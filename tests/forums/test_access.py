"""Restricted categories never leak: not in lists, topics, permalinks, search, feeds, FAQ,
profiles or notifications, to visitors or to members outside the club."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import admin, qa
from community.forums.models import Post
from community.groups.membership import GROUPS as groups
from community.notify.models import Notification
from tests.conftest import make_user
from tests.forums.conftest import as_member, new_reply, new_topic, people
from tests.helpers import post_form, text

SECRET = "Quarterly pricing zeppelin"


@pytest.fixture
def secret(app, forum):
    """A question in the Acme club's category, answered, accepted and in the FAQ."""
    alice, bob = people(app, "alice", "bob")  # Alice and Bob are in the club
    (outsider,) = people(app, "eve")
    with app.app_context():
        club = clubs.find("acme")
        from community.accounts.models import User
        for user in (alice, bob):
            clubs.add(club, user.id, organisation="Acme Corp")
        db.session.commit()
    topic_id = new_topic(app, alice.id, forum.club, title=f"{SECRET} question",
                         body=f"What about the {SECRET}?", question=True)
    answer_id = new_reply(app, bob.id, topic_id, f"The {SECRET} answer, @eve")
    with app.app_context():
        from community.accounts.models import Role, User
        staff = User(handle="sam", display_name="Sam Staff", email="sam@example.com",
                     email_normalized="sam@example.com", password_hash="x", role=Role.ADMIN)
        db.session.add(staff)
        db.session.flush()
        post = db.session.get(Post, answer_id)
        qa.accept_answer(db.session.get(User, alice.id), post)
        qa.promote_to_faq(staff, post, f"{SECRET} FAQ", "Answer.", post.topic.category)
        db.session.commit()
    return {"topic": topic_id, "answer": answer_id, "outsider": outsider, "bob": bob}


def _pages(secret):
    return ["/forums", "/c/acme-club", f"/t/{secret['topic']}", f"/p/{secret['answer']}",
            f"/p/{secret['answer']}/history", "/faq", f"/search?q={SECRET.split()[1]}",
            "/feeds/forums.atom", "/feeds/forums.atom?category=acme-club", "/u/bob"]


def _leaks(client, secret) -> dict[str, int]:
    leaks = {}
    for url in _pages(secret):
        response = client.get(url, follow_redirects=True)
        if SECRET.lower() in text(response).lower() or "Acme club" in text(response):
            leaks[url] = response.status_code
    return leaks


def test_visitors_see_nothing_of_a_club_category(app, client, secret):
    assert _leaks(client, secret) == {}
    assert client.get(f"/t/{secret['topic']}").status_code == 404
    assert client.get("/c/acme-club").status_code == 404


def test_members_outside_the_club_see_nothing(app, client, secret):
    as_member(client, "eve@example.com")
    assert _leaks(client, secret) == {}
    assert client.get(f"/p/{secret['answer']}").status_code == 404


def test_club_members_see_it_everywhere(app, client, secret):
    as_member(client, "bob@example.com")
    for url in ("/forums", "/c/acme-club", f"/t/{secret['topic']}", "/faq",
                f"/search?q={SECRET.split()[1]}"):
        assert SECRET in text(client.get(url, follow_redirects=True)), url
    # the public feed stays public even for a club member
    assert SECRET not in text(client.get("/feeds/forums.atom"))


def test_profile_counts_only_what_the_reader_may_see(app, client, secret):
    assert "0 accepted answers" in text(client.get("/u/bob"))
    as_member(client, "alice@example.com")
    assert "1 accepted answer" in text(client.get("/u/bob"))


def test_a_mention_does_not_reach_a_member_outside_the_club(app, secret):
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == "mention")).all()
    assert secret["outsider"].id not in told


def test_staff_only_category_is_hidden_from_members(app, client, forum):
    (alice,) = people(app, "alice")
    from community.accounts.models import Role
    mod = make_user(app, "Mo Derator", "mo2@example.com", role=Role.MODERATOR)
    topic_id = new_topic(app, mod.id, forum.staff, title="Internal roadmap chat")
    as_member(client, "alice@example.com")
    assert client.get(f"/t/{topic_id}").status_code == 404
    assert "Internal roadmap chat" not in text(client.get("/forums"))
    assert client.get(f"/forums/new?category={forum.staff}").status_code == 200
    response = post_form(client, "/forums/new", {"title": "Sneaky topic here",
                                                 "category": str(forum.staff), "body": "x" * 5,
                                                 "submit": "1"})
    assert response.status_code == 422
    assert "Team room" not in text(client.get("/forums/new"))


def test_a_group_category_is_seen_by_its_members_only(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    with app.app_context():
        group = groups.create("Paris alumni", "paris")
        category = admin.create_category("Paris meetups", slug="paris-meetups", group=group)
        groups.add(group, alice.id)
        db.session.commit()
        category_id = category.id
    topic_id = new_topic(app, alice.id, category_id, title="Drinks near the Bastille")
    as_member(client, "bob@example.com")
    assert client.get(f"/t/{topic_id}").status_code == 404
    assert "Drinks near the Bastille" not in text(client.get("/search?q=bastille"))
    assert "Paris meetups" not in text(client.get("/forums"))
    member = app.test_client()
    as_member(member, "alice@example.com")
    assert "Drinks near the Bastille" in text(member.get("/search?q=bastille"))
    assert "Paris meetups" in text(member.get("/forums"))


def test_admins_add_and_restrict_categories_others_cannot(app, client, forum):
    from community.accounts.models import Role
    (alice,) = people(app, "alice")
    make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    as_member(client, "alice@example.com")
    assert client.get("/forums/categories").status_code == 403
    staff = app.test_client()
    as_member(staff, "ada@example.com")
    response = post_form(staff, "/forums/categories", {
        "name": "Beta testers", "slug": "", "description": "Early builds", "colour": "#aa3300",
        "position": "5", "audience": "staff"})
    assert response.status_code == 302
    with app.app_context():
        from community.forums.models import ForumCategory
        made = db.session.scalar(sa.select(ForumCategory).where(
            ForumCategory.slug == "beta-testers"))
        assert (made.staff_only, made.colour, made.position) == (True, "#aa3300", 5)
        made_id = made.id
    assert "Beta testers" not in text(client.get("/forums"))  # a member: not the team
    # The same address twice is refused by the database, with a message on the field.
    again = post_form(staff, "/forums/categories", {
        "name": "Beta again", "slug": "beta-testers", "colour": "#aa3300", "position": "1",
        "audience": "all"})
    assert again.status_code == 422 and "already uses this address" in text(again)
    opened = post_form(staff, f"/forums/categories/{made_id}", {
        "name": "Beta testers", "slug": "beta-testers", "colour": "#aa3300", "position": "5",
        "audience": "all"})
    assert opened.status_code == 302
    assert "Beta testers" in text(client.get("/forums"))
    bad = post_form(staff, "/forums/categories", {"name": "X", "colour": "red",
                                                  "audience": "nobody"})
    assert bad.status_code == 422 and "#3b6ea5" in text(bad)
