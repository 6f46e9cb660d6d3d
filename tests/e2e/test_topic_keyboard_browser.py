"""The topic and profile pages in Chromium (issue #15): the reply reached and sent with the
keyboard alone (Enter on the form's first button sends the reply, not the preview); a topic with
a quote, avatars (initials and a picture), an accepted answer and a hidden post as a moderator
sees it, and a profile with recent activity, fitting 390 and 1280 px with no critical or serious
axe-core finding. Screenshots go to $SCREENSHOTS_DIR (else the test's tmp_path)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from community.accounts import avatars
from community.accounts.models import Role, User
from community.extensions import db
from community.forums import admin, qa
from community.forums.models import Post, Topic
from community.moderation import service as moderation
from tests.conftest import make_user
from tests.e2e.pages import log_in
from tests.e2e.test_groups_browser import PHONE, serious
from tests.e2e.test_sessions_browser import DESKTOP, fits
from tests.forums.conftest import new_reply, new_topic

pytestmark = pytest.mark.e2e


def _shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def topic(live_app):
    """A solved question: Alice asks, Bob (with a picture) answers and is quoted, Carol's
    advertising is hidden by Mo with a reason."""
    alice = make_user(live_app, "Alice Martin", "alice@example.com", handle="alice")
    bob = make_user(live_app, "Bob Durand", "bob@example.com", handle="bob")
    carol = make_user(live_app, "Carol Spam", "carol@example.com", handle="carol")
    make_user(live_app, "Mo Derator", "mo@example.com", handle="mo", role=Role.MODERATOR)
    with live_app.app_context():
        category = admin.create_category("General", slug="general", position=1)
        db.session.commit()
        category_id = category.id
    topic_id = new_topic(live_app, alice.id, category_id, title="How do I export my data?",
                         body="I cannot find the **export** button anywhere.", question=True)
    answer = new_reply(live_app, bob.id, topic_id,
                       "Open *Settings*, then **My data**, then Download.\n\nIt is a JSON file.")
    with live_app.test_request_context():
        from community.forums.views import _quote
        quoted = _quote(db.session.get(Post, answer))
    new_reply(live_app, alice.id, topic_id, quoted + "Found it, thank you!")
    spam = new_reply(live_app, carol.id, topic_id, "Buy cheap watches at example.test")
    with live_app.app_context():
        out = io.BytesIO()
        Image.new("RGB", (240, 240), (30, 90, 160)).save(out, "PNG")
        bob_user = db.session.get(User, bob.id)
        avatars.set_avatar(bob_user, bob_user, out.getvalue())
        mo = db.session.scalar(sa.select(User).where(User.handle == "mo"))
        moderation.open_flag(db.session.get(User, alice.id), "post", spam, "spam")
        moderation.decide_subject(mo, "post", spam, "hide", "Advertising is off-topic")
        qa.accept_answer(db.session.get(User, alice.id), db.session.get(Post, answer))
        db.session.commit()
        return db.session.get(Topic, topic_id).id


def _topic_path(live_app, topic_id: int) -> str:
    with live_app.app_context():
        topic = db.session.get(Topic, topic_id)
        return f"/t/{topic.id}-{topic.slug}"


def test_the_reply_is_reached_and_sent_with_the_keyboard(browser, live_app, live_server, topic):
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "bob@example.com")
        page.goto(_topic_path(live_app, topic))
        page.locator("body").focus()
        for _ in range(200):  # from the top of the page, Tab until the reply box
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.name") == "body":
                break
        else:
            pytest.fail("the reply box is not reachable with Tab")
        page.keyboard.type("Glad it helped, Alice.")
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        assert focused == ["submit", "Reply"]
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"#p5$"))
        assert page.locator("#p5 .body").inner_text().strip() == "Glad it helped, Alice."
        assert page.locator(".preview").count() == 0
    finally:
        context.close()


def _check(page, name: str, shots: Path) -> None:
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.screenshot(path=shots / f"{name}-{viewport['width']}.png", full_page=True)
        assert fits(page), f"{name} overflows at {viewport['width']} px"
        assert serious(page) == [], f"{name} at {viewport['width']} px"


def test_topic_and_profile_fit_and_pass_axe(browser, live_app, live_server, topic, tmp_path):
    shots = _shots(tmp_path)
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "mo@example.com")
        assert page.goto(_topic_path(live_app, topic)).status == 200
        assert page.locator("blockquote.quote .quote-cite").count() == 1
        assert page.locator(".solved-link a").inner_text() == (
            "See the accepted answer by Bob Durand")
        assert page.locator("img.avatar").count() >= 1
        assert page.locator("span.avatar[data-initials='AM']").count() >= 1
        hidden = page.locator("article.post-gone")
        assert ("Hidden by a moderator after members reported it: Spam or advertising."
                in hidden.inner_text())
        assert hidden.locator(".body").evaluate("e => getComputedStyle(e).opacity") == "1"
        _check(page, "topic", shots)

        assert page.goto("/u/alice").status == 200
        assert page.locator(".activity li").count() == 2  # her topic and her reply
        _check(page, "profile", shots)

        assert page.goto("/settings").status == 200  # the picture's form beside the profile
        _check(page, "settings", shots)
    finally:
        context.close()
