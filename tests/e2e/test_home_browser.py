"""The home page in a real browser, for a visitor (the landing page with the latest public
activity) and for a member of a private group and a members-only club (every section): it fits
360 px without horizontal scrolling, and at 390 px and 1280 px axe-core finds nothing critical
or serious. Screenshots of the home at both widths go to $SCREENSHOTS_DIR if set, else to the
test's tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.core import home_world
from tests.e2e.pages import log_in
from tests.e2e.test_groups_browser import serious
from tests.e2e.test_sessions_browser import fits

pytestmark = pytest.mark.e2e

NARROWEST = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shots_dir(tmp_path) -> Path:
    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def check_home(page, who: str, shots: Path) -> None:
    page.set_viewport_size(NARROWEST)
    assert fits(page), f"the {who} home overflows at 360 px"
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=shots / f"home-{who}-{viewport['width']}.png", full_page=True)
        assert fits(page), f"the {who} home overflows at {viewport['width']} px"
        assert serious(page) == [], who


def test_the_visitors_landing_page_fits_and_passes_axe(live_app, page, tmp_path):
    home_world.build(live_app)
    page.goto("/")
    assert page.get_by_role("heading", name="What is happening here").is_visible()
    assert page.get_by_role("link", name="Open topic about exports").is_visible()
    assert page.get_by_text("Staff only launch plan").count() == 0
    check_home(page, "visitor", shots_dir(tmp_path))


def test_the_members_home_fits_and_passes_axe(live_app, page, tmp_path):
    home_world.build(live_app)
    log_in(page, "gina@example.com")
    page.goto("/")
    for heading in ("New in the forums", "Your groups", "Your clubs", "Trending ideas"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    page.get_by_role("link", name="Garden circle private chat").first.click()
    page.wait_for_url("**/t/**")
    page.goto("/")
    check_home(page, "member", shots_dir(tmp_path))
