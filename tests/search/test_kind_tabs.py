"""Search results by kind: tabs with counts over every kind the reader may see, a chosen kind
showing only its hits while keeping every count, nothing restricted counted, counts that stop
at the candidates' cap, a bounded number of statements; and the header's search box."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from community.accounts.models import Role
from community.extensions import db
from community.forums import admin
from community.search import kinds, service
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.forums.conftest import new_topic
from tests.helpers import queries_for, statements_run, text
from tests.ideas.factories import make_idea

OLD = {"created_at": utcnow() - timedelta(days=60), "trust_level": 2}


@pytest.fixture
def site(app):
    """Two public topics and an idea about invoices, and a staff-only topic about them too."""
    app.config["PAGE_CACHE"] = False  # these tests count what search itself runs
    author = make_user(app, "Iris Author", "iris@example.com", handle="iris", **OLD)
    with app.app_context():
        public = admin.create_category("Billing", slug="billing")
        staff = admin.create_category("Team room", slug="team-room", staff_only=True)
        db.session.commit()
        public_id, staff_id = public.id, staff.id
    new_topic(app, author.id, public_id, "Invoices arrive late", "My invoices are late.")
    new_topic(app, author.id, public_id, "Invoices in PDF", "Can invoices be PDF files?")
    new_topic(app, author.id, staff_id, "Secret invoices plan", "Internal: invoices change.")
    make_idea(app, author.id, "Invoices by e-mail", "Send every invoice by e-mail.")
    return {"author": author, "public": public_id, "staff": staff_id}


def tabs(html: str) -> dict[str, tuple[str, str, bool]]:
    """The kind tabs: label -> (count, href, current)."""
    nav = re.search(r'<nav class="kind-tabs"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no kind tabs on the page"
    found = {}
    for match in re.finditer(r'<a href="(?P<href>[^"]*)"(?P<rest>[^>]*)>(?P<label>[^<]+?)'
                             r'(?: <span class="tab-count">(?P<count>[^<]*)</span>)?</a>',
                             nav.group(1)):
        found[match["label"].strip()] = (match["count"] or "", unescape(match["href"]),
                                         'aria-current="page"' in match["rest"])
    return found


def hit_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'class="hit-title">([^<]+)<', html)]


def test_tabs_count_each_kind_the_reader_may_see_and_link_to_it(client, site):
    html = text(client.get("/search?q=invoices"))
    found = tabs(html)
    assert found["Everything"] == ("3", "/search?q=invoices", True)
    assert found["Topics"][0] == "2" and found["Ideas"][0] == "1"
    assert found["Ideas"][1] == "/search?kind=idea&q=invoices"
    assert not found["Topics"][2]
    assert "FAQ" not in found and "Groups" not in found  # no match there: no tab
    assert "Secret invoices plan" not in html


def test_a_chosen_kind_shows_only_its_hits_and_keeps_every_count(client, site):
    html = text(client.get("/search?q=invoices&kind=idea"))
    assert hit_titles(html) == ["Invoices by e-mail"]
    found = tabs(html)
    assert found["Ideas"] == ("1", "/search?kind=idea&q=invoices", True)
    assert found["Topics"][0] == "2" and found["Everything"][0] == "3"
    assert not found["Everything"][2]
    # The other filters ride along on every tab.
    html = text(client.get("/search?q=invoices&author=iris&solved=no"))
    assert tabs(html)["Ideas"][1] == "/search?kind=idea&q=invoices&author=iris&solved=no"


def test_a_chosen_kind_without_matches_keeps_its_tab(client, site):
    found = tabs(text(client.get("/search?q=invoices&kind=faq")))
    assert found["FAQ"] == ("0", "/search?kind=faq&q=invoices", True)
    assert found["Topics"][0] == "2"


def test_staff_counts_include_what_only_staff_may_read(app, client, site):
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    login(client, "mo@example.com")
    found = tabs(text(client.get("/search?q=invoices")))
    assert found["Topics"][0] == "3" and found["Everything"][0] == "4"
    scoped = tabs(text(client.get(f"/search?q=invoices&category={site['public']}")))
    assert scoped["Topics"][0] == "2" and "Ideas" not in scoped  # ideas have no category


def test_counts_stop_at_the_candidates_cap(client, site, monkeypatch):
    monkeypatch.setattr(service, "CANDIDATES", 2)
    html = text(client.get("/search?q=invoices"))
    found = tabs(html)
    assert found["Everything"][0] == "2+"
    # Among the two newest matches: the idea and the last public topic; an older topic may
    # still hide behind the cap, so a kind keeps its tab, without a count, when none showed.
    assert found["Ideas"][0] == "1+" and found["Topics"][0] == "1+"
    assert "FAQ" in found and found["FAQ"][0] == ""


def searches(app, client, url: str) -> int:
    """How many statements of one GET of ``url`` read the search index."""
    with statements_run(app) as seen:
        assert client.get(url).status_code == 200
    return sum(1 for statement in seen if "search_documents" in statement)


def test_the_counts_ride_on_the_search_query(app, client, site):
    """Searching everything counts in the same statement; a chosen kind adds one; no
    statement more as the matches grow."""
    client.get("/search?q=warm")  # the app's first request fills its caches
    assert searches(app, client, "/search?q=zebra") == 1
    assert searches(app, client, "/search?q=invoices") == 1
    assert searches(app, client, "/search?q=invoices&kind=idea") == 2
    author = site["author"]
    new_topic(app, author.id, site["public"], "Unrelated", "Nothing to see.")  # a new index:
    unfiltered = queries_for(app, client, "/search?q=invoices")  # no result kept from before
    filtered = queries_for(app, client, "/search?q=invoices&kind=idea")
    for n in range(25):
        new_topic(app, author.id, site["public"], f"Invoices question {n}", "About invoices.")
    # (fewer, if the first page no longer holds an idea: no idea links to look up)
    assert queries_for(app, client, "/search?q=invoices") <= unfiltered
    assert queries_for(app, client, "/search?q=invoices&kind=idea") == filtered
    assert searches(app, client, "/search?q=invoices&page=9") == 2  # past the end: counted


def test_service_counts_match_the_hits(app, site):
    with app.app_context():
        audience = kinds.audience(None)
        page = service.search("invoices", audience.conditions, count_kinds=True)
        assert {k: n for k, n in page.by_kind.items() if n} == {"topic": 2, "idea": 1}
        assert page.by_kind["faq"] == 0 and page.by_kind["post"] == 0
        assert not page.capped
        only = service.search("invoices", audience.conditions, kinds=["idea"],
                              count_kinds=True)
        assert [h.kind for h in only.hits] == ["idea"]
        assert {k: n for k, n in only.by_kind.items() if n} == {"topic": 2, "idea": 1}
        beyond = service.search("invoices", audience.conditions, page=9, count_kinds=True)
        assert beyond.hits == [] and beyond.by_kind.get("topic") == 2
        quiet = service.search("invoices", audience.conditions)
        assert quiet.by_kind == {} and [h.title for h in quiet.hits] == \
            [h.title for h in page.hits]


@pytest.mark.parametrize("url", ["/", "/ideas", "/forums", "/login", "/groups"])
def test_every_page_has_the_header_search_box(client, site, url):
    html = text(client.get(url))
    form = re.search(r'<form method="get" action="/search" class="site-search" role="search">'
                     r'(.*?)</form>', html, re.S)
    assert form, url
    assert '<label for="site-search-q" class="visually-hidden">Search the site</label>' \
        in form.group(1)
    assert re.search(r'<input id="site-search-q" name="q" type="search"', form.group(1))
    # The menu folds into a disclosure on a phone; the skip link stays first.
    assert re.search(r'<details class="site-menu">\s*<summary>', html)
    body = html[html.index("<body>"):]
    assert re.match(r'<body>\s*<a class="skip-link" href="#main">', body)


def test_the_search_page_keeps_one_search_form(client, site):
    html = text(client.get("/search?q=invoices"))
    assert html.count('role="search"') == 1
    assert 'class="site-search"' not in html
