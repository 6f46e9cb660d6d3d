"""One-click voting in Chromium: from the top of an idea page, the keyboard reaches the vote
button within five Tab presses (the skip link is the first) and Enter casts the vote; on the
list the button votes in place with JavaScript (no reload: a marker on ``window`` survives)
and without it (the form posts and the list comes back with a message); at 390 and 1280 px
the pages fit and axe-core finds nothing critical or serious. Screenshots go to tmp_path."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from community.accounts.models import User
from community.extensions import db
from community.ideas import service
from community.ideas.models import Idea, Vote
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in, watch

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
TITLES = ("Dark mode for the mobile app", "Export invoices as PDF", "Offline sync on trains")


def serious(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings of critical or serious impact."""
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa"]})
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v.get("impact") in ("critical", "serious")]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def seeded(live_app):
    """Ada proposed three ideas (each with her own vote); Bob, a verified member, votes."""
    ada = make_user(live_app, "Ada Author", "ada@example.com", trust_level=2)
    bob = make_user(live_app, "Bob Voter", "bob@example.com")
    with live_app.app_context():
        author = db.session.get(User, ada.id)
        ids = {t: service.create_idea(author, t, f"{t}, please.", None, []).id for t in TITLES}
        db.session.commit()
    return {"ids": ids, "bob": bob.id}


def bob_votes(app, idea_id: int, bob_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Vote.importance).where(
            Vote.idea_id == idea_id, Vote.user_id == bob_id)))


def new_page(browser, live_server, width: int, *, javascript: bool = True):
    context = browser.new_context(base_url=live_server, locale="en-US",
                                  java_script_enabled=javascript,
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_keyboard_votes_within_five_tabs_from_the_top(browser, live_app, live_server,
                                                          seeded, width, tmp_path):
    context, page = new_page(browser, live_server, width)
    errors: list[str] = []
    try:
        watch(page, errors)
        log_in(page, "bob@example.com")
        idea_id = seeded["ids"][TITLES[0]]
        page.goto(f"/ideas/{idea_id}")
        page.wait_for_url(re.compile(rf"/ideas/{idea_id}-dark-mode"))
        button = page.locator(f"#vote-box-{idea_id} button")
        assert button.get_attribute("aria-pressed") == "false"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip-link')")
        page.keyboard.press("Enter")  # the skip link: on to <main>
        presses = 1
        while not button.evaluate("el => el === document.activeElement"):
            assert presses < 5, "the vote button takes more than five Tab presses"
            page.keyboard.press("Tab")
            presses += 1
        assert presses <= 5
        page.keyboard.press("Enter")
        page.locator(f"#vote-box-{idea_id} button[aria-pressed=true]").wait_for()
        assert bob_votes(live_app, idea_id, seeded["bob"]) == [2]  # "Important"
        assert page.locator(f"#vote-line-{idea_id} .vote-total").inner_text() == "2 votes"
        # Focus stays on the (new) button, so Enter again withdraws the vote.
        assert page.evaluate("document.activeElement.classList.contains('vote-button')")
        page.screenshot(path=tmp_path / f"keyboard-voted-{width}.png", full_page=True)
        page.keyboard.press("Enter")
        page.locator(f"#vote-box-{idea_id} button[aria-pressed=false]").wait_for()
        assert bob_votes(live_app, idea_id, seeded["bob"]) == []
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_one_click_vote_on_the_list_with_javascript_updates_in_place(
        browser, live_app, live_server, seeded, width, tmp_path):
    context, page = new_page(browser, live_server, width)
    errors: list[str] = []
    try:
        watch(page, errors)
        page.goto("/ideas")  # a visitor first: the button leads to log in
        visitor_button = page.locator(f"#vote-box-{seeded['ids'][TITLES[1]]} a.vote-button")
        assert visitor_button.get_attribute("href") == "/login?next=/ideas"
        assert fits(page), "/ideas (visitor) scrolls sideways"
        assert serious(page) == [], "/ideas (visitor)"

        log_in(page, "bob@example.com")
        page.goto("/ideas?sort=new")
        idea_id = seeded["ids"][TITLES[1]]
        page.evaluate("window.__noReload = 'still here'")
        button = page.get_by_role("button", name=f"Vote {TITLES[1]}", exact=True)
        assert button.get_attribute("aria-pressed") == "false"
        button.click()
        page.locator(f"#vote-box-{idea_id} button[aria-pressed=true]").wait_for()
        assert page.locator(f"#vote-line-{idea_id} .vote-total").inner_text() == "2 votes"
        assert "you voted" in page.locator(f"#vote-line-{idea_id}").inner_text()
        assert page.evaluate("window.__noReload") == "still here"
        assert page.url.endswith("/ideas?sort=new")
        assert bob_votes(live_app, idea_id, seeded["bob"]) == [2]
        assert fits(page), f"/ideas scrolls sideways at {width}px"
        assert serious(page) == [], "/ideas (member)"
        page.screenshot(path=tmp_path / f"list-voted-{width}.png", full_page=True)

        # Pressed: one more click withdraws, still in place.
        page.locator(f"#vote-box-{idea_id} button").click()
        page.locator(f"#vote-box-{idea_id} button[aria-pressed=false]").wait_for()
        assert page.locator(f"#vote-line-{idea_id} .vote-total").inner_text() == "1 vote"
        assert page.evaluate("window.__noReload") == "still here"
        assert bob_votes(live_app, idea_id, seeded["bob"]) == []

        # The idea page: fits, and passes axe, with the button at the top.
        page.goto(f"/ideas/{idea_id}")
        assert fits(page), f"the idea page scrolls sideways at {width}px"
        assert serious(page) == [], "the idea page"
        page.screenshot(path=tmp_path / f"idea-{width}.png", full_page=True)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_one_click_vote_on_the_list_without_javascript(browser, live_app, live_server, seeded,
                                                       width, tmp_path):
    context, page = new_page(browser, live_server, width, javascript=False)
    try:
        log_in(page, "bob@example.com")
        page.goto("/ideas?sort=new")
        idea_id = seeded["ids"][TITLES[2]]
        with page.expect_navigation():
            page.get_by_role("button", name=f"Vote {TITLES[2]}", exact=True).click()
        assert page.url.endswith("/ideas?sort=new")
        assert flash(page).filter(has_text="Your vote is counted as “Important”.").is_visible()
        assert page.locator(f"#vote-box-{idea_id} button").get_attribute(
            "aria-pressed") == "true"
        assert page.locator(f"#vote-line-{idea_id} .vote-total").inner_text() == "2 votes"
        assert bob_votes(live_app, idea_id, seeded["bob"]) == [2]
        assert fits(page)
        page.screenshot(path=tmp_path / f"list-no-js-{width}.png", full_page=True)
        with page.expect_navigation():
            page.locator(f"#vote-box-{idea_id} button").click()
        assert flash(page).filter(has_text="Your vote is withdrawn.").is_visible()
        assert bob_votes(live_app, idea_id, seeded["bob"]) == []
        with live_app.app_context():
            assert db.session.get(Idea, idea_id).vote_count == 1  # Ada's own vote
    finally:
        context.close()
