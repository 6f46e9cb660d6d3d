"""Forums, in a real browser: a member asks a question (with a preview), another member answers,
the asker accepts the answer, the team promotes it to the FAQ, and a visitor browsing in French
finds it by searching other forms of the same words. Screenshots of each step go to tmp_path.

Only the users and the category are made directly; everything else goes through the pages.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from community.accounts.models import Role
from community.extensions import db
from community.forums import admin
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in, watch

pytestmark = pytest.mark.e2e

TITLE = "Comment exporter mes factures en PDF ?"
BODY = ("Bonjour, je cherche l'**exportation des factures** de l'année, en PDF, pour mon "
        "comptable :\n\n- janvier\n- février")
ANSWER = ("Ouvrez *Paramètres*, puis Facturation : le bouton « Exporter » télécharge chaque "
          "facture en PDF.")
FAQ_QUESTION = "Comment exporter toutes mes factures en PDF ?"
QUERY = "exporter facture"  # other forms of "exportation", "factures": same French stems
TOPIC_URL = re.compile(r"/t/(\d+)-comment-exporter-mes-factures-en-pdf$")


def french(app, *msgids: str) -> dict[str, str]:
    """What the running app's French catalog says for each msgid (the msgid when untranslated)."""
    with app.test_request_context(), force_locale("fr"):
        return {msgid: gettext(msgid) for msgid in msgids}


def established(app, name: str, email: str, handle: str, **fields):
    """A verified member whose account is two months old (no new-member posting limits)."""
    return make_user(app, name, email, handle=handle,
                     created_at=utcnow() - timedelta(days=60), **fields)


@pytest.fixture
def seeded(live_app):
    """One open category; an asker, an answerer and a product-team member."""
    with live_app.app_context():
        admin.create_category("Facturation", slug="facturation", position=1)
        db.session.commit()
    established(live_app, "Amélie Asker", "amelie@example.com", "amelie")
    established(live_app, "Bruno Answer", "bruno@example.com", "bruno")
    established(live_app, "Pat Product", "pat@example.com", "pat", role=Role.PRODUCT)



def other_profile(browser, live_server, errors: list[str]):
    """A second browser profile (its own cookies), English, with its errors collected."""
    context = browser.new_context(base_url=live_server, locale="en-US",
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch(page, errors)
    return context, page


def test_question_answered_accepted_promoted_to_faq_and_found_in_french(
    browser, page, live_server, live_app, seeded, console_errors, tmp_path
):
    shots = tmp_path
    other_errors: list[str] = []

    # 1. Amélie asks a question: "New topic" from the forums, a preview, then post.
    log_in(page, "amelie@example.com")
    page.goto("/forums")
    page.get_by_role("link", name="New topic", exact=True).click()
    page.wait_for_url("**/forums/new")
    form = page.locator("main form.form")
    form.get_by_label("Title", exact=True).fill(TITLE)
    form.get_by_label("Category", exact=True).select_option(label="Facturation")
    form.get_by_label(re.compile(r"^This is a question")).check()
    form.get_by_label("Message", exact=True).fill(BODY)
    with page.expect_navigation():
        form.get_by_role("button", name="Preview", exact=True).click()
    preview = page.get_by_role("region", name="Preview")
    assert preview.locator("strong").inner_text() == "exportation des factures"
    assert preview.locator("li").all_inner_texts() == ["janvier", "février"]
    assert "**" not in preview.inner_text()
    # The draft comes back whole, still a question.
    form = page.locator("main form.form")
    assert form.get_by_label("Title", exact=True).input_value() == TITLE
    assert form.get_by_label("Message", exact=True).input_value() == BODY
    assert form.get_by_label(re.compile(r"^This is a question")).is_checked()
    page.screenshot(path=shots / "01-new-question-preview.png", full_page=True)
    form.get_by_role("button", name="Post the topic", exact=True).click()
    page.wait_for_url(TOPIC_URL)
    topic_path = page.url.removeprefix(live_server)
    topic_id = int(TOPIC_URL.search(topic_path).group(1))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith(TITLE)
    assert heading.locator(".badge-question").inner_text().strip() == "Question"
    assert page.locator("#p1 .body strong").inner_text() == "exportation des factures"
    # Nobody has answered: the asker sees nothing to accept yet.
    assert page.get_by_role("button", name="Accept this answer").count() == 0
    page.screenshot(path=shots / "02-question-posted.png", full_page=True)

    # 2. Bruno, in his own browser profile, answers with the form at the bottom of the topic.
    bruno_context, bruno = other_profile(browser, live_server, other_errors)
    try:
        log_in(bruno, "bruno@example.com")
        bruno.goto(topic_path)
        reply = bruno.locator("form.reply-form")
        reply.get_by_label("Your reply", exact=True).fill(ANSWER)
        reply.get_by_role("button", name="Reply", exact=True).click()
        bruno.wait_for_url(re.compile(rf"/t/{topic_id}-[\w-]+#p2$"))
        answer = bruno.locator("#p2")
        assert "Bruno Answer" in answer.locator("header").inner_text()
        assert answer.locator(".body em").inner_text() == "Paramètres"
        assert "le bouton « Exporter » télécharge chaque facture" in answer.inner_text()
        # Only the asker (or the team) accepts an answer.
        assert answer.get_by_role("button", name="Accept this answer").count() == 0
        bruno.screenshot(path=shots / "03-answered.png", full_page=True)
    finally:
        bruno_context.close()

    # 3. Amélie reloads her question and accepts Bruno's answer.
    page.reload()
    answer = page.locator("#p2")
    assert "Bruno Answer" in answer.locator("header").inner_text()
    answer.get_by_role("button", name="Accept this answer", exact=True).click()
    flash(page).filter(has_text="Marked as the accepted answer.").wait_for()
    answer = page.locator("article.post-accepted")
    assert answer.get_attribute("id") == "p2"
    assert answer.locator(".badge-solved").inner_text().strip() == "Accepted answer"
    heading = page.get_by_role("heading", level=1)
    assert heading.locator(".badge-solved").inner_text().strip() == "Solved"
    assert heading.locator(".badge-question").count() == 0
    assert answer.get_by_role("button", name="Undo the acceptance", exact=True).is_visible()
    # A member is not staff: no way to the FAQ for her.
    assert answer.get_by_role("link", name="Add to the FAQ").count() == 0
    page.screenshot(path=shots / "04-accepted.png", full_page=True)

    # 4. Pat, of the product team, promotes the accepted answer to the FAQ, rewording the
    #    question; the FAQ shows it, linked back to the discussion.
    pat_context, pat = other_profile(browser, live_server, other_errors)
    try:
        log_in(pat, "pat@example.com")
        pat.goto(topic_path)
        pat.locator("#p2").get_by_role("link", name="Add to the FAQ", exact=True).click()
        pat.wait_for_url(re.compile(r"/p/\d+/faq$"))
        faq_form = pat.locator("main form.form")
        question = faq_form.get_by_label("Question", exact=True)
        assert question.input_value() == TITLE
        assert faq_form.get_by_label("Answer", exact=True).input_value() == ANSWER
        question.fill(FAQ_QUESTION)
        pat.screenshot(path=shots / "05-faq-form.png", full_page=True)
        faq_form.get_by_role("button", name="Save the FAQ entry", exact=True).click()
        pat.wait_for_url(re.compile(r"/faq#faq-\d+$"))
        assert flash(pat).filter(has_text="The answer is in the FAQ.").is_visible()
        entry_id = int(pat.url.rsplit("#faq-", 1)[1])
        entry = pat.locator(f"article#faq-{entry_id}")
        assert entry.get_by_role("heading", level=3).inner_text().strip() == FAQ_QUESTION
        assert "le bouton « Exporter » télécharge chaque facture" in entry.inner_text()
        assert pat.locator("h2.faq-category").inner_text().strip() == "Facturation"
        back = entry.get_by_role("link", name="Read the discussion", exact=True)
        pat.screenshot(path=shots / "06-faq.png", full_page=True)
        back.click()
        pat.wait_for_url(TOPIC_URL)
        assert pat.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    finally:
        pat_context.close()

    # The FAQ is public: a visitor sees the entry too.
    visitor_context, visitor = other_profile(browser, live_server, other_errors)
    try:
        visitor.goto("/faq")
        entry = visitor.locator(f"article#faq-{entry_id}")
        assert entry.get_by_role("heading", level=3).inner_text().strip() == FAQ_QUESTION
        assert entry.get_by_role("link", name="Read the discussion").get_attribute(
            "href") == f"/t/{topic_id}"
        assert entry.get_by_role("link", name="Edit").count() == 0  # staff only

        # 5. The visitor switches to French from the header, opens the search page from the
        #    forums and searches other forms of the words: "exporter facture".
        visitor.goto("/forums")
        assert visitor.locator("html").get_attribute("lang") == "en"
        with visitor.expect_navigation():
            visitor.select_option("#lang", label="Français")
        visitor.wait_for_url("**/forums")  # back where the visitor was
        assert visitor.locator("html").get_attribute("lang") == "fr"
        fr = french(live_app, "Ideas", "Log in", "Search", "Solved")
        for msgid in ("Ideas", "Log in"):  # translated long before the forums
            assert fr[msgid] != msgid, f"the French catalog no longer translates {msgid!r}"
        header = visitor.locator("header.site-header")
        assert header.get_by_role("link", name=fr["Ideas"], exact=True).is_visible()
        assert header.get_by_role("link", name=fr["Log in"], exact=True).is_visible()

        visitor.locator("main").get_by_role("link", name=fr["Search"], exact=True).click()
        visitor.wait_for_url("**/search")
        assert visitor.locator("html").get_attribute("lang") == "fr"
        box = visitor.get_by_role("searchbox").first
        box.fill(QUERY)
        with visitor.expect_navigation():
            box.press("Enter")
        assert re.search(r"/search\?q=exporter\+facture\b", visitor.url), visitor.url
        assert visitor.locator("html").get_attribute("lang") == "fr"
        assert header.get_by_role("link", name=fr["Ideas"], exact=True).is_visible()
        assert visitor.get_by_role("searchbox").first.input_value() == QUERY
        visitor.screenshot(path=shots / "07-search-fr.png", full_page=True)

        hits = visitor.locator("ol.search-results li.search-hit")
        faq_hit = hits.filter(has=visitor.locator(f"a[href='/faq#faq-{entry_id}']"))
        assert faq_hit.count() == 1, hits.all_inner_texts()
        assert faq_hit.locator("a.hit-title").inner_text().strip() == FAQ_QUESTION
        faq_marks = faq_hit.locator(".snippet mark").all_inner_texts()
        assert {"Exporter", "facture"} <= set(faq_marks), faq_marks

        topic_hit = hits.filter(has=visitor.locator(f"a[href='/t/{topic_id}']"))
        assert topic_hit.count() == 1, hits.all_inner_texts()
        assert topic_hit.locator("a.hit-title").inner_text().strip() == TITLE
        assert topic_hit.locator(".badge-solved").inner_text().strip() == fr["Solved"]
        topic_marks = topic_hit.locator(".snippet mark").all_inner_texts()
        assert "**" not in topic_hit.locator(".snippet").inner_text()  # plain text, no Markdown
        # The question says "exportation des factures": found by "exporter facture".
        assert {"exportation", "factures"} <= set(topic_marks), topic_marks
        for mark in faq_marks + topic_marks:
            assert re.fullmatch(r"(?i)export\w*|factur\w*", mark), mark

        # The FAQ hit leads to the entry.
        faq_hit.locator("a.hit-title").click()
        visitor.wait_for_url(f"**/faq#faq-{entry_id}")
        assert visitor.locator(f"article#faq-{entry_id} h3").inner_text().strip() == FAQ_QUESTION
        assert visitor.locator("html").get_attribute("lang") == "fr"
    finally:
        visitor_context.close()

    assert console_errors == []
    assert other_errors == []
