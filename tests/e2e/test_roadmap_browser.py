"""The loop closed in a real browser: a club manager publishes the club's ballot (starting from
the members' ranking), product staff put its top idea on the roadmap and ship it, and a club
member finds it shipped under "what happened to our requests" and in their notifications. The
pages pass axe-core and fit a phone (360 px) and a desktop; screenshots go to tmp_path."""

from __future__ import annotations

import re

import pytest

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import ClubRole, Visibility
from community.extensions import db
from community.ideas import priorities
from community.ideas import service as ideas
from community.ideas.models import Idea, Status
from community.roadmap.models import ChangelogEntry, RoadmapItem
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in
from tests.e2e.test_sessions_browser import DESKTOP, fits, violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def club(live_app):
    """A members-only club with a manager (Mia) and a member (Max) who both rank "Bulk export"
    first; a product team member (Tess); "Bulk export" and "Dark mode" ideas."""
    mia = make_user(live_app, "Mia Manager", "mia@example.com")
    max_ = make_user(live_app, "Max Member", "max@example.com")
    make_user(live_app, "Tess Team", "tess@example.com", role=Role.PRODUCT)
    with live_app.app_context():
        manager, member = db.session.get(User, mia.id), db.session.get(User, max_.id)
        export = ideas.create_idea(manager, "Bulk export", "Export every record at once.",
                                   None, [])
        dark = ideas.create_idea(member, "Dark mode", "A dark theme.", None, [])
        for voter in (manager, member):
            ideas.cast_vote(voter, export, 3, "We export every month.")
            ideas.cast_vote(voter, dark, 1, None)
            priorities.set_ballot(voter, [export.id, dark.id])
        northwind = CLUBS.create("Northwind Users", "northwind")
        northwind.visibility = Visibility.MEMBERS
        CLUBS.add(northwind, manager.id, role=ClubRole.MANAGER)
        CLUBS.add(northwind, member.id)
        db.session.commit()
        return {"export": export.id, "dark": dark.id}


def _check(page, name: str, tmp_path) -> None:
    """The page fits a phone and a desktop, with no axe-core finding."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=tmp_path / f"{name}-{viewport['width']}.png", full_page=True)
        assert fits(page), f"{name} overflows at {viewport['width']} px"
        assert violations(page) == [], name


def test_a_club_ballot_reaches_the_roadmap_ships_and_comes_back_to_the_club(
        browser, live_app, live_server, club, tmp_path):
    contexts = []

    def as_member(email: str):
        context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    try:
        # The manager publishes the ballot: the form starts from the members' ranking.
        mia = as_member("mia@example.com")
        mia.goto("/clubs/northwind/ballot")
        assert mia.get_by_role("heading", name="The members' ranking").is_visible()
        first = mia.locator("fieldset.ballot-row").first
        assert first.get_by_label("Idea").input_value() == str(club["export"])
        first.get_by_label("Reason").fill("Our month-end closes depend on it.")
        second = mia.locator("fieldset.ballot-row").nth(1)
        assert second.get_by_label("Idea").input_value() == str(club["dark"])
        second.get_by_label("Reason").fill("Late shifts.")
        _check(mia, "ballot-form", tmp_path)
        mia.get_by_role("button", name="Publish this ballot").click()
        assert "published" in flash(mia).first.inner_text().lower()
        current = mia.locator("ol.club-ballot li").first
        assert "Bulk export" in current.inner_text()
        assert "month-end closes" in current.inner_text()

        # The product team sees it side by side, then puts the idea on the roadmap.
        tess = as_member("tess@example.com")
        tess.goto("/triage/clubs")
        assert "Northwind Users" in tess.locator("main").inner_text()
        _check(tess, "side-by-side", tmp_path)
        tess.goto("/roadmap/new")
        tess.get_by_label("Title").fill("Exports, reworked")
        tess.get_by_label("Public description").fill("Bulk export for every plan.")
        tess.get_by_label("When").select_option("now")
        tess.get_by_role("button", name="Save the item").click()
        tess.wait_for_url(re.compile(r"/roadmap/\d+$"))
        tess.get_by_label("Idea number or address").fill(str(club["export"]))
        tess.get_by_role("button", name="Link this idea").click()
        assert "Bulk export" in tess.locator("main").inner_text()
        tess.goto("/roadmap")
        board = tess.locator("main").inner_text()
        assert "Exports, reworked" in board and "Northwind Users" in board
        _check(tess, "roadmap-board", tmp_path)
        tess.goto("/roadmap")
        tess.get_by_role("link", name="Exports, reworked").first.click()
        tess.get_by_role("link", name="Ship it").click()
        tess.get_by_label("What shipped").fill("**Bulk export** is live for everyone.")
        tess.get_by_role("button", name="Ship it and publish the entry").click()
        assert flash(tess).first.is_visible()
        with live_app.app_context():
            assert db.session.get(Idea, club["export"]).status is Status.SHIPPED
            item = db.session.query(RoadmapItem).one()
            assert item.shipped_at is not None
            assert db.session.query(ChangelogEntry).filter_by(item_id=item.id).count() == 1

        # A club member finds it shipped under the club's requests, and was told.
        max_ = as_member("max@example.com")
        max_.goto("/clubs/northwind/requests")
        row = max_.locator("tr", has_text="Bulk export")
        assert "Shipped" in row.inner_text()
        assert "Exports, reworked" in row.inner_text()
        _check(max_, "club-requests", tmp_path)
        max_.goto("/notifications")
        told = max_.locator("main").inner_text()
        assert "Bulk export" in told and "shipped" in told.lower()
        max_.goto("/changelog")
        assert "Exports, reworked" in max_.locator("main").inner_text()
        _check(max_, "changelog", tmp_path)
    finally:
        for context in contexts:
            context.close()


def test_the_clubs_pages_fit_and_pass_axe(browser, live_app, live_server, club, tmp_path):
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "mia@example.com")
        for name, url in (("clubs", "/clubs"), ("club", "/clubs/northwind"),
                          ("members", "/clubs/northwind/members"),
                          ("my-requests", "/settings/requests")):
            page.goto(url)
            assert page.locator("h1").first.is_visible(), url
            _check(page, name, tmp_path)
        visitor = browser.new_context(base_url=live_server, viewport=PHONE, locale="en-US")
        try:
            outsider = visitor.new_page()
            assert outsider.goto("/clubs/northwind").status == 404
            outsider.goto("/clubs")
            assert "Northwind" not in outsider.locator("main").inner_text()
        finally:
            visitor.close()
    finally:
        context.close()
