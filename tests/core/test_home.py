"""The home page per role (issue #15): what each reader sees, and that nothing restricted leaks
to someone who may not see it; "new since your last visit"; the visitors' landing page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.core import home_world
from tests.core.home_world import PUBLIC_ITEMS, RESTRICTED
from tests.helpers import statements_run, text

# What each role sees on the home page, and which restricted items it must never see.
SEES = {
    "alice": ("Open topic about exports", "How do I reset my password", "Dark mode everywhere",
              "Export to spreadsheet", "Public shipped feature", "Members shipped feature"),
    "gina": ("Garden circle private chat", "Garden circle private dinner",
             "Acme club internal roadmap", "Acme Insiders published its ballot",
             "Members shipped feature", "Open topic about exports"),
    "mo": ("Staff only launch plan", "Open topic about exports"),
    "pat": ("Open topic about exports", "Acme Insiders published its ballot"),
    "ada": ("Staff only launch plan", "Open topic about exports"),
}
NEVER = {
    "alice": ("staff", "club", "club_ballot", "group_topic", "group_event"),
    "gina": ("staff",),
    "mo": ("club_ballot", "group_topic", "group_event"),
    "pat": ("group_topic", "group_event"),
    "ada": ("group_topic", "group_event", "club_ballot"),
}


def home_of(client, name: str | None) -> str:
    if name is not None:
        assert login(client, f"{name}@example.com").status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    return text(response)


def test_a_visitor_sees_the_landing_page_with_public_activity_only(app, client):
    home_world.build(app)
    page = home_of(client, None)
    assert "Join the community" in page and "What is happening here" in page
    for item in PUBLIC_ITEMS:
        assert item in page, item
    for kind, item in RESTRICTED.items():
        assert item not in page, kind


@pytest.mark.parametrize("name", sorted(SEES))
def test_each_role_sees_what_it_may_and_nothing_restricted(app, client, name):
    home_world.build(app)
    page = home_of(client, name)
    assert "Join the community" not in page and "Welcome, " in page
    for item in SEES[name]:
        assert item in page, item
    for kind in NEVER[name]:
        assert RESTRICTED[kind] not in page, kind


def test_a_followed_idea_shows_its_new_status_and_trending_ideas_their_votes(app, client):
    home_world.build(app)
    page = home_of(client, "alice")
    followed = page.split('id="home-ideas-followed"')[1].split("</section>")[0]
    assert "Export to spreadsheet" in followed and "Planned" in followed
    trending = page.split('id="home-ideas-trending"')[1].split("</section>")[0]
    assert "Dark mode everywhere" in trending and "1 vote" in trending


def test_leaving_a_club_or_group_takes_its_news_off_the_home(app, client):
    world = home_world.build(app)
    with app.app_context():
        from community.clubs.membership import CLUBS
        from community.groups.membership import GROUPS

        CLUBS.remove(CLUBS.find("acme-insiders"), world.ids["gina"])
        GROUPS.remove(GROUPS.find("secret-garden-circle"), world.ids["gina"])
        db.session.commit()
    page = home_of(client, "gina")
    for kind in ("club", "club_ballot", "group_topic", "group_event"):
        assert RESTRICTED[kind] not in page, kind


def test_muted_categories_and_ones_own_last_posts_are_not_news(app, client):
    world = home_world.build(app)
    assert "Open topic about exports" in home_of(client, "alice")
    with app.app_context():
        from community.forums import service
        from community.forums.models import ForumCategory, WatchLevel

        service.watch(db.session.get(User, world.ids["alice"]),
                      category=db.session.get(ForumCategory, world.general),
                      level=WatchLevel.MUTED)
        db.session.commit()
    new = text(client.get("/")).split('id="home-forums-new"')[1].split("</section>")[0]
    assert "Open topic about exports" not in new


def _set_visit(app, user_id, *, last_seen=None, previous=None):
    with app.app_context():
        user = db.session.get(User, user_id)
        user.last_seen_at, user.previous_visit_at = last_seen, previous
        db.session.commit()


def _visit(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.last_seen_at, user.previous_visit_at


def test_what_is_new_is_counted_from_the_previous_visit(app, client):
    world = home_world.build(app)
    alice, bob = world.ids["alice"], world.ids["bob"]
    older = home_world.topic(app, bob, world.general, "Two days old discussion")
    home_world.age(app, older, 2)
    first = home_of(client, "alice")  # a first visit: the last seven days
    assert "What happened in the last seven days" in first
    assert "Two days old discussion" in first
    last_seen, previous = _visit(app, alice)
    assert last_seen is not None and previous is None
    # Three hours without a request: the next one starts a new visit.
    _set_visit(app, alice, last_seen=utcnow() - timedelta(hours=3))
    fresh = home_world.topic(app, bob, world.general, "Brand new discussion")
    page = text(client.get("/"))
    new = page.split('id="home-forums-new"')[1].split("</section>")[0]
    assert "Brand new discussion" in new and "Two days old discussion" not in new
    assert "What is new since your last visit" in page
    # A reply since the previous visit to an older topic counts as news, marked as such.
    home_world.reply(app, bob, older, "Coming back to this one")
    new = text(client.get("/")).split('id="home-forums-new"')[1].split("</section>")[0]
    assert "Two days old discussion" in new and "1 new reply" in new
    assert fresh


def test_a_visit_goes_on_while_requests_come_within_the_hour(app, client):
    world = home_world.build(app)
    alice = world.ids["alice"]
    home_of(client, "alice")
    started = utcnow() - timedelta(minutes=90)
    earlier = utcnow() - timedelta(days=1)
    _set_visit(app, alice, last_seen=started, previous=earlier)
    client.get("/")  # 90 minutes: noted again, but the same visit
    last_seen, previous = _visit(app, alice)
    assert last_seen > started and previous == earlier
    with statements_run(app) as seen:  # within the hour: no write at all
        client.get("/")
        client.get("/forums")
    assert not [s for s in seen if s.lstrip().upper().startswith("UPDATE USERS")]
    assert _visit(app, alice) == (last_seen, previous)


def test_a_visitor_request_writes_nothing(app, client):
    home_world.build(app)
    with statements_run(app) as seen:
        client.get("/")
    writes = ("INSERT", "UPDATE", "DELETE")
    assert seen and not [s for s in seen if s.lstrip().upper().startswith(writes)]


def test_an_empty_site_says_so_honestly(app, client):
    make_user(app)
    page = home_of(client, None)
    assert "Nothing has been posted yet" in page
    assert "Latest discussions" not in page and "Trending ideas" not in page
    member_page = home_of(client, "alice")
    assert "Nothing new in your categories since your last visit" in member_page


def test_the_landing_page_is_kept_for_visitors_until_a_new_topic(app, client):
    world = home_world.build(app)
    assert "Late public topic" not in home_of(client, None)
    assert client.get("/").headers["X-Cercle-Cache"] == "hit"  # the kept copy
    home_world.topic(app, world.ids["bob"], world.general, "Late public topic")
    assert "Late public topic" in home_of(client, None)


def test_the_member_home_fits_a_deleted_last_poster(app, client):
    world = home_world.build(app)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == world.ids["bob"])
                           .values(deleted_at=utcnow(), display_name=None))
        db.session.commit()
    assert "Open topic about exports" in home_of(client, "alice")
