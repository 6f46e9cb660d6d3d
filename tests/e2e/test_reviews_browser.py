"""Product reviews in a real browser: a verified member finds the product from the menu, writes
a review (rating radio group, title, text, month and year), and sees it on the product page
beside the average; the team's review is shown apart. The form and the product page pass
axe-core and fit a phone (375 and 360 px) and a desktop. Screenshots go to tmp_path."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.accounts.models import Role
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in
from tests.e2e.test_sessions_browser import DESKTOP, fits, violations
from tests.reviews.factories import make_product, make_review

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
NARROW = {"width": 360, "height": 780}
TITLE = "Fast, and the sync finally works"
BODY = "I keep **all my invoices** in it.\n\nSearch is instant; exports could be richer."


@pytest.fixture
def seeded(live_app):
    month_ago = utcnow() - timedelta(days=30)
    product_id = make_product(live_app, "Cercle Desktop", "desktop",
                              description="The desktop client for Windows, macOS and Linux.")
    ann = make_user(live_app, "Ann Early", "ann@example.com", created_at=month_ago)
    make_review(live_app, ann.id, product_id, rating=5, title="Best tool we adopted this year",
                body="Our team of six uses it daily.")
    pat = make_user(live_app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    make_review(live_app, pat.id, product_id, rating=5, title="We are proud of it",
                body="(I work on the desktop client.)")
    make_user(live_app, "Ada Reviewer", "ada@example.com", created_at=month_ago)
    return product_id


def test_member_writes_a_review_and_reads_the_product_page(
        browser, page, live_server, seeded, console_errors, tmp_path):
    page.set_viewport_size(PHONE)
    log_in(page, "ada@example.com")
    page.locator("header summary").click()  # on a phone the menu folds into a disclosure
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    page.wait_for_url("**/products")
    page.get_by_role("link", name="Cercle Desktop").click()
    page.wait_for_url("**/products/desktop/reviews")
    assert "5.0 out of 5" in page.locator("#summary-heading + p").inner_text()
    page.get_by_role("link", name="Write a review").click()
    page.wait_for_url("**/products/desktop/reviews/new")

    # The form: a named radio group, labelled fields, a month and a year in a fieldset.
    page.screenshot(path=tmp_path / "01-form-375.png", full_page=True)
    assert fits(page)
    assert violations(page) == []
    rating = page.get_by_role("group", name="Your rating")
    rating.get_by_label("4 out of 5: good").check()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Your review", exact=True).fill(BODY)
    since = page.get_by_role("group", name="Using it since")
    since.get_by_label("Month").select_option(label="February")
    since.get_by_label("Year").select_option(str(utcnow().year - 1))

    # A refused field comes back with its message and everything typed kept.
    page.get_by_label("Title", exact=True).fill("ab")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish my review").click()
    assert "Use between 3 and 120 characters." in page.locator(".field.has-errors").inner_text()
    assert page.get_by_label("Your review", exact=True).input_value() == BODY
    assert page.get_by_role("group", name="Your rating").get_by_label(
        "4 out of 5: good").is_checked()
    assert violations(page) == []
    page.get_by_label("Title", exact=True).fill(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish my review").click()
    page.wait_for_url("**/products/desktop/reviews")
    assert flash(page).filter(has_text="Your review is published.").is_visible()

    # The product page: the average counts Ann and Ada, never the team's review.
    summary = page.locator("#summary-heading + p").inner_text()
    assert "4.5 out of 5" in summary and "average of 2 trusted reviews" in summary
    mine = page.locator("article.review", has_text=TITLE)
    assert "4 out of 5" in mine.inner_text() and "Verified member" in mine.inner_text()
    assert "1 review" in mine.inner_text() and "member since" in mine.inner_text()
    assert mine.locator("strong", has_text="all my invoices").is_visible()
    team = page.locator("section", has=page.locator("#staff-heading"))
    assert "We are proud of it" in team.inner_text()
    assert "We are proud of it" not in page.locator(
        "section", has=page.locator("#list-heading")).inner_text()
    page.screenshot(path=tmp_path / "02-product-375.png", full_page=True)
    assert fits(page)
    assert violations(page) == []

    page.set_viewport_size(NARROW)
    page.screenshot(path=tmp_path / "03-product-360.png", full_page=True)
    assert fits(page)

    page.set_viewport_size(DESKTOP)
    page.reload()
    page.screenshot(path=tmp_path / "04-product-desktop.png", full_page=True)
    assert violations(page) == []

    # Another member's review: marked helpful (a toggle), sorted first by "Most helpful".
    ann_review = page.locator("article.review", has_text="Best tool we adopted this year")
    with page.expect_navigation():
        ann_review.get_by_role("button", name="Helpful").click()
    ann_review = page.locator("article.review", has_text="Best tool we adopted this year")
    assert ann_review.get_by_role("button", name="Helpful").get_attribute(
        "aria-pressed") == "true"
    assert "1 member found this helpful" in ann_review.inner_text()
    page.get_by_role("link", name="Most helpful").click()
    page.wait_for_url("**sort=helpful")
    assert page.locator("article.review").first.inner_text().startswith(
        "Best tool we adopted this year")
    # The refused form answered 422, which Chromium reports: the only console line allowed.
    assert [e for e in console_errors if "status of 422" not in e] == []
