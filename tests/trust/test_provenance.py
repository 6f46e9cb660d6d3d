"""Provenance in public, over HTTP on SQLite and PostgreSQL: where an idea's votes and a
product's reviews come from, and the /trust page's monthly figures (counts only, no person)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from community.accounts import standing
from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import queries as idea_queries
from community.ideas import service as ideas
from community.ideas.models import Idea
from community.moderation.models import AuditEntry, Flag, FlagKind, FlagReason, FlagState
from community.timeutil import utcnow
from community.trust import provenance
from community.trust.models import TrustEvent, TrustEventKind
from tests.conftest import make_user
from tests.helpers import statements_run, text
from tests.ideas.factories import make_idea
from tests.reviews.factories import make_product, make_review

ESTABLISHED = {"trust_level": 2}


def plain(response) -> str:
    """The page's text with its whitespace folded (what a reader sees)."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def rows_of(page: str, caption: str) -> dict[str, str]:
    """A table's row headers and their number, found by the table's caption."""
    table = page[page.index(f"<caption>{caption}</caption>"):]
    table = table[:table.index("</table>")]
    return dict(re.findall(r'<th scope="row">([^<]+)</th> ?<td class="num">([^<]+)</td>', table))


def vote(app, user_id: int, idea_id: int, importance: int = 2) -> None:
    with app.app_context():
        ideas.cast_vote(db.session.get(User, user_id), db.session.get(Idea, idea_id),
                        importance, None)
        db.session.commit()


# ---- the idea page ----

def test_the_idea_page_says_where_its_votes_come_from(app, client):
    author = make_user(app, "Ada Author", "ada@example.com", **ESTABLISHED)
    idea_id = make_idea(app, author.id)
    now = utcnow()
    voters = [
        make_user(app, "Eve Established", "eve@example.com", **ESTABLISHED),
        make_user(app, "Eli Established", "eli@example.com", trust_level=3),
        make_user(app, "Nat New", "nat@example.com"),  # level 0: counts half, not established
        make_user(app, "Dan Discounted", "dan@example.com", votes_discounted_at=now,
                  **ESTABLISHED),
        make_user(app, "Sue Suspended", "sue@example.com", suspended_at=now, **ESTABLISHED),
        make_user(app, "Rod Reduced", "rod@example.com", weight_reduced=True, **ESTABLISHED),
        make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT),
    ]
    later = make_user(app, "Lou Later", "lou@example.com", **ESTABLISHED)
    for voter in [*voters, later]:
        vote(app, voter.id, idea_id)
    assert "2 discounted after review" in plain(client.get(f"/ideas/{idea_id}-dark-mode"))
    # A moderator's discount after the vote: the stored weight follows (same transaction).
    with app.app_context():
        db.session.get(User, later.id).votes_discounted_at = utcnow()
        standing.reweigh([later.id])
        db.session.commit()

    page = plain(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert ("7 votes · 2 from established members · 3 discounted after review · 1 counted at a "
            "reduced weight while moderators review it · 1 from the team, counted apart") in page
    with app.app_context():
        with statements_run(app) as seen:
            origin = idea_queries.provenance(idea_id)
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
        idea = db.session.get(Idea, idea_id)
        # The line agrees with the idea's counters (kept vote by vote).
        assert (origin.votes, origin.established, origin.staff) == (
            idea.vote_count, idea.established_vote_count, idea.staff_vote_count)


def test_an_idea_without_votes_keeps_the_short_line(app, client):
    author = make_user(app, "Ada Author", "ada@example.com")
    idea_id = make_idea(app, author.id)
    page = plain(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert "0 votes · 0 from established members" in page
    assert "discounted after review" not in page and "reduced weight" not in page


def test_several_reduced_votes_read_in_the_plural(app, client):
    author = make_user(app, "Ada Author", "ada@example.com")
    idea_id = make_idea(app, author.id)
    for name in ("Rod", "Ray"):
        voter = make_user(app, f"{name} Reduced", f"{name.lower()}@example.com",
                          weight_reduced=True)
        vote(app, voter.id, idea_id)
    page = plain(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert "2 votes · 0 from established members · 2 counted at a reduced weight while " \
           "moderators review them" in page


# ---- the product page ----

def test_the_product_page_says_where_its_reviews_come_from(app, client):
    product_id = make_product(app)
    for name, fields in (("Ann", {}), ("Ben", {}), ("Rae", {"weight_reduced": True}),
                         ("Dan", {"votes_discounted_at": utcnow()}),
                         ("Pat", {"role": Role.PRODUCT})):
        user = make_user(app, f"{name} Writer", f"{name.lower()}@example.com", **fields)
        make_review(app, user.id, product_id, rating=4, title=f"By {name}")
    page = plain(client.get("/products/desktop/reviews"))
    assert ("Counted in the average: 3 of 4 reviews; 1 discounted after review; 1 counted at a "
            "reduced weight while moderators review it") in page
    # What the page said before stays.
    assert "average of 3 trusted reviews" in page
    assert "Not in the average: 1 from the team, 1 counted apart by the moderators." in page


def test_a_product_without_reviews_from_members_has_no_provenance_line(app, client):
    product_id = make_product(app)
    staff = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    make_review(app, staff.id, product_id)
    page = plain(client.get("/products/desktop/reviews"))
    assert "Counted in the average" not in page and "No trusted review yet." in page


# ---- the /trust page ----

def month_before(today) -> datetime:
    """Noon on the 15th of the month before today's."""
    first = today.replace(day=1) - timedelta(days=1)
    return datetime(first.year, first.month, 15, 12)


def test_the_trust_page_gives_a_months_figures_and_no_person(app, client):
    at = month_before(utcnow().date())
    elsewhere = at + timedelta(days=40)  # the month after: not counted in ``at``'s month
    moderator = make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    reporter = make_user(app, "Rita Reporter", "rita@example.com")
    dan = make_user(app, "Dan Discounted", "dan@example.com", votes_discounted_at=utcnow())
    sue = make_user(app, "Sue Suspended", "sue@example.com", suspended_at=utcnow())
    idea_id = make_idea(app, reporter.id)
    vote(app, dan.id, idea_id)
    vote(app, sue.id, idea_id)
    vote(app, reporter.id, idea_id)
    make_product(app)
    make_review(app, dan.id, 1)
    make_review(app, reporter.id, 1)
    with app.app_context():
        for rule, when in (("disposable_email", at), ("disposable_email", at),
                           ("too_fast", at), ("mystery_rule", at), ("too_fast", elsewhere)):
            db.session.add(TrustEvent(kind=TrustEventKind.SIGNUP_REFUSED, rule=rule,
                                      created_at=when, email_domain="mailinator.com",
                                      ip_hash="a" * 64))
        db.session.add(TrustEvent(kind=TrustEventKind.DEMO_REFUSED, rule="too_fast",
                                  created_at=at))

        def flag(kind, subject_id, created, state=FlagState.OPEN, decided=None, **more):
            db.session.add(Flag(
                kind=kind, subject_type="account", subject_id=subject_id,
                reason=FlagReason.DETECTOR if kind is FlagKind.DETECTOR else FlagReason.FAKE,
                detector="rings" if kind is FlagKind.DETECTOR else None, created_at=created,
                state=state, decided_at=decided,
                decided_by_id=moderator.id if decided else None, **more))

        flag(FlagKind.DETECTOR, dan.id, at)
        flag(FlagKind.DETECTOR, sue.id, at, FlagState.ACTIONED, at)
        flag(FlagKind.MEMBER_REPORT, dan.id, at, FlagState.DISMISSED, at,
             reporter_id=reporter.id, note="rita@example.com says so")
        flag(FlagKind.MEMBER_REPORT, sue.id, at - timedelta(days=40), FlagState.ACTIONED, at,
             reporter_id=reporter.id)
        flag(FlagKind.DETECTOR, reporter.id, elsewhere, FlagState.ACTIONED, elsewhere)
        for action, subject_id, when in (
                ("account.discount", dan.id, at), ("account.restore", dan.id, at),
                ("account.discount", dan.id, at), ("account.discount", sue.id, at),
                ("account.suspend", sue.id, at), ("account.suspend", dan.id, elsewhere),
                ("flag.dismiss", dan.id, at)):
            db.session.add(AuditEntry(actor_id=moderator.id, action=action,
                                      subject_type="account", subject_id=subject_id,
                                      reason="Dan Discounted runs a ring", created_at=when))
        db.session.commit()

    response = client.get(f"/trust?month={at:%Y-%m}")
    assert response.status_code == 200
    page = text(response)
    month = f"{at:%B %Y}"
    assert "Honest numbers are the answer to" in page and f"<h2>{month}</h2>" in page
    refused = rows_of(page, f"Sign-ups refused in {month}, by rule")
    assert refused["Disposable e-mail address"] == "2"
    assert refused["Form sent back too fast for a person"] == "1"
    assert refused["Too many sign-ups from one network"] == "0"  # every rule is listed
    assert refused["mystery_rule"] == "1"  # a rule without words still counts
    assert re.search(r'<th scope="row">Total</th><td class="num">4</td>', page)
    assert rows_of(page, f"Flags opened and decided in {month}") == {
        "Opened by our detectors": "2", "Opened by members' reports": "1",
        "Dismissed: nothing wrong found": "1",
        "Actioned: content hidden or account acted on": "2"}
    assert rows_of(page, f"Moderators' decisions on accounts in {month}") == {
        "Discounted: their votes and reviews count for nothing": "2",  # two accounts
        "Suspended: no more logging in, their content hidden": "1",
        "Restored: a discount or a suspension undone": "1"}
    assert rows_of(page, "Votes and reviews discounted after review, today") == {
        "Product reviews": "1", "Votes on ideas": "2"}
    for personal in ("Dan", "Sue", "Rita", "Mo Derator", "@example.com", "mailinator",
                     "a" * 64, "runs a ring", "says so"):
        assert personal not in page, personal


def test_the_current_month_is_the_default_and_bad_months_fall_back_to_it(app, client):
    today = utcnow().date()
    current = f"{today:%B %Y}, so far"
    assert f"<h2>{current}</h2>" in text(client.get("/trust"))
    for bad in ("2020-13", "2020-00", "abc", "", "0000-01", "1999-12", "2024-1", "2024-001",
                "9999-12", f"{today.year + 1}-{today.month:02d}", "2024-06-01",
                "١٢٣٤-٠٦", "%00", "2024-06 "):
        response = client.get("/trust", query_string={"month": bad})
        assert response.status_code == 200, bad
        assert f"<h2>{current}</h2>" in text(response), bad
    response = client.get("/trust?month=2024-06&month=2024-07")
    assert response.status_code == 200 and "<h2>June 2024</h2>" in text(response)


def test_the_month_links_stay_between_the_first_member_and_today(app, client):
    today = utcnow().date()
    joined = month_before(today) - timedelta(days=31)  # two months ago
    make_user(app, "Old Timer", "old@example.com", created_at=joined)
    page = text(client.get("/trust"))
    previous = month_before(today)
    assert f'href="/trust?month={previous:%Y-%m}" rel="prev"' in page
    assert 'rel="next"' not in page
    oldest = text(client.get(f"/trust?month={joined:%Y-%m}"))
    assert 'rel="prev"' not in oldest
    assert f'href="/trust?month={previous:%Y-%m}" rel="next"' in oldest
    last = text(client.get(f"/trust?month={previous:%Y-%m}"))
    assert 'href="/trust" rel="next"' in last  # the current month has no parameter


def test_the_trust_page_is_public_and_in_the_menu(app, client):
    page = text(client.get("/"))
    assert '<a href="/trust">Trust figures</a>' in page
    response = client.get("/trust")
    assert response.status_code == 200
    assert "<caption>" in text(response) and 'scope="col"' in text(response)


def test_the_discounted_counters_come_from_the_domains(app):
    with app.app_context():
        assert set(provenance.discounted_now()) == {"votes", "reviews"}
        provenance.register_discounted_counter("toy", lambda: {"votes": 5, "pins": 1})
        assert provenance.discounted_now() == {"votes": 5, "reviews": 0, "pins": 1}
