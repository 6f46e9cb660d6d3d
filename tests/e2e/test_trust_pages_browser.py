"""The other pages of trust and moderation in a real browser, at phone width (360 px) and on a
desktop, each passing axe-core: the public /trust figures, a member's own trust level, the
report form, the flag queue with its filters, and the audit log with its CSV link. A member
reports an idea through the form; the moderator finds it in the queue. Screenshots go to
tmp_path."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import service as ideas
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in
from tests.e2e.test_sessions_browser import DESKTOP, fits, violations

pytestmark = pytest.mark.e2e

NARROW = {"width": 360, "height": 780}


@pytest.fixture
def idea_id(live_app):
    team = make_user(live_app, "Tess Team", "tess@example.com", role=Role.PRODUCT)
    make_user(live_app, "Ann Member", "ann@example.com",
              created_at=utcnow() - timedelta(days=30))
    make_user(live_app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    make_user(live_app, "Al Admin", "al@example.com", role=Role.ADMIN)
    with live_app.app_context():
        idea = ideas.create_idea(db.session.get(User, team.id), "Dark mode",
                                 "Please add a dark theme.", None, [])
        db.session.commit()
        return idea.id


def check(page, tmp_path, name: str) -> None:
    """Axe-clean and no sideways scrolling at 360 px and on a desktop, with screenshots."""
    for size, label in ((NARROW, "360"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.screenshot(path=tmp_path / f"{name}-{label}.png", full_page=True)
        assert fits(page), (name, label)
        assert violations(page) == [], (name, label)


def test_trust_pages_fit_a_phone_and_pass_axe(browser, page, live_server, idea_id,
                                              console_errors, tmp_path):
    page.goto("/trust")
    assert page.get_by_role("heading", level=1).inner_text() == "Trust figures"
    check(page, tmp_path, "01-trust")

    log_in(page, "ann@example.com")
    page.goto("/settings/standing")
    assert "Your trust level" in page.get_by_role("heading", level=1).inner_text()
    check(page, tmp_path, "02-standing")

    page.goto(f"/ideas/{idea_id}")
    page.get_by_role("link", name="Report", exact=True).first.click()
    page.wait_for_url(f"**/moderation/report/idea/{idea_id}")
    check(page, tmp_path, "03-report")
    page.get_by_label("Fake: not a real person, or not a genuine opinion").check()
    page.locator("main form textarea, main form input[name=note]").first.fill(
        "Copied from a competitor's forum.")
    page.get_by_role("button", name="Report to the moderators").click()
    assert "moderators will look" in flash(page).first.inner_text()
    page.locator("header form button", has_text="Log out").first.click()

    log_in(page, "mo@example.com")
    page.goto("/moderation/flags?subject_type=idea")
    assert page.locator("main").get_by_role("link", name="Dark mode").count() >= 1
    check(page, tmp_path, "04-queue")
    page.locator("header form button", has_text="Log out").first.click()

    log_in(page, "al@example.com")
    page.goto("/moderation/audit")
    assert page.get_by_role("link", name="Download these entries as CSV").count() == 1
    check(page, tmp_path, "05-audit")
    assert console_errors == []
