"""The layout in a real browser, across the site: every main page fits a phone (390 px) and a
desktop (1280 px) without horizontal scrolling and passes axe-core (no critical or serious
finding, WCAG 2.2 target size included), for a visitor, a member, a moderator and product
staff, each on the pages they may open; the header's menu folds into a disclosure on a phone
(keyboard and no-JS) and shows inline on a desktop; its search box finds an idea and a topic
from one query. The content is seeded long on purpose (long titles, long words, a long link,
code, tables). Screenshots of the home, ideas, topic and profile pages at both widths go to
$SCREENSHOTS_DIR when set, else to the test's tmp_path."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from community.accounts.models import Role, User
from community.clubs.models import ClubRole
from community.extensions import db
from community.forums import admin, qa
from community.forums.models import Post
from community.ideas import service as ideas
from community.ideas.models import Idea
from community.moderation import service as moderation
from community.roadmap import changelog, items
from community.roadmap.models import Horizon, ItemStatus
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import log_in
from tests.forums.conftest import new_reply, new_topic
from tests.ideas.factories import make_idea
from tests.meetups.factories import make_group
from tests.reviews.factories import make_product, make_review
from tests.roadmap.clubs_factories import make_club

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = (PHONE, DESKTOP)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = {"home", "ideas", "idea", "topic", "profile"}  # saved at both widths, as the member

LONG_WORD = "Überkonfigurationsparameterverwaltungsschnittstelle" * 2
TOPIC_TITLE = f"Exporting invoices breaks with {LONG_WORD} in the customer name field"
IDEA_TITLE = "Export every invoice to spreadsheets, with the customer's full legal name intact"
LONG_LINK = "https://example.com/" + "very-long-path-segment/" * 8 + "invoice.csv"
BODY = f"""The monthly invoices export fails when a customer's name is long.

| Column | Value | Notes |
| --- | --- | --- |
| customer | {LONG_WORD} | truncated in the export |
| amount | 1,234.56 | fine |

See {LONG_LINK} and this log line:

    ERROR export.invoices: field customer_name exceeds 255 characters at row 18237 in batch 7

Does anyone else see this with their invoices?"""
QUERY = "invoices"


@dataclass
class Site:
    topic: int
    question: int
    idea: int
    category: str
    group: str
    club: str
    product: str
    item: int
    post: int
    alice: str
    alice_id: int


def _shots_dir(tmp_path: Path) -> Path:
    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture
def site(live_app) -> Site:
    """A community with realistic, awkward content: long names, titles and words, a long link,
    a Markdown table and code, a question without an answer, a flag, a shipped roadmap item,
    a club, a group, a product with a review, and notifications for Alice."""
    old = {"created_at": utcnow() - timedelta(days=90), "trust_level": 2}
    alice = make_user(live_app, "Alice Martin", "alice@example.com", handle="alice", **old)
    bob = make_user(live_app, "Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausen",
                    "bob@example.com", handle="bartholomew-featherstonehaugh", **old)
    make_user(live_app, "Mo Derator", "mo@example.com", role=Role.MODERATOR, **old)
    pat = make_user(live_app, "Pat Product", "pat@example.com", role=Role.PRODUCT, **old)
    with live_app.app_context():
        general = admin.create_category(
            "General discussion about invoices, exports and everything else", slug="general",
            description=f"Questions and answers. {LONG_WORD}")
        admin.create_category("Announcements", slug="announcements")
        db.session.commit()
        general_id = general.id
    topic = new_topic(live_app, alice.id, general_id, TOPIC_TITLE, BODY, question=True)
    post = new_reply(live_app, bob.id, topic, f"Same here, @alice: {LONG_LINK}\n\n> quoted "
                     f"{LONG_WORD}\n\nIt started after the last update.")
    new_reply(live_app, alice.id, topic, "Thanks, I will try a shorter name for now.")
    question = new_topic(live_app, bob.id, general_id,
                         "How do I send invoices to a second e-mail address?",
                         "Our accountant needs a copy of every invoice.", question=True)
    idea = make_idea(live_app, alice.id, IDEA_TITLE, BODY, tags=("export", "invoices"))
    make_idea(live_app, bob.id, f"Dark mode for the {LONG_WORD} settings page",
              "Please add a dark theme.")
    with live_app.app_context():
        ideas.cast_vote(_user("bob@example.com"), db.session.get(Idea, idea), 2,
                        "We send 400 invoices a month.")
        staff = _user("pat@example.com")
        item = items.create_item(staff, items.ItemFields(
            "Invoices export that keeps long customer names", BODY, Horizon.NOW, None,
            ItemStatus.IN_PROGRESS, False, 0))
        items.link_idea(staff, item, db.session.get(Idea, idea))
        shipped = items.create_item(staff, items.ItemFields(
            f"Faster search {LONG_WORD}", "Search is faster.", Horizon.NEXT, None,
            ItemStatus.PLANNED, False, 1))
        db.session.flush()
        changelog.ship_item(staff, shipped, "Faster search", "Search answers in **10 ms**.")
        reply = db.session.get(Post, post)
        qa.accept_answer(_user("alice@example.com"), reply)
        qa.promote_to_faq(staff, reply, "Why does the invoices export fail with long names?",
                          f"Names over 255 characters are cut: {LONG_WORD}.",
                          reply.topic.category)
        moderation.open_flag(_user("alice@example.com"), "post", post, "spam", "Looks like spam")
        db.session.commit()
        item_id = item.id
    group = make_group(live_app, alice.id, "Lyon invoices and accounting users group",
                       description=f"For **Lyon** customers. {LONG_WORD}")
    club = make_club(live_app, pat.id, "Acme Railway Operators and Friends",
                     members=[(alice.id, ClubRole.MEMBER)])
    product = make_product(live_app, "Cercle Desktop", slug="desktop", launched_on=date(2024, 3, 1))
    make_review(live_app, bob.id, product, title=f"Solid and quick {LONG_WORD}")
    return Site(topic=topic, question=question, idea=idea, category="general", group=group,
                club=club, product="desktop", item=item_id, post=post, alice="alice",
                alice_id=alice.id)


def pages_for(role: str, s: Site) -> dict[str, str]:
    """The main pages each role may open (name -> path)."""
    public = {
        "home": "/", "ideas": "/ideas", "idea": f"/ideas/{s.idea}", "forums": "/forums",
        "category": f"/c/{s.category}", "topic": f"/t/{s.topic}", "faq": "/faq",
        "search": f"/search?q={QUERY}",
        "roadmap": "/roadmap", "roadmap-item": f"/roadmap/{s.item}", "changelog": "/changelog",
        "clubs": "/clubs", "club": f"/clubs/{s.club}", "groups": "/groups",
        "group": f"/groups/{s.group}", "profile": f"/u/{s.alice}", "reviews": "/products",
        "product": f"/products/{s.product}", "trust": "/trust",
    }
    if role == "visitor":
        return {**public, "login": "/login", "signup": "/signup"}
    if role == "member":
        return {**public, "notifications": "/notifications", "settings": "/settings",
                "priorities": "/priorities", "my-ideas": "/ideas/mine",
                "new-idea": "/ideas/new", "new-topic": "/forums/new"}
    if role == "moderator":
        return {"home": "/", "topic": f"/t/{s.topic}", "idea": f"/ideas/{s.idea}",
                "manage-topic": f"/t/{s.topic}/manage", "unanswered": "/forums/unanswered",
                "helpers": "/forums/helpers", "flags": "/moderation/flags",
                "flag": f"/moderation/flags/post/{s.post}",
                "account": f"/moderation/accounts/{s.alice_id}"}
    return {"home": "/", "idea": f"/ideas/{s.idea}", "triage": "/triage",
            "side-by-side": "/triage/clubs", "roadmap": "/roadmap",
            "roadmap-item": f"/roadmap/{s.item}", "insight": f"/ideas/{s.idea}/insight"}


LOGINS = {"visitor": None, "member": "alice@example.com", "moderator": "mo@example.com",
          "product": "pat@example.com"}


def serious(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA findings of critical or serious impact, as "rule: targets"."""
    results = Axe().run(page, options={"runOnly": AXE_TAGS})
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"]
            if v.get("impact") in ("critical", "serious")]


def overflow(page) -> str:
    """"" when the page fits; else how wide it is and its widest elements, to fix them."""
    return page.evaluate("""() => {
      const doc = document.documentElement;
      if (doc.scrollWidth <= window.innerWidth) return "";
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 4).map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
      return `${doc.scrollWidth} > ${window.innerWidth}: ${wide.join(", ")}`;
    }""")


@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_fits_a_phone_and_a_desktop_and_passes_axe(
        browser, live_server, site, role, tmp_path):
    """One context per role; each page is loaded once per width, checked once by axe."""
    shots = _shots_dir(tmp_path)
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    problems: list[str] = []
    try:
        page = context.new_page()
        if LOGINS[role]:
            log_in(page, LOGINS[role])
        for viewport in WIDTHS:
            page.set_viewport_size(viewport)
            for name, path in pages_for(role, site).items():
                response = page.goto(path)
                where = f"{role} {name} {path} at {viewport['width']} px"
                if response is None or response.status != 200 or (
                        "/login" in page.url and path != "/login"):
                    problems.append(f"{where}: HTTP {response and response.status}")
                    continue
                if role == "member" and name in SHOTS:
                    page.screenshot(path=shots / f"{name}-{viewport['width']}.png",
                                    full_page=True)
                wide = overflow(page)
                if wide:
                    problems.append(f"{where}: overflows, {wide}")
                problems.extend(f"{where}: {finding}" for finding in serious(page))
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_header_search_finds_an_idea_and_a_topic(page, site, tmp_path):
    """From any page, one query in the header's search box finds both kinds."""
    page.set_viewport_size(PHONE)
    page.goto(f"/groups/{site.group}")
    box = page.locator("header").get_by_role("searchbox", name="Search the site")
    assert box.is_visible()  # outside the folded menu, on a phone too
    box.fill(QUERY)
    with page.expect_navigation():
        box.press("Enter")
    assert re.search(rf"/search\?q={QUERY}$", page.url), page.url
    results = page.locator("ol.search-results")
    assert results.get_by_role("link", name=IDEA_TITLE).is_visible()
    assert results.locator(f"a[href='/t/{site.topic}']").is_visible()
    page.screenshot(path=_shots_dir(tmp_path) / "search-390.png", full_page=True)
    kinds = page.get_by_role("navigation", name="Kinds of result")
    kinds.get_by_role("link", name=re.compile(r"^Ideas")).click()
    page.wait_for_url(re.compile(r"kind=idea"))
    assert results.get_by_role("link", name=IDEA_TITLE).is_visible()
    assert results.locator(f"a[href='/t/{site.topic}']").count() == 0


def test_the_menu_folds_on_a_phone_and_works_from_the_keyboard(page, site, tmp_path):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    menu = page.get_by_role("navigation", name="Main")
    ideas_link = menu.get_by_role("link", name="Ideas", exact=True)
    assert not ideas_link.is_visible()
    summary = page.locator("header summary")
    assert summary.inner_text().strip() == "Menu"
    summary.focus()
    page.keyboard.press("Enter")
    assert ideas_link.is_visible()
    page.screenshot(path=_shots_dir(tmp_path) / "menu-open-390.png")
    box = ideas_link.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    page.keyboard.press("Escape")
    assert not ideas_link.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Space")
    assert ideas_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Forums"

    page.set_viewport_size(DESKTOP)
    assert ideas_link.is_visible() and not summary.is_visible()


@pytest.mark.parametrize("viewport", WIDTHS, ids=["phone", "desktop"])
def test_without_javascript_the_menu_and_search_still_work(browser, live_server, site,
                                                          viewport):
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=viewport,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        link = page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Ideas", exact=True)
        if viewport is PHONE:
            assert not link.is_visible()
            page.locator("header summary").click()
        assert link.is_visible()
        box = page.locator("header").get_by_role("searchbox", name="Search the site")
        box.fill(QUERY)
        with page.expect_navigation():
            box.press("Enter")
        assert page.locator("ol.search-results").get_by_role("link", name=IDEA_TITLE).count()
    finally:
        context.close()
