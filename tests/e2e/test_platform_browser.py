"""The platform's pages in a real browser: /search finds ideas beside topics and filters by
kind without JS; the main menu the domains fill; a profile with the forums' section. Each
passes axe-core and fits at phone and desktop widths. Screenshots go to the test's tmp_path."""

from __future__ import annotations

import pytest

from community.extensions import db
from community.forums import admin
from tests.conftest import make_user
from tests.e2e.test_sessions_browser import DESKTOP, PHONE, fits, violations
from tests.forums.conftest import new_topic
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(live_app):
    alice = make_user(live_app)
    with live_app.app_context():
        category = admin.create_category("General", slug="general")
        db.session.commit()
        category_id = category.id
    make_idea(live_app, alice.id, "Export to spreadsheets",
              "A spreadsheet export of the monthly invoices would save our accountant hours.")
    new_topic(live_app, alice.id, category_id, "Where are my invoices?",
              "I need the monthly invoices for the accountant.")
    return alice


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_finds_ideas_and_topics_and_filters_by_kind(page, seeded, viewport, tmp_path):
    page.set_viewport_size(viewport)
    page.goto("/search?q=invoices")
    results = page.locator("main")
    assert "Export to spreadsheets" in results.inner_text()
    assert "Where are my invoices?" in results.inner_text()
    page.screenshot(path=tmp_path / f"search-{viewport['width']}.png", full_page=True)
    assert fits(page)
    assert violations(page) == []

    page.get_by_label("Search in").select_option(label="Ideas")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_load_state()
    assert "kind=idea" in page.url
    assert "Export to spreadsheets" in results.inner_text()
    assert "Where are my invoices?" not in results.inner_text()
    page.get_by_role("link", name="Export to spreadsheets").click()
    assert page.get_by_role("heading", name="Export to spreadsheets").is_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_profile_and_menu_come_from_the_domains(page, seeded, viewport, tmp_path):
    page.set_viewport_size(viewport)
    page.goto(f"/u/{seeded.handle}")
    if viewport is PHONE:  # on a phone the menu folds into a disclosure: open it
        page.locator("header summary").click()
    menu = page.get_by_role("navigation", name="Main")
    assert [menu.get_by_role("link").nth(i).inner_text()
            for i in range(menu.get_by_role("link").count())] == [
        "Forums", "Ideas", "Roadmap", "FAQ", "Reviews", "Clubs", "Groups", "Trust figures"]
    assert page.locator("dt", has_text="Forum posts").is_visible()
    page.screenshot(path=tmp_path / f"profile-{viewport['width']}.png", full_page=True)
    assert fits(page)
    assert violations(page) == []
