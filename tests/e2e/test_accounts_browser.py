"""A newcomer's first visit, in a real browser: sign up, confirm, log in and out, switch to
French, download their data. Screenshots of each step go to the test's tmp_path."""

from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import GOOD_PASSWORD, make_user
from tests.helpers import links_in, mails_to

pytestmark = pytest.mark.e2e

NAME = "Ada Lovelace"
EMAIL = "ada@example.com"
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def french(app, *msgids: str) -> dict[str, str]:
    """What the running app's French catalog says for each msgid (the msgid when untranslated)."""
    with app.test_request_context(), force_locale("fr"):
        return {msgid: gettext(msgid) for msgid in msgids}


def csp_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if any(marker in e for marker in CSP_MARKERS)]


def script_ran(page) -> bool:
    """cercle.js marks the language form's "Change" button hidden once it has run."""
    return page.evaluate(
        "document.querySelector('form.language-form button').hasAttribute('hidden')"
    )


def header(page):
    return page.locator("header.site-header")


def flash(page):
    return page.locator(".flashes .flash")


def log_in(page, email: str = EMAIL, password: str = GOOD_PASSWORD) -> None:
    """Go to the login page through the header link and fill in the form."""
    header(page).get_by_role("link", name="Log in", exact=True).click()
    page.wait_for_url("**/login")
    form = page.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))


def test_newcomer_signs_up_confirms_logs_in_switches_language_and_exports(
    page, live_server, live_app, outbox_dir, console_errors, tmp_path
):
    shots = tmp_path

    # 1. Sign up through the form; the door refuses forms sent back faster than
    #    SIGNUP_MIN_SECONDS (1 s here), so wait a little longer, as a person would.
    page.goto("/signup")
    assert page.title().startswith("Sign up")
    form = page.locator("main form")
    form.get_by_label("Display name", exact=True).fill(NAME)
    form.get_by_label("E-mail", exact=True).fill(EMAIL)
    form.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    assert form.locator("input[name=website]").input_value() == ""  # the honeypot stays empty
    page.screenshot(path=shots / "01-signup.png", full_page=True)
    page.wait_for_timeout(1200)
    form.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert EMAIL in page.locator("main").inner_text()
    page.screenshot(path=shots / "02-check-inbox.png", full_page=True)

    # 2. The verification link from the e-mail, absolute, on this server.
    mails = mails_to(outbox_dir, EMAIL)
    assert len(mails) == 1, [m["Subject"] for m in mails]
    links = [link for link in links_in(mails[0]) if "/verify/" in link]
    assert len(links) == 1, links_in(mails[0])
    assert links[0].startswith(f"{live_server}/verify/"), links[0]
    page.goto(links[0])
    assert flash(page).filter(
        has_text="Thank you, your e-mail address is confirmed."
    ).is_visible()
    assert page.get_by_role("heading", level=1).inner_text().strip().startswith(NAME)
    # The browser that signed up is signed in by the link: no "Log in" left to click.
    assert header(page).get_by_role("link", name=NAME, exact=True).is_visible()
    assert header(page).get_by_role("link", name="Log in", exact=True).count() == 0
    page.screenshot(path=shots / "03-confirmed.png", full_page=True)

    # 3. Log out with the header button, log in; the header shows the member's name. Log out
    #    and log in again.
    header(page).get_by_role("button", name="Log out", exact=True).click()
    flash(page).filter(has_text="You are logged out.").wait_for()
    log_in(page)
    assert flash(page).filter(has_text=f"Welcome back, {NAME}.").is_visible()
    assert header(page).get_by_role("link", name=NAME, exact=True).is_visible()
    page.screenshot(path=shots / "04-logged-in.png", full_page=True)

    header(page).get_by_role("button", name="Log out", exact=True).click()
    flash(page).filter(has_text="You are logged out.").wait_for()
    assert header(page).get_by_role("link", name=NAME, exact=True).count() == 0
    assert header(page).get_by_role("link", name="Log in", exact=True).is_visible()
    page.screenshot(path=shots / "05-logged-out.png", full_page=True)

    log_in(page)
    assert header(page).get_by_role("link", name=NAME, exact=True).is_visible()

    # 4. Français from the header's language picker: the script hides the "Change" button and
    #    submits the form as soon as the choice changes.
    assert page.locator("html").get_attribute("lang") == "en"
    assert script_ran(page), "cercle.js did not run"
    with page.expect_navigation():
        page.select_option("#lang", label="Français")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#lang").input_value() == "fr"
    # The header speaks French, in the words of the French catalog (at the time of writing
    # "Se déconnecter" and "Paramètres").
    fr = french(live_app, "Log out", "Settings", "Download my data")
    translated = {en: text for en, text in fr.items() if text != en}
    assert translated, f"the French catalog translates none of {sorted(fr)}"
    if "Log out" in translated:
        assert header(page).get_by_role("button", name=fr["Log out"], exact=True).is_visible()
        assert header(page).get_by_role("button", name="Log out", exact=True).count() == 0
    if "Settings" in translated:
        assert header(page).get_by_role("link", name=fr["Settings"], exact=True).is_visible()
    # The choice is kept on the account: it holds on the next page too.
    page.reload()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=shots / "06-french.png", full_page=True)

    # 5. Download my data from the settings page.
    page.goto("/settings")
    assert page.locator("html").get_attribute("lang") == "fr"
    export_link = page.locator("#data a[download]")
    assert export_link.inner_text().strip() == fr["Download my data"]
    page.screenshot(path=shots / "07-settings.png", full_page=True)
    with page.expect_download() as download_info:
        export_link.click()
    download = download_info.value
    assert re.fullmatch(r"cercle-[\w-]+\.json", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    profile = document["profile"]
    assert profile["email"] == EMAIL
    assert profile["display_name"] == NAME
    assert profile["email_verified_at"]
    assert profile["locale"] == "fr"
    assert download.suggested_filename == f"cercle-{profile['handle']}.json"

    # No page along the way broke the Content-Security-Policy, or anything else.
    assert csp_errors(console_errors) == []
    assert console_errors == []


def test_the_console_watch_sees_a_policy_violation(page, live_server, console_errors):
    """Self-check of the fixture: an inline script on a page of this site is reported."""
    page.route(f"{live_server}/csp-probe", lambda route: route.fulfill(
        status=200, content_type="text/html",
        headers={"Content-Security-Policy": "script-src 'self'"},
        body="<!doctype html><title>probe</title><script>document.title = 'ran'</script>",
    ))
    page.goto("/csp-probe")
    assert page.title() == "probe"  # the inline script was blocked...
    assert csp_errors(console_errors), console_errors  # ...and the watch saw it


# Pages a visitor can open, then the pages of a logged-in member.
VISITOR_PAGES = ["/", "/signup", "/login", "/reset", "/u/alice-martin", "/no-such-page"]
MEMBER_PAGES = ["/", "/u/alice-martin", "/settings", "/settings/invitations",
                "/settings/delete"]


def test_no_page_violates_the_content_security_policy(
    page, live_server, live_app, console_errors, tmp_path
):
    """Every page loads its script and stylesheet from /static, nothing inline: no CSP error."""
    make_user(live_app)  # Alice Martin, verified

    def visit(path: str, name: str) -> None:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        # The stylesheet applied (body is a flex column) and the script ran.
        assert page.evaluate("getComputedStyle(document.body).display") == "flex", path
        assert script_ran(page), path
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)

    for number, path in enumerate(VISITOR_PAGES, 1):
        visit(path, f"visitor-{number:02d}")
    log_in(page, "alice@example.com")
    for number, path in enumerate(MEMBER_PAGES, 1):
        visit(path, f"member-{number:02d}")

    assert csp_errors(console_errors) == []


def test_language_change_button_disappears_when_scripts_run(page):
    page.goto("/")
    assert script_ran(page)
    assert page.locator("form.language-form button").is_hidden()


def test_language_button_works_without_javascript(browser, live_server, tmp_path):
    """With scripts off, the picker keeps its "Change" button, and the button switches."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  locale="en-US")
    try:
        page = context.new_page()
        page.goto("/login")
        button = page.locator("form.language-form button")
        assert button.is_visible()
        page.select_option("#lang", "fr")
        with page.expect_navigation():
            button.click()
        assert page.url == f"{live_server}/login"  # back where the visitor was
        assert page.locator("html").get_attribute("lang") == "fr"
        page.screenshot(path=tmp_path / "no-js-french.png", full_page=True)
    finally:
        context.close()
