"""The search results cache (community/search/cache.py): a repeated search runs no search
query, what a member may see never reaches a visitor or another member, a removed document
leaves the cached results at once, Redis shares the cache between workers, and a Redis outage
only turns the cache off. Also the query counts of /search."""

import uuid

import pytest

from community.clubs.models import Club, ClubMember
from community.extensions import db
from community.forums.models import ForumCategory
from community.search import cache, service
from tests.conftest import dispose, file_app, login, make_user
from tests.helpers import statements_run, text
from tests.requirements import REDIS_URL, redis_problem, require

PUBLIC = "Invoices arrive late"
PRIVATE = "Acme invoices plan"


def _searches(statements: list[str]) -> list[str]:
    """The statements that ran a search (read the text index)."""
    return [s for s in statements if "search_fts" in s or "tsv @@" in s]


def _fill(app) -> dict:
    """An open category and a club's, each with a document about "invoices"; a club member
    (insider) and a member who is not in the club (outsider)."""
    author = make_user(app, "Iris Author", "iris@example.com")
    insider = make_user(app, "Ines Insider", "ines@example.com")
    make_user(app, "Oscar Outsider", "oscar@example.com")
    with app.app_context():
        club = Club(slug="acme", name="Acme")
        db.session.add(club)
        db.session.flush()
        db.session.add(ClubMember(club_id=club.id, user_id=insider.id))
        public = ForumCategory(slug="billing", name="Billing")
        private = ForumCategory(slug="acme-room", name="Acme room", club_id=club.id)
        db.session.add_all([public, private])
        db.session.flush()
        service.index_document("topic", 1, title=PUBLIC, body="My invoices arrive late.",
                               topic_id=1, category_id=public.id, author_id=author.id)
        service.index_document("topic", 2, title=PRIVATE, body="Internal: invoices change.",
                               topic_id=2, category_id=private.id, author_id=insider.id)
        db.session.commit()
        return {"public": public.id, "private": private.id}


@pytest.fixture
def site(app):
    app.config["PAGE_CACHE"] = False  # the visitors' page cache would answer before search
    return _fill(app)


def _client(app, email: str | None = None):
    client = app.test_client()
    if email:
        assert login(client, email).status_code == 302
    return client


def _search(app, client, url: str = "/search?q=invoices") -> tuple[str, list[str]]:
    with statements_run(app) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return text(response), list(seen)


def test_a_repeated_search_runs_no_search_query(app, site):
    visitor = _client(app)
    page, first = _search(app, visitor)
    assert PUBLIC in page and PRIVATE not in page
    assert len(_searches(first)) == 1
    for url in ("/search?q=invoices", "/search?q=INVOICES", "/search?q=invoice+the"):
        again, seen = _search(app, visitor, url)  # same terms once normalized
        assert _searches(seen) == [], url
        assert PUBLIC in again and "<mark>invoices</mark>" in again and PRIVATE not in again
    # Anything else that changes the answer is another entry.
    for url in ("/search?q=invoices&page=2", "/search?q=invoices&kind=topic",
                f"/search?q=invoices&category={site['public']}", "/search?q=invoices&solved=no",
                "/search?q=late"):
        assert len(_searches(_search(app, visitor, url)[1])) >= 1, url


def test_the_query_counts_of_a_search_are_bounded(app, site):
    """A visitor's search: the reader's categories, the search, its authors (SQLite: and
    BEGIN; PostgreSQL: the planner settings, and the newest id once a minute); the same search
    again: no search. A member adds loading them and their notifications."""
    visitor, member = _client(app), _client(app, "oscar@example.com")
    member.get("/search")  # the day's first visit records it (accounts): not search's cost
    counts = {}
    for who, client in (("visitor", visitor), ("member", member)):
        runs = [_search(app, client)[1] for _ in range(2)]
        assert len(_searches(runs[0])) == 1 and _searches(runs[1]) == [], who
        counts[who] = [len(run) for run in runs]
    assert counts["visitor"][0] <= 5 and counts["visitor"][1] <= 3, counts
    assert counts["member"][0] <= 7 and counts["member"][1] <= 5, counts


def test_what_a_club_member_may_see_never_reaches_anyone_else(app, site):
    insider = _client(app, "ines@example.com")
    outsider, visitor = _client(app, "oscar@example.com"), _client(app)
    for _ in range(2):  # the second round is served from the cache
        page, seen = _search(app, insider)
        assert PRIVATE in page and PUBLIC in page
        for client in (visitor, outsider):
            page, seen = _search(app, client)
            assert PUBLIC in page and PRIVATE not in page
    assert _searches(seen) == []  # (the outsider's second search came from the cache)
    # Narrowed to the club's category: nothing for those outside, the hit for the member.
    narrowed = f"/search?q=invoices&category={site['private']}"
    for _ in range(2):
        assert PRIVATE in _search(app, insider, narrowed)[0]
        assert PRIVATE not in _search(app, visitor, narrowed)[0]
        assert PRIVATE not in _search(app, outsider, narrowed)[0]


def test_visitors_cached_results_never_reach_a_member_who_may_see_more(app, site):
    visitor, insider = _client(app), _client(app, "ines@example.com")
    for _ in range(2):
        assert PRIVATE not in _search(app, visitor)[0]
    assert PRIVATE in _search(app, insider)[0]


def test_a_removed_document_leaves_the_cached_results_once_committed(app, site):
    visitor = _client(app)
    assert PUBLIC in _search(app, visitor)[0]
    with app.app_context():
        service.remove_document("topic", 1)  # what hiding or deleting a topic does
        db.session.rollback()
    page, seen = _search(app, visitor)
    assert PUBLIC in page and _searches(seen) == []  # rolled back: the entry stands
    with app.app_context():
        service.remove_document("topic", 1)
        db.session.commit()
    page, seen = _search(app, visitor)
    assert PUBLIC not in page and len(_searches(seen)) == 1


def test_a_topic_moved_into_the_club_leaves_visitors_results(app, site):
    visitor = _client(app)
    assert PUBLIC in _search(app, visitor)[0]
    with app.app_context():
        service.update_topic_documents(1, category_id=site["private"])
        db.session.commit()
    assert PUBLIC not in _search(app, visitor)[0]


def test_the_cache_can_be_turned_off(make_app):
    app = make_app(SEARCH_CACHE_SECONDS=0, PAGE_CACHE=False)
    _fill(app)
    visitor = _client(app)
    for _ in range(2):
        page, seen = _search(app, visitor)
        assert PUBLIC in page and len(_searches(seen)) == 1


# --- Redis -----------------------------------------------------------------------------------


def _clear_redis(url: str) -> None:
    import redis

    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(match=cache.PREFIX + "*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def redis_url():
    require(redis_problem() is None, redis_problem() or "")
    _clear_redis(REDIS_URL)
    yield REDIS_URL
    _clear_redis(REDIS_URL)


def test_with_redis_workers_share_the_cache_and_its_invalidation(make_app, backend, tmp_path,
                                                                  redis_url):
    settings = dict(REDIS_URL=redis_url, PAGE_CACHE=False)
    if backend == "sqlite":  # two workers: two apps on one database file
        worker_a = file_app(tmp_path / "shared.db", **settings)
        worker_b = file_app(tmp_path / "shared.db", **settings)
    else:
        worker_a, worker_b = make_app(**settings), make_app(**settings)
    _fill(worker_a)
    page, seen = _search(worker_a, _client(worker_a))
    assert PUBLIC in page and len(_searches(seen)) == 1
    page, seen = _search(worker_b, _client(worker_b))
    assert PUBLIC in page and PRIVATE not in page and _searches(seen) == []
    import redis

    keys = redis.Redis.from_url(redis_url).keys(cache.PREFIX + "*")
    assert keys, "the entries must live in Redis, not in a worker's memory"
    # A club member of worker B does not get the visitors' entry, and theirs stays theirs.
    insider = _client(worker_b, "ines@example.com")
    assert PRIVATE in _search(worker_b, insider)[0]
    assert PRIVATE not in _search(worker_a, _client(worker_a, "oscar@example.com"))[0]
    assert PRIVATE not in _search(worker_a, _client(worker_a))[0]
    # A removal committed by worker A empties worker B's next answer.
    with worker_a.app_context():
        service.remove_document("topic", 1)
        db.session.commit()
    page, seen = _search(worker_b, _client(worker_b))
    assert PUBLIC not in page and len(_searches(seen)) == 1
    if backend == "sqlite":
        dispose(worker_a)
        dispose(worker_b)


def test_a_redis_outage_only_turns_the_cache_off(make_app, caplog):
    dead = f"redis://127.0.0.1:1/0?client_name={uuid.uuid4().hex}"  # nothing listens there
    app = make_app(REDIS_URL=dead, PAGE_CACHE=False)
    _fill(app)
    visitor = _client(app)
    for _ in range(2):
        page, seen = _search(app, visitor)
        assert PUBLIC in page and len(_searches(seen)) == 1
    assert "search cache: Redis failed" in caplog.text
    with app.app_context():  # invalidating after a commit must not fail either
        service.remove_document("topic", 1)
        db.session.commit()
    assert PUBLIC not in _search(app, visitor)[0]
