"""The /search page: results, filters, pagination, and nothing from a category one cannot see."""

from pathlib import Path
from urllib.parse import quote

import pytest

from community.extensions import db
from community.forums.models import ForumCategory
from community.search import kinds, service
from community.search.views import hit_url
from tests.conftest import make_user
from tests.helpers import text

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


@pytest.fixture
def forum(app):
    """An open and a staff-only category, each with a document about "invoices"."""
    author = make_user(app, "Iris Author", "iris@example.com")
    with app.app_context():
        public = ForumCategory(slug="billing", name="Billing")
        staff = ForumCategory(slug="staff-room", name="Staff room", staff_only=True)
        db.session.add_all([public, staff])
        db.session.flush()
        service.index_document("topic", 1, title="Invoices arrive late", topic_id=1,
                               body="My invoices arrive <script>alert(1)</script> late.",
                               category_id=public.id, author_id=author.id, solved=True)
        service.index_document("topic", 2, title="Secret invoices plan", topic_id=2,
                               body="Internal: invoices will change.", category_id=staff.id)
        service.index_document("faq", 3, title="When are invoices sent?",
                               body="On the first day of the month.", category_id=public.id)
        db.session.commit()
        return {"public": public.id, "staff": staff.id, "author": author}


def test_anonymous_visitor_never_sees_a_restricted_categorys_document(client, forum):
    for url in ("/search?q=invoices", "/search?q=secret+invoices",
                f"/search?q=invoices&category={forum['staff']}", "/search?q=internal"):
        page = text(client.get(url))
        assert "Secret invoices plan" not in page and "Internal" not in page, url
        assert "Staff room" not in page, url
    page = text(client.get("/search?q=invoices"))
    assert "Invoices arrive late" in page and "When are invoices sent?" in page


def test_results_highlight_escape_and_link(client, forum):
    page = text(client.get("/search?q=invoice"))
    assert "<mark>invoices</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'href="/t/1"' in page and 'href="/faq#faq-3"' in page
    assert "Iris Author" in page and "Billing" in page


def test_filters_by_author_solved_and_category(client, forum):
    by_author = text(client.get("/search?q=invoices&author=iris-author"))
    assert "Invoices arrive late" in by_author and "When are invoices sent?" not in by_author
    assert "Invoices arrive late" not in text(client.get("/search?q=invoices&author=nobody"))
    unsolved = text(client.get("/search?q=invoices&solved=no"))
    assert "Invoices arrive late" not in unsolved and "When are invoices sent?" in unsolved
    in_billing = text(client.get(f"/search?q=invoices&category={forum['public']}"))
    assert "Invoices arrive late" in in_billing


def test_short_or_empty_query_shows_the_form_and_a_message(client, forum):
    for url in ("/search", "/search?q=", "/search?q=a+b", "/search?page=abc&category=x"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="q"' in text(response) and "at least 3 letters" in text(response)


def test_pages_link_to_each_other(client, app):
    with app.app_context():
        category = ForumCategory(slug="general", name="General")
        db.session.add(category)
        db.session.flush()
        for ref_id in range(1, 46):
            service.index_document("post", ref_id, title="Backups", body="nightly backups",
                                   topic_id=1, category_id=category.id)
        db.session.commit()
    first = text(client.get("/search?q=backups&solved=no"))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "page=2" in first and "solved=no" in first
    last = text(client.get("/search?q=backups&page=3"))
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_hit_urls_lead_to_the_content(app, forum):
    with app.test_request_context():
        public = kinds.in_scopes([forum["public"]])
        page = service.search("invoices", {"topic": public, "faq": public})
        hits = {h.kind: h for h in page.hits}
        assert hit_url(hits["topic"]) == "/t/1"
        assert hit_url(hits["faq"]) == "/faq#faq-3"
        post = kinds.Hit("post", 42, 1, 1, None, "T", hits["faq"].snippet, 1.0,
                           hits["faq"].created_at, False)
        assert hit_url(post) == "/p/42"


def test_hostile_queries_over_http_never_fail(client, forum, backend):
    if not CORPORA.is_dir():
        pytest.skip(f"the shared corpora are missing ({CORPORA}); nothing to replay")
    lines = [line for path in sorted(CORPORA.glob("*.txt"))
             for line in path.read_text(errors="replace").splitlines()
             if line.strip() and not line.startswith("#")]
    # A sample (every line goes through the service in test_hostile_queries.py).
    step = 6 if backend == "sqlite" else 25
    failures = []
    for line in lines[::step]:
        for url in (f"/search?q={quote(line)}", f"/search?q=invoices&author={quote(line)}"):
            status = client.get(url).status_code
            if status != 200:
                failures.append((status, url))
    assert client.get("/search?q=%C0%AF%FF%FEinvoices").status_code in (200, 400)
    assert failures == []
