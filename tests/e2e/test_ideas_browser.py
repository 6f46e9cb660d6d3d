"""Ideas, in a real browser: a member proposes an idea and is shown the duplicate, votes with
importance, orders their priorities (buttons and drag-and-drop); the product team declines the
idea with a reason, and the voter hears of it. Screenshots of each step go to tmp_path."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from community.accounts.models import Role
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in, watch
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.e2e

EXISTING = "Dark mode for the mobile app"
DRAFT = "Mobile app dark mode"
SLUG = "dark-mode-for-the-mobile-app"
OTHERS = ["Export my ideas as CSV", "Offline sync for the desktop client",
          "Keyboard shortcuts in the editor"]
WHY = "I read the app in bed every night; the white screen wakes my partner."
REASON = "Not this year: the mobile app is being rewritten, and dark mode comes with it."


def ballot_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#ballot li.ballot-item > a").all_inner_texts()]


def established(app, name: str, email: str, **fields):
    """A verified member whose account is a month old (their votes count as established)."""
    return make_user(app, name, email, created_at=utcnow() - timedelta(days=30), **fields)


@pytest.fixture
def seeded(live_app):
    """An author with four ideas (one of them the future duplicate), a voter, a product user."""
    author = established(live_app, "Bob Author", "bob@example.com")
    ids = {EXISTING: make_idea(live_app, author.id, EXISTING,
                               "A dark theme for the phone app, easier on the eyes at night.",
                               tags=["mobile"])}
    for title in OTHERS:
        ids[title] = make_idea(live_app, author.id, title, f"{title}, please.")
    voter = established(live_app, "Ada Voter", "ada@example.com")
    product = established(live_app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    return {"ids": ids, "voter": voter, "product": product}


def test_member_proposes_votes_prioritises_and_hears_of_the_decline(
    browser, page, live_server, live_app, seeded, console_errors, tmp_path
):
    shots = tmp_path
    ids = seeded["ids"]
    log_in(page, "ada@example.com")

    # 1. Propose an idea: typing the title brings the similar existing idea (script, 300 ms
    #    after the last key).
    page.goto("/ideas")
    page.get_by_role("link", name="Propose an idea").click()
    page.wait_for_url("**/ideas/new")
    title = page.get_by_label("Title", exact=True)
    title.press_sequentially(DRAFT, delay=20)
    live = page.locator("#similar-live")
    suggestion = live.get_by_role("link", name=EXISTING)
    suggestion.wait_for()
    assert suggestion.get_attribute("href") == f"/ideas/{ids[EXISTING]}-{SLUG}"
    assert "Similar ideas already exist" in live.inner_text()
    page.screenshot(path=shots / "01-new-idea-live-suggestion.png", full_page=True)

    # 2. The same through the "Check for similar ideas" button (what works without script):
    #    the page comes back with the suggestion and the draft kept.
    page.get_by_label("Description", exact=True).fill("Dark colours for the app, at night.")
    with page.expect_navigation():
        page.get_by_role("button", name="Check for similar ideas").click()
    checked = page.locator(".similar.notice")
    assert checked.get_by_role("link", name=EXISTING).is_visible()
    assert page.get_by_label("Title", exact=True).input_value() == DRAFT
    page.screenshot(path=shots / "02-new-idea-checked.png", full_page=True)

    # The member submits theirs anyway; it is published and they follow it.
    page.get_by_role("button", name="Submit my idea").click()
    page.wait_for_url(re.compile(r"/ideas/\d+-mobile-app-dark-mode$"))
    assert flash(page).filter(has_text="Your idea is published.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text().startswith(DRAFT)

    # 3. Vote for the existing idea: Critical, with why.
    page.goto(f"/ideas/{ids[EXISTING]}")  # redirected to the slugged address
    page.wait_for_url(f"**/ideas/{ids[EXISTING]}-{SLUG}")
    vote = page.locator("section.vote form").first
    assert vote.get_by_label("Important").is_checked()  # the default
    vote.get_by_label("Critical").check()
    vote.get_by_label(re.compile(r"^Why\?")).fill(WHY)
    page.screenshot(path=shots / "03-vote-form.png", full_page=True)
    vote.get_by_role("button", name="Vote", exact=True).click()
    flash(page).filter(has_text="Your vote is saved. You follow this idea.").wait_for()
    assert page.get_by_role("heading", name="Your vote").is_visible()
    assert page.locator("section.vote").get_by_label("Critical").is_checked()
    assert page.locator("section.vote").get_by_label(re.compile(r"^Why\?")).input_value() == WHY
    assert "1 vote · 1 from established members" in page.locator(".provenance").inner_text()
    page.screenshot(path=shots / "04-voted.png", full_page=True)

    # Two more votes (the default importance), to have three ideas to order.
    for other in OTHERS[:2]:
        page.goto(f"/ideas/{ids[other]}")
        page.locator("section.vote").get_by_role("button", name="Vote", exact=True).click()
        flash(page).filter(has_text="Your vote is saved.").wait_for()

    # 4. My priorities: add the three voted ideas (each goes last), then reorder.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My priorities").click()
    page.wait_for_url("**/priorities")
    assert page.get_by_text("Your priorities are empty.").is_visible()
    for wanted in [EXISTING, *OTHERS[:2]]:
        row = page.locator("main ul li").filter(has_text=wanted)
        row.get_by_role("button", name="Add to my priorities").click()
        page.wait_for_url("**/priorities")
        page.locator("#ballot li").filter(has_text=wanted).wait_for()
    assert ballot_titles(page) == [EXISTING, OTHERS[0], OTHERS[1]]
    page.screenshot(path=shots / "05-priorities-added.png", full_page=True)

    # The buttons (no script needed): the last one up, then the first one down.
    with page.expect_navigation():
        page.get_by_role("button", name=f"Move up: {OTHERS[1]}").click()
    assert ballot_titles(page) == [EXISTING, OTHERS[1], OTHERS[0]]
    with page.expect_navigation():
        page.get_by_role("button", name=f"Move down: {EXISTING}").click()
    assert ballot_titles(page) == [OTHERS[1], EXISTING, OTHERS[0]]
    page.screenshot(path=shots / "06-priorities-buttons.png", full_page=True)

    # Drag and drop (script): the first idea dropped onto the lower half of the last one goes
    # last; the drop posts the whole order and the page comes back with it.
    first = page.locator("#ballot li.ballot-item").nth(0)
    last = page.locator("#ballot li.ballot-item").nth(2)
    box = last.bounding_box()
    with page.expect_navigation():
        first.drag_to(last, source_position={"x": 6, "y": 6},
                      target_position={"x": 6, "y": box["height"] - 4})
    assert ballot_titles(page) == [EXISTING, OTHERS[0], OTHERS[1]]
    page.reload()  # stored, not just moved on screen
    assert ballot_titles(page) == [EXISTING, OTHERS[0], OTHERS[1]]
    page.screenshot(path=shots / "07-priorities-dragged.png", full_page=True)

    # No unread notification yet.
    assert page.locator("header .notifications-link .badge-count").count() == 0

    # 5. The product team, in another browser profile, declines the idea: first without a
    #    reason (refused), then with one.
    team_errors: list[str] = []
    team_context = browser.new_context(base_url=live_server, locale="en-US",
                                       viewport={"width": 1200, "height": 900})
    try:
        team = team_context.new_page()
        watch(team, team_errors)
        log_in(team, "pat@example.com")
        team.goto(f"/ideas/{ids[EXISTING]}-{SLUG}")
        tools = team.locator("section.team-tools")
        tools.get_by_label("New status").select_option(label="Declined")
        tools.get_by_role("button", name="Change the status").click()
        flash(team).filter(has_text="Declining needs a public explanation: say why.").wait_for()
        assert "Declined" not in team.locator("h1 .status").inner_text()
        tools.get_by_label("New status").select_option(label="Declined")
        tools.get_by_label(re.compile(r"^Public note")).fill(REASON)
        team.screenshot(path=shots / "08-team-declines.png", full_page=True)
        tools.get_by_role("button", name="Change the status").click()
        flash(team).filter(has_text="The status is changed and followers are told.").wait_for()
        assert team.locator("h1 .status").inner_text().strip() == "Declined"
        assert REASON in team.locator(".official-note").inner_text()
        team.screenshot(path=shots / "09-team-declined.png", full_page=True)
    finally:
        team_context.close()

    # 6. The voter: an unread badge in the header, the notification, and the reason on the
    #    idea's page.
    page.goto("/ideas")
    badge = page.locator("header .notifications-link .badge-count")
    assert badge.inner_text().strip() == "1"
    assert badge.get_attribute("aria-label") == "1 unread notification"
    page.screenshot(path=shots / "10-unread-badge.png", full_page=True)
    page.locator("header .notifications-link").click()
    page.wait_for_url("**/notifications")
    item = page.locator("ul.notifications li.unread")
    assert item.count() == 1
    text = f"“{EXISTING}” is now: Declined."
    assert item.get_by_role("link").inner_text().strip() == text
    page.screenshot(path=shots / "11-notifications.png", full_page=True)
    item.get_by_role("link", name=text).click()
    page.wait_for_url(f"**/ideas/{ids[EXISTING]}-{SLUG}")
    assert page.locator("h1 .status").inner_text().strip() == "Declined"
    note = page.locator(".official-note")
    assert "Declined" in note.inner_text() and "Pat Product" in note.inner_text()
    assert REASON in note.inner_text()
    assert page.get_by_text("This idea is closed: it can no longer be voted for.").is_visible()
    page.screenshot(path=shots / "12-idea-declined.png", full_page=True)

    # Marking all read clears the badge.
    page.goto("/notifications")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url("**/notifications")
    assert page.locator("header .notifications-link .badge-count").count() == 0
    assert page.locator("ul.notifications li.unread").count() == 0

    assert console_errors == []
    assert team_errors == []


def test_check_for_similar_ideas_without_javascript(browser, live_server, seeded, tmp_path):
    """With scripts off, nothing appears while typing; the button shows the similar idea."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  locale="en-US", viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        log_in(page, "ada@example.com")
        page.goto("/ideas/new")
        page.get_by_label("Title", exact=True).fill(DRAFT)
        assert page.locator("#similar-live").inner_text().strip() == ""
        with page.expect_navigation():
            page.get_by_role("button", name="Check for similar ideas").click()
        checked = page.locator(".similar.notice")
        link = checked.get_by_role("link", name=EXISTING)
        assert link.is_visible()
        assert link.get_attribute("href") == (
            f"/ideas/{seeded['ids'][EXISTING]}-{SLUG}")
        assert "0 votes" in checked.inner_text()
        page.screenshot(path=tmp_path / "no-js-checked.png", full_page=True)

        # A title like nothing else: the page says so.
        page.get_by_label("Title", exact=True).fill("Bulk invoices for accountants")
        with page.expect_navigation():
            page.get_by_role("button", name="Check for similar ideas").click()
        assert page.get_by_text("No similar idea found. You can submit yours.").is_visible()
        assert page.locator(".similar.notice").count() == 0
    finally:
        context.close()

