"""Moderation in a real browser: a moderator opens a burst flag from the queue, sees the chart
and the accounts in the burst, discounts two of them (each with a reason), and the idea's place
in the trusted ranking changes on the next page load. The queue, the flag's page and the
account's page pass axe-core and fit a phone (360 px) and a desktop. Screenshots go to
tmp_path."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import service as ideas
from community.ideas.models import Idea, Vote
from community.moderation import service as moderation
from community.timeutil import utcnow
from community.trust import pipeline, scan
from community.trust.combiner import Combined
from tests.conftest import make_user
from tests.e2e.pages import flash, log_in
from tests.e2e.test_sessions_browser import DESKTOP, fits, violations

pytestmark = pytest.mark.e2e

NARROW = {"width": 360, "height": 780}


@pytest.fixture
def burst(live_app):
    """Two ideas: "Offline sync" leads the trusted ranking (37 to 36) only thanks to a burst of
    sixteen three-day-old accounts (level basic: each came back once and read a little, weight
    0.75) voting "critical" within the hour; "Dark mode" has twelve honest members' support.
    Two accounts discounted take "Offline sync" to 32.5, behind."""
    old = utcnow() - timedelta(days=120)
    honest = [make_user(live_app, f"Honest {n}", f"honest{n}@example.com", created_at=old)
              for n in range(12)]
    young = utcnow() - timedelta(days=3)
    burst_accounts = [make_user(live_app, f"Burst {n}", f"burst{n}@example.com",
                                created_at=young, trust_level=1) for n in range(16)]
    make_user(live_app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    team = make_user(live_app, "Tess Team", "tess@example.com", role=Role.PRODUCT)
    with live_app.app_context():
        author = db.session.get(User, team.id)
        dark = ideas.create_idea(author, "Dark mode", "Please add a dark theme.", None, [],
                                   author_vote=False)
        sync = ideas.create_idea(author, "Offline sync", "Work on the train.", None, [],
                                   author_vote=False)
        for n, member in enumerate(honest):
            ideas.cast_vote(db.session.get(User, member.id), dark, 3, None)
            if n == 0:
                ideas.cast_vote(db.session.get(User, member.id), sync, 1, None)
        db.session.flush()
        # The burst: the votes as the activity log holds them, an hour ago, one every 3 min;
        # the log's history of the idea before that is the one honest vote, weeks ago.
        start = utcnow() - timedelta(hours=1)
        db.session.execute(sa.update(activity.Activity).values(
            at=utcnow() - timedelta(days=20)))
        for member in burst_accounts:
            ideas.cast_vote(db.session.get(User, member.id), sync, 3, None)
        db.session.flush()
        db.session.execute(sa.update(activity.Activity).where(
            activity.Activity.kind == ActivityKind.VOTE_CAST,
            activity.Activity.user_id.in_([u.id for u in burst_accounts])).values(at=start))
        for n, member in enumerate(burst_accounts):
            db.session.execute(sa.update(activity.Activity).where(
                activity.Activity.user_id == member.id).values(
                at=start + timedelta(minutes=3 * n)))
        db.session.commit()
        # What `flask trust scan` would open: the burst's flag on the idea.
        inputs = pipeline.Inputs(votes=scan.load_votes(), accounts=scan.load_accounts(),
                                 traces=scan.load_traces())
        combined = Combined(pipeline.findings(inputs, utcnow()))
        subject = ("idea", sync.id)
        suspicion = combined.own(subject)
        assert suspicion >= 0.5 and combined.findings[subject][0].detector == "burst"
        moderation.open_detector_flag("trust", "idea", sync.id, round(suspicion, 3),
                                      combined.evidence(subject, suspicion))
        db.session.commit()
        return dark.id, sync.id, [u.id for u in burst_accounts]


def trusted_titles(page) -> list[str]:
    page.goto("/ideas?sort=trusted")
    return [t.strip() for t in page.locator("main a.idea-title").all_inner_texts()
            if t.strip() in ("Dark mode", "Offline sync")]


def test_a_moderator_discounts_a_burst_and_the_trusted_ranking_follows(
        browser, page, live_server, live_app, burst, console_errors, tmp_path):
    dark, sync, accounts = burst
    page.set_viewport_size(DESKTOP)
    log_in(page, "mo@example.com")
    assert trusted_titles(page) == ["Offline sync", "Dark mode"]

    # The queue: the burst's flag, and the count in the menu.
    page.goto("/moderation/flags")
    assert re.search(r"Moderation.*1", page.get_by_role("navigation", name="Main")
                     .inner_text(), re.S)
    page.screenshot(path=tmp_path / "01-queue-desktop.png", full_page=True)
    assert violations(page) == []
    page.locator("main").get_by_role("link", name="Every flag and the evidence").first.click()
    page.wait_for_url(f"**/moderation/flags/idea/{sync}")

    # The flag's page: the chart with its table, the accounts in the burst.
    chart = page.locator("svg[role=img]").first
    assert chart.is_visible()
    assert "Votes or reviews per" in chart.inner_html()  # its <title>
    assert page.locator("caption", has_text=re.compile("Votes or reviews per")).count() == 1
    burst_table = page.locator("table", has=page.locator("caption",
                                                         has_text="Accounts in the burst"))
    assert burst_table.locator("tbody tr").count() == 16
    page.screenshot(path=tmp_path / "02-flag-desktop.png", full_page=True)
    assert violations(page) == []
    page.set_viewport_size(NARROW)
    page.screenshot(path=tmp_path / "03-flag-360.png", full_page=True)
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > window.innerWidth + 1
             && !e.closest('.evidence-scroll')).slice(0, 6).map(
        e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert fits(page), wide

    # Discount two accounts, each from its row, with a reason.
    for name in ("Burst 0", "Burst 1"):
        page.goto(f"/moderation/flags/idea/{sync}")
        burst_table = page.locator("table", has=page.locator("caption",
                                                             has_text="Accounts in the burst"))
        row = burst_table.locator("tbody tr", has_text=name)
        row.get_by_role("link", name=f"Standing and actions ({name})", exact=True).click()
        page.wait_for_url(re.compile(r"/moderation/accounts/\d+\?flag=\d+"))
        if name == "Burst 0":
            page.screenshot(path=tmp_path / "04-account-360.png", full_page=True)
            assert fits(page)
            assert violations(page) == []
        form = page.locator("form", has=page.get_by_role(
            "button", name="Discount: votes and reviews weigh nothing"))
        form.get_by_label("Reason (kept in the audit log)").fill(
            "six new votes within the hour, all critical")
        form.get_by_role("button", name="Discount: votes and reviews weigh nothing").click()
        page.wait_for_url(f"**/moderation/flags/idea/{sync}")
        assert "discounted" in flash(page).first.inner_text()

    # The next page load: the honest favourite leads the trusted ranking again.
    page.set_viewport_size(DESKTOP)
    assert trusted_titles(page) == ["Dark mode", "Offline sync"]
    with live_app.app_context():
        discounted = db.session.scalars(sa.select(User.id).where(
            User.votes_discounted_at.is_not(None))).all()
        assert sorted(discounted) == sorted(accounts[:2])
        assert ideas.recount_all() == 0
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.sum(Vote.weight)).where(
            Vote.user_id.in_(accounts[:2]))) == 0
        assert db.session.get(Idea, dark).trusted_score > db.session.get(Idea, sync).trusted_score
    assert console_errors == []
