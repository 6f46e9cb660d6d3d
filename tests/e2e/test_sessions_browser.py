"""Sessions in a real browser: "Log out everywhere" on the settings page ends the other
browser's session too; the settings and error pages pass axe-core at phone and desktop widths.
Screenshots go to the test's tmp_path."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import make_user
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the page, as "rule: nodes" lines."""
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa"]})
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


def fits(page) -> bool:
    """No horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_log_out_everywhere_ends_the_other_browsers_session(browser, live_app, live_server,
                                                            tmp_path):
    make_user(live_app)
    phone = browser.new_context(base_url=live_server, viewport=PHONE, locale="en-US")
    laptop = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
    try:
        on_phone, on_laptop = phone.new_page(), laptop.new_page()
        log_in(on_phone, "alice@example.com")
        log_in(on_laptop, "alice@example.com")

        on_phone.goto("/settings")
        sessions = on_phone.get_by_role("heading", name="Sessions")
        sessions.scroll_into_view_if_needed()
        on_phone.screenshot(path=tmp_path / "settings-phone.png", full_page=True)
        assert fits(on_phone)
        assert violations(on_phone) == []
        on_laptop.goto("/settings")
        on_laptop.screenshot(path=tmp_path / "settings-desktop.png", full_page=True)
        assert violations(on_laptop) == []

        on_phone.get_by_role("button", name="Log out everywhere").click()
        on_phone.wait_for_load_state()
        assert "logged out on every device" in on_phone.locator(".flashes").inner_text()

        on_laptop.goto("/settings")  # the other browser's cookies no longer open a session
        on_laptop.wait_for_url(re.compile(r"/login"))
    finally:
        phone.close()
        laptop.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_error_page_is_accessible_and_fits(page, viewport, tmp_path):
    page.set_viewport_size(viewport)
    response = page.goto("/no-such-page")
    assert response.status == 404
    page.screenshot(path=tmp_path / f"404-{viewport['width']}.png", full_page=True)
    assert page.get_by_role("heading", name="Error 404").is_visible()
    assert fits(page)
    assert violations(page) == []
