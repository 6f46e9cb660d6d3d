"""A profile's recent activity (issue #15): topics, replies, ideas and reviews the READER may
see: nothing from a restricted category or a private group they are not in, nothing hidden
(except to its author and the moderators, marked "Hidden"), nothing deleted; bounded queries."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from community.accounts import profiles
from community.accounts.models import User
from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import admin, moderate
from community.forums import service as forums
from community.forums.models import ForumCategory, Post, Topic
from community.groups.membership import GROUPS as groups
from community.ideas import service as ideas
from community.reviews import service as reviews
from community.reviews.models import Product
from tests.conftest import make_user
from tests.forums.conftest import as_member, forum, new_reply, new_topic, people  # noqa: F401 (fixture)
from tests.helpers import queries_for, text

SEEN_BY_ALL = ["Open topic title", "Reply in the open", "A public idea", "A fair review"]
CLUB = "Club members topic"
GROUP = "Private group topic"
HIDDEN = ["Hidden topic title", "Hidden reply topic", "A hidden review"]
GONE = "Deleted reply topic"


@pytest.fixture
def owner(app, forum, moderator):  # noqa: F811
    """Alice, in the Acme club and a private group, with something of every kind."""
    alice, bob, dave = people(app, "alice", "bob", "dave")
    with app.app_context():
        club = clubs.find("acme")
        clubs.add(club, alice.id)
        clubs.add(club, dave.id)
        group = groups.create("Paris alumni", "paris")
        category = admin.create_category("Paris meetups", slug="paris-meetups", group=group)
        groups.add(group, alice.id)
        db.session.commit()
        group_category = category.id
    new_topic(app, alice.id, forum.general, title="Open topic title")
    other = new_topic(app, bob.id, forum.general, title="Reply in the open")
    new_reply(app, alice.id, other, "I agree with this.")
    new_topic(app, alice.id, forum.club, title=CLUB)
    new_topic(app, alice.id, group_category, title=GROUP)
    hidden_topic = new_topic(app, alice.id, forum.general, title="Hidden topic title")
    hidden_reply_topic = new_topic(app, bob.id, forum.general, title="Hidden reply topic")
    hidden_reply = new_reply(app, alice.id, hidden_reply_topic, "Buy my stuff")
    gone_topic = new_topic(app, bob.id, forum.general, title=GONE)
    gone_reply = new_reply(app, alice.id, gone_topic, "Oops, wrong thread")
    with app.app_context():
        mo = db.session.scalar(sa.select(User).where(User.email == "mo@example.com"))
        author = db.session.get(User, alice.id)
        moderate.set_flag(mo, db.session.get(Topic, hidden_topic), "hidden", True, "spam")
        moderate.hide_post(mo, db.session.get(Post, hidden_reply), True, "ads")
        forums.delete_post(author, db.session.get(Post, gone_reply))
        ideas.create_idea(author, "A public idea", "Make exports faster please.", None, [])
        product = Product(name="Cercle Cloud", slug="cloud", launched_on=date(2024, 1, 1))
        other_product = Product(name="Cercle Desk", slug="desk", launched_on=date(2024, 1, 1))
        db.session.add_all([product, other_product])
        db.session.flush()
        reviews.write_review(author, product, 4, "A fair review", "Works well for us.",
                             date(2024, 6, 1))
        hidden = reviews.write_review(author, other_product, 1, "A hidden review",
                                      "Terrible, do not buy.", date(2024, 6, 1))
        reviews.hide_review(mo, hidden.id, "Rating a competitor")
        db.session.commit()
    return alice


def _activity(client) -> str:
    page = text(client.get("/u/alice"))
    assert 'id="activity-heading"' in page, page
    return page.split('id="activity-heading"', 1)[1].split("</section>", 1)[0]


def _reader(app, email=None):
    client = app.test_client()
    return as_member(client, email) if email else client


@pytest.mark.parametrize("email", [None, "bob@example.com"])
def test_visitors_and_members_see_only_what_they_may(app, owner, email):
    shown = _activity(_reader(app, email))
    for title in SEEN_BY_ALL:
        assert title in shown, title
    for title in [CLUB, GROUP, GONE, *HIDDEN]:
        assert title not in shown, title
    assert "Hidden" not in shown


def test_a_club_member_sees_the_club_topic_but_not_the_private_group(app, owner):
    shown = _activity(_reader(app, "dave@example.com"))
    assert CLUB in shown and GROUP not in shown


def test_the_author_sees_their_hidden_items_marked_and_nothing_deleted(app, owner):
    shown = _activity(_reader(app, "alice@example.com"))
    for title in [*SEEN_BY_ALL, CLUB, GROUP, *HIDDEN]:
        assert title in shown, title
    assert GONE not in shown
    assert shown.count('<span class="badge badge-hidden">Hidden</span>') == len(HIDDEN)


def test_moderators_see_hidden_items_too(app, owner):
    shown = _activity(_reader(app, "mo@example.com"))
    for title in [*SEEN_BY_ALL, CLUB, GROUP, *HIDDEN]:
        assert title in shown, title
    assert GONE not in shown


def test_items_link_to_what_they_name_newest_first(app, owner):
    with app.test_request_context():
        items = profiles.recent_activity(db.session.get(User, owner.id), None)
    assert [i.title for i in items][:2] == ["A fair review", "A public idea"]
    assert items[0].url.startswith("/reviews/") and items[1].url.startswith("/ideas/")
    assert all(a.at >= b.at for a, b in zip(items, items[1:], strict=False))
    replies = [i for i in items if i.what == "Replied to"]
    assert replies and all(i.url.startswith("/p/") for i in replies)


def test_the_list_is_capped_and_its_queries_bounded(app, forum):  # noqa: F811
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, bob.id, forum.general, title="Busy thread")
    new_reply(app, alice.id, topic_id, "First")
    few = queries_for(app, app.test_client(), "/u/alice")
    for n in range(profiles.ACTIVITY_SHOWN + 5):
        new_reply(app, alice.id, topic_id, f"Reply {n}")
        new_topic(app, alice.id, forum.general, title=f"Topic number {n}")
    assert queries_for(app, app.test_client(), "/u/alice") == few
    shown = _activity(app.test_client())
    assert shown.count("<li>") == profiles.ACTIVITY_SHOWN


def test_a_member_with_no_activity_says_so(app, member):
    page = text(app.test_client().get("/u/alice-martin"))
    assert "Nothing to show yet." in page


def test_a_category_moved_to_staff_only_leaves_the_activity(app, owner, forum):  # noqa: F811
    make_user(app, "Carol Doe", "carol@example.com", handle="carol")
    with app.app_context():
        topic = db.session.scalar(sa.select(Topic).where(Topic.title == "Open topic title"))
        topic.category_id = db.session.scalar(sa.select(ForumCategory.id).where(
            ForumCategory.staff_only.is_(True)))
        db.session.commit()
    assert "Open topic title" not in _activity(_reader(app, "carol@example.com"))


def test_the_author_is_not_offered_a_reply_in_someone_elses_hidden_topic(app, forum, moderator):  # noqa: F811
    """The author opens their own hidden topic, not another's: no dead link in the list."""
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, bob.id, forum.general, title="Bob's hidden thread")
    new_reply(app, alice.id, topic_id, "My answer there")
    with app.app_context():
        mo = db.session.scalar(sa.select(User).where(User.email == "mo@example.com"))
        moderate.set_flag(mo, db.session.get(Topic, topic_id), "hidden", True, "spam")
        db.session.commit()
    assert "Bob&#39;s hidden thread" not in _activity(_reader(app, "alice@example.com"))
    assert "Bob&#39;s hidden thread" in _activity(_reader(app, "mo@example.com"))
