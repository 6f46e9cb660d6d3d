"""The visitors' page cache (community/pagecache.py) and its freshness (community/freshness.py):
visitors' pages carry no cookie and are kept; every write a page shows makes the next visitor
get a fresh one; members never get a kept page and their pages are never kept; restricted
pages never reach a visitor; Redis works and its outage costs nothing but the cache."""

from __future__ import annotations

import re
import uuid

import pytest

from community import create_app, freshness, pagecache, registry
from community.accounts.models import User
from community.config import TestConfig
from community.extensions import db
from community.forums.models import ForumCategory
from community.ideas.models import Idea, Status
from community.roadmap.models import ChangelogEntry
from tests.conftest import dispose, file_app, login
from tests.core import home_world
from tests.core.home_world import RESTRICTED
from tests.helpers import post_form, statements_run, text
from tests.requirements import REDIS_URL, redis_problem, require

CACHE = pagecache.HEADER


@pytest.fixture
def world(app):
    return home_world.build(app)


def link(client, page: str, pattern: str) -> str:
    found = re.search(pattern, text(client.get(page)))
    assert found, (page, pattern)
    return found.group(1)


def public_pages(client) -> list[str]:
    """Every main public page, its items found by following links as a visitor would."""
    topic = link(client, "/c/general", r'href="(/t/\d+[^"#?]*)"')
    idea = link(client, "/ideas", r'href="(/ideas/\d+[^"#?]*)"')
    group = link(client, "/groups", r'href="(/groups/lyon-users)"')
    return ["/", "/forums", "/c/general", topic, "/faq", "/ideas", "/ideas?sort=new", idea,
            "/ideas/ranking", "/search?q=exports", "/roadmap", "/changelog", "/groups", group,
            "/clubs", "/u/bob", "/trust"]


def test_visitors_get_no_cookie_and_no_form_token_on_any_public_page(app, client, world):
    for page in public_pages(client):
        fresh = app.test_client()
        for attempt in ("first", "second"):
            response = fresh.get(page)
            assert response.status_code == 200, page
            assert "Set-Cookie" not in response.headers, (page, attempt)
            assert 'name="csrf_token"' not in text(response), (page, attempt)
        assert response.headers.get(CACHE) == "hit", page  # kept: every visitor's page


def test_a_kept_page_runs_no_query_and_is_the_same_page(app, client, world):
    first = client.get("/forums")
    with statements_run(app) as seen:
        second = client.get("/forums")
    assert seen == [] and second.headers[CACHE] == "hit"
    assert second.data == first.data
    assert second.headers["Content-Security-Policy"]  # the security headers are still set


def test_a_reply_refreshes_the_topic_and_its_category(app, client, world):
    topic_page = link(client, "/c/general", r'href="(/t/\d+[^"#?]*)"')
    topic_id = int(re.search(r"/t/(\d+)", topic_page).group(1))
    for page in (topic_page, "/c/general", "/forums"):
        client.get(page)
        assert client.get(page).headers[CACHE] == "hit"
    member = app.test_client()
    login(member, "alice@example.com")
    answer = post_form(member, f"/t/{topic_id}/reply",
                       {"body": "Settings, then Export, then wait."}, get_url=topic_page)
    assert answer.status_code in (302, 303), text(answer)
    assert "Settings, then Export, then wait." in text(client.get(topic_page))
    for page in (topic_page, "/c/general", "/forums"):
        assert client.get(page).headers[CACHE] != "hit" or page == topic_page


def test_a_vote_and_a_status_change_refresh_the_idea_pages(app, client, world):
    idea_page = link(client, "/ideas", r'href="(/ideas/(\d+)[^"#?]*)"')
    idea_id = int(re.search(r"/ideas/(\d+)", idea_page).group(1))
    with app.app_context():
        before = db.session.get(Idea, idea_id).vote_count
    client.get(idea_page)
    client.get("/ideas")
    assert client.get(idea_page).headers[CACHE] == "hit"
    home_world.vote(app, world.ids["gina"], idea_id)
    page = client.get(idea_page)
    assert page.headers[CACHE] == "miss"
    assert f"{before + 1} votes" in text(page)
    assert client.get("/ideas").headers[CACHE] == "miss"
    home_world.move(app, world.ids["pat"], idea_id, Status.UNDER_REVIEW)
    page = client.get(idea_page)
    assert page.headers[CACHE] == "miss" and "Under review" in text(page)


def test_a_moderation_action_takes_the_post_off_the_kept_page(app, client, world):
    topic_page = link(client, "/c/general", r'href="(/t/\d+[^"#?]*)"')
    topic_id = int(re.search(r"/t/(\d+)", topic_page).group(1))
    post_id = home_world.reply(app, world.ids["carl"], topic_id, "Buy cheap watches today")
    assert "Buy cheap watches today" in text(client.get(topic_page))
    assert client.get(topic_page).headers[CACHE] == "hit"
    with app.app_context():
        moderator = db.session.get(User, world.ids["mo"])
        registry.table("moderation_subjects")["post"].hide(moderator, post_id, "spam")
        db.session.commit()
    assert "Buy cheap watches today" not in text(client.get(topic_page))


def test_a_rolled_back_write_keeps_the_page(app, client, world):
    client.get("/changelog")
    with app.app_context():
        db.session.add(ChangelogEntry(title="Never published", members_only=False))
        db.session.flush()
        db.session.rollback()
    assert client.get("/changelog").headers[CACHE] == "hit"


def test_each_language_has_its_own_copy(app, client, world):
    english = client.get("/ideas")
    assert english.headers[CACHE] == "miss" and 'lang="en"' in text(english)
    switched = client.get("/language?lang=fr&next=/ideas")
    assert switched.status_code == 302
    french = client.get("/ideas")  # the language cookie now says French
    assert french.headers[CACHE] == "miss" and 'lang="fr"' in text(french)
    assert client.get("/ideas").headers[CACHE] == "hit"
    by_header = app.test_client().get("/ideas", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert by_header.headers[CACHE] == "hit" and 'lang="fr"' in text(by_header)
    assert 'lang="en"' in text(app.test_client().get("/ideas"))


def test_members_never_get_a_kept_page_and_theirs_are_never_kept(app, client, world):
    assert client.get("/").headers[CACHE] == "miss"
    member = app.test_client()
    login(member, "gina@example.com")  # in the private club and the private group
    for _ in range(2):
        page = member.get("/")
        assert CACHE not in page.headers
        assert RESTRICTED["group_topic"] in text(page)  # her own home, not the landing page
    club_page = member.get("/clubs/acme-insiders")
    assert club_page.status_code == 200 and CACHE not in club_page.headers
    visitor = app.test_client()
    for page in ("/", "/clubs/acme-insiders", "/groups/secret-garden-circle", "/c/team-room"):
        answer = visitor.get(page)
        for secret in RESTRICTED.values():
            assert secret not in text(answer), (page, secret)
        assert answer.headers.get(CACHE) != "hit" or page == "/"


def test_a_restricted_page_never_reaches_a_visitor_through_the_cache(app, client, world):
    gina, ada = app.test_client(), app.test_client()
    login(gina, "gina@example.com")  # in the private club and the private group
    login(ada, "ada@example.com")  # an admin: the staff-only category
    with app.app_context():
        club_room = db.session.get(ForumCategory,
                                   home_world.club_category(app, "acme-insiders")).slug
    pages = {f"/c/{club_room}": ("Acme club internal roadmap", gina),
             "/groups/secret-garden-circle": ("Garden circle private dinner", gina),
             "/c/team-room": (RESTRICTED["staff"], ada)}
    for page, (secret, reader) in pages.items():
        assert secret in text(reader.get(page))
    for page, (secret, _reader) in pages.items():
        for _ in range(2):  # a visitor's teaser or refusal may be kept: it is every visitor's
            answer = client.get(page)
            assert secret not in text(answer), page
            assert "Set-Cookie" not in answer.headers
    assert client.get("/settings").headers.get(CACHE) is None  # a log-in redirect


def two_workers(make_app, backend, tmp_path, **overrides):
    """Two apps on one database, as two gunicorn workers (an SQLite file, not memory)."""
    if backend == "sqlite":
        first = file_app(tmp_path / "shared.db", **overrides)
    else:
        first = make_app(**overrides)
    home_world.build(first)
    second = create_app(TestConfig(first.config["SQLALCHEMY_DATABASE_URI"], **overrides))
    return first, second


def test_two_workers_share_the_stamps_without_redis(make_app, backend, tmp_path):
    """A write through one worker expires the page the other kept, though each keeps its
    pages in its own memory: the stamps are in a file both map."""
    first, second = two_workers(make_app, backend, tmp_path)
    assert isinstance(freshness.stamps(second), freshness.FileStamps)
    reader = second.test_client()
    reader.get("/changelog")
    assert reader.get("/changelog").headers[CACHE] == "hit"
    with first.app_context():
        db.session.add(ChangelogEntry(title="Shipped through the other worker",
                                      members_only=False))
        db.session.commit()
    assert "Shipped through the other worker" in text(reader.get("/changelog"))
    dispose(second)


def test_with_redis_pages_and_stamps_are_shared(make_app, backend, tmp_path):
    require(redis_problem() is None, redis_problem() or "")
    first, second = two_workers(make_app, backend, tmp_path, REDIS_URL=REDIS_URL)
    assert isinstance(freshness.stamps(first), freshness.RedisStamps)
    path = f"/changelog?redis-test={uuid.uuid4().hex}"  # a key no earlier run left in Redis
    assert first.test_client().get(path).headers[CACHE] == "miss"
    assert second.test_client().get(path).headers[CACHE] == "hit"  # kept by the other
    with second.app_context():
        db.session.add(ChangelogEntry(title="Shipped while Redis keeps pages",
                                      members_only=False))
        db.session.commit()
    page = first.test_client().get(path)
    assert page.headers[CACHE] == "miss" and "Shipped while Redis keeps pages" in text(page)
    dispose(second)


def test_a_redis_outage_only_costs_the_cache(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    home_world.build(app)
    client = app.test_client()
    for _ in range(2):
        page = client.get("/ideas")
        assert page.status_code == 200 and CACHE not in page.headers
    assert "Dark mode everywhere" in text(page)


def test_a_new_topic_shows_in_a_kept_search_at_once(app, client, world):
    """The search page keeps its results twice (the search cache, then the page cache): a
    new document expires both."""
    assert "Lighthouse keepers unite" not in text(client.get("/search?q=lighthouse"))
    # Another address, the same search: the page is rendered from the kept results.
    assert "Lighthouse keepers unite" not in text(client.get("/search?q=LIGHTHOUSE"))
    assert client.get("/search?q=LIGHTHOUSE").headers[CACHE] == "hit"
    home_world.topic(app, world.ids["bob"], world.general, "Lighthouse keepers unite")
    for address in ("/search?q=lighthouse", "/search?q=LIGHTHOUSE"):
        assert "Lighthouse keepers unite" in text(client.get(address)), address


def test_a_lost_redis_stamps_hash_serves_nothing_kept_before(make_app, backend, tmp_path):
    """Redis restarted without persistence (or the hash evicted): stamps start a new epoch,
    and no page kept before the loss is served after it."""
    require(redis_problem() is None, redis_problem() or "")
    first, second = two_workers(make_app, backend, tmp_path, REDIS_URL=REDIS_URL)
    path = f"/changelog?epoch-test={uuid.uuid4().hex}"
    assert first.test_client().get(path).headers[CACHE] == "miss"
    assert second.test_client().get(path).headers[CACHE] == "hit"
    freshness.stamps(first).client.delete(freshness.RedisStamps.KEY)
    assert first.test_client().get(path).headers[CACHE] == "miss"
    dispose(second)


def test_kept_pages_are_never_kept_by_a_shared_cache(app, client, world):
    for _ in range(2):
        response = client.get("/forums")
        assert "private" in response.headers["Cache-Control"]
        assert {"Cookie", "Accept-Language"} <= set(response.vary)
