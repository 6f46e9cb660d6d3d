"""Groups and events in a real browser: a member creates a private group, another asks to join
and the owner approves; the owner plans an event of one seat, a third member takes it, the
second says yes and waits, the third cancels and the second is promoted, then downloads the
event's .ics. The group list, the group page, its directory and the event page fit a phone
(390 px) and a desktop (1280 px) with no serious axe-core finding. Screenshots go to
tmp_path, as the other browser tests'."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from community.extensions import db
from community.groups.membership import GROUPS
from community.meetups import groups as groups_service
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in
from tests.e2e.test_sessions_browser import DESKTOP, fits
from tests.meetups.factories import MEMBER, PRIVATE, make_group

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MEETING = "https://meet.example.test/harbour-e2e-31f7"


@pytest.fixture
def people(live_app):
    """Owen (a regular: he may create groups), Pia and Tom (members)."""
    make_user(live_app, "Owen Owner", "owen@example.com", trust_level=2)
    make_user(live_app, "Pia Second", "pia@example.com", trust_level=1)
    make_user(live_app, "Tom Third", "tom@example.com", trust_level=1)


def serious(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings of critical or serious impact."""
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa"]})
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"] if v.get("impact") in ("critical",
                                                                           "serious")]


def _check(page, name: str, shots) -> None:
    """The page fits a phone and a desktop, with no critical or serious axe-core finding."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=shots / f"groups-{name}-{viewport['width']}.png", full_page=True)
        assert fits(page), f"{name} overflows at {viewport['width']} px"
        assert serious(page) == [], name
    page.set_viewport_size(DESKTOP)


def _answer(page, label: str) -> None:
    page.locator("main form").get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_private_group_join_event_waiting_list_promotion_and_ics(
        browser, live_app, live_server, people, tmp_path):
    contexts = []

    def as_member(email: str):
        context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US",
                                      accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    try:
        # Owen creates a private group.
        owen = as_member("owen@example.com")
        owen.goto("/groups")
        owen.get_by_role("link", name="Create a group").click()
        owen.get_by_label("Name").fill("Harbour Alumni")
        owen.get_by_label("Description").fill("Former students of the **harbour** school.")
        owen.get_by_label("Rules (shown before joining)").fill("Be kind. No selling.")
        owen.get_by_role("radio", name=re.compile(r"Private")).check()
        owen.get_by_role("button", name="Save the group").click()
        owen.wait_for_url(re.compile(r"/groups/harbour-alumni$"))
        assert owen.locator("h1").inner_text() == "Harbour Alumni"
        assert "Private" in owen.locator("main").inner_text()

        # Pia asks to join: the rules are shown first.
        pia = as_member("pia@example.com")
        pia.goto("/groups/harbour-alumni")
        pia.get_by_role("link", name="Ask to join").click()
        assert "No selling" in pia.locator("main").inner_text()
        pia.get_by_label(re.compile("A word for the group")).fill("I was in the 2015 class.")
        pia.locator("main form").get_by_role("button", name="Ask to join").click()
        assert "waiting for a manager" in pia.locator("main").inner_text()

        # Owen approves her.
        owen.goto("/groups/harbour-alumni/requests")
        row = owen.locator("tr", has_text="Pia Second")
        assert "2015 class" in row.inner_text()
        row.get_by_role("button", name="Approve").click()
        owen.wait_for_load_state()
        owen.goto("/groups/harbour-alumni/members")
        assert "Pia Second" in owen.locator("main").inner_text()
        with live_app.app_context():  # Tom joins the same way; a shortcut here
            group = GROUPS.find("harbour-alumni")
            tom_id = db.session.scalar(sa.text("SELECT id FROM users WHERE email = "
                                               "'tom@example.com'"))
            groups_service.add_member(group, tom_id)
            db.session.commit()

        # Owen plans an online event of one seat.
        owen.goto("/groups/harbour-alumni/events")
        owen.get_by_role("link", name="Plan an event").click()
        starts = (utcnow() + timedelta(days=10)).replace(hour=18, minute=30)
        owen.get_by_label("Title").fill("Harbour reunion")
        owen.get_by_label("Description").fill("Drinks and stories.")
        owen.get_by_role("radio", name=re.compile(r"Online")).check()
        owen.get_by_label("Link of the online meeting").fill(MEETING)
        owen.get_by_label("Starts (local time)").fill(f"{starts:%Y-%m-%dT%H:%M}")
        owen.get_by_label("Ends (local time)").fill(
            f"{starts + timedelta(hours=2):%Y-%m-%dT%H:%M}")
        owen.get_by_label("Time zone").select_option("Europe/Paris")
        owen.get_by_label("Capacity (empty: no limit)").fill("1")
        owen.get_by_role("button", name="Save the event").click()
        owen.wait_for_url(re.compile(r"/events/\d+$"))
        event_path = re.sub(r"^https?://[^/]+", "", owen.url)

        # Tom takes the seat; Pia says yes and waits.
        tom = as_member("tom@example.com")
        tom.goto(event_path)
        _answer(tom, "Yes")
        assert "You are going." in tom.locator("main").inner_text()
        pia.goto(event_path)
        assert MEETING not in pia.locator("main").inner_text()
        _answer(pia, "Yes (waiting list)")
        assert "waiting list: number 1" in pia.locator("main").inner_text()

        # Tom cannot come after all: Pia gets his seat, and the link.
        tom.goto(event_path)
        _answer(tom, "No")
        assert "You are not going." in tom.locator("main").inner_text()
        pia.goto(event_path)
        text = pia.locator("main").inner_text()
        assert "You are going." in text and MEETING in text

        # Pia downloads the event's .ics.
        with pia.expect_download() as info:
            pia.get_by_role("link", name="Add to my calendar (.ics)").click()
        download = info.value
        assert download.suggested_filename.endswith(".ics")
        ics = Path(download.path()).read_text(encoding="utf-8").replace("\r\n ", "")
        assert "BEGIN:VCALENDAR" in ics and "BEGIN:VEVENT" in ics
        assert "SUMMARY:Harbour reunion" in ics
        assert MEETING in ics  # she is going: the link is hers
        assert "Europe/Paris" in ics
        assert f"DTSTART;TZID=Europe/Paris:{starts:%Y%m%dT%H%M}00" in ics
        if flash(pia).count():
            assert flash(pia).first.is_visible()
    finally:
        for context in contexts:
            context.close()


def test_the_groups_pages_fit_and_pass_axe(browser, live_app, live_server, people, tmp_path):
    with live_app.app_context():
        owen_id = db.session.scalar(sa.text("SELECT id FROM users WHERE email = "
                                            "'owen@example.com'"))
        pia_id = db.session.scalar(sa.text("SELECT id FROM users WHERE email = "
                                           "'pia@example.com'"))
    slug = make_group(live_app, owen_id, "Harbour Alumni", PRIVATE,
                      description="Former students of the **harbour** school, "
                                  "from every year since 1990.",
                      members=[(pia_id, MEMBER)])
    for n in range(3):
        make_group(live_app, owen_id, f"Lyon accountants {n}",
                   description="Month-end closing, together.")
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "owen@example.com")
        page.goto(f"/groups/{slug}/events/new")
        starts = utcnow() + timedelta(days=5)
        page.get_by_label("Title").fill("Harbour reunion")
        page.get_by_role("radio", name=re.compile(r"In person")).check()
        page.get_by_label("Place (address)").fill("The harbour café, quai 3")
        page.get_by_label("Starts (local time)").fill(f"{starts:%Y-%m-%dT18:30}")
        page.get_by_label("Ends (local time)").fill(f"{starts:%Y-%m-%dT21:00}")
        page.get_by_role("button", name="Save the event").click()
        page.wait_for_url(re.compile(r"/events/\d+$"))
        event_path = re.sub(r"^https?://[^/]+", "", page.url)
        for name, url in (("list", "/groups"), ("page", f"/groups/{slug}"),
                          ("directory", f"/groups/{slug}/directory"),
                          ("event", event_path)):
            response = page.goto(url)
            assert response.status == 200, url
            assert page.locator("h1").first.is_visible(), url
            _check(page, name, tmp_path)
    finally:
        context.close()
