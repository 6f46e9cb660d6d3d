"""A staged launch, end to end, through HTTP (docs/TRUST.md, "The staged launch").

Fifty honest members join over two months, each from their own network and browser, read the
forums, help one another, vote on the ideas they care about (their own spread of ideas,
importance and days) and review the product in their own words. Then, on one afternoon, an
operator scripts thirty accounts from four networks and three browsers: each that gets in
votes "critical" for the same three ideas and posts a glowing review, in the same words, that
claims years of use of a product launched eighteen months ago.

Every request goes through a real server on a real port; each client binds its own source
address in 127.0.0.0/8, so the app sees the networks as they are (one /24 per honest member,
four for the operator). The app's clock is moved through the weeks (``tests/clock.py``), the
server running in this process. Then ``flask trust scan`` runs, and the test checks: most fakes
were refused at the door; every fake that got in is under an open flag with its evidence; no
honest member is flagged; with the flags' reduced weight the ideas' trusted ranking already
matches what the honest members alone give; after a moderator discounts the flagged accounts
(through the moderation pages), every score matches the honest members' alone exactly.
"""

from __future__ import annotations

import http.client
import random
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from community.accounts.models import Role, User
from community.extensions import db
from community.forums import admin as forum_admin
from community.forums import service as forums
from community.ideas import service as ideas
from community.ideas.models import Idea, Vote
from community.moderation.models import Flag, FlagState
from community.reviews import queries as review_queries
from community.reviews import service as reviews
from community.reviews.models import Review
from community.timeutil import utcnow
from community.trust.models import TrustEvent, TrustEventKind
from tests import clock
from tests.conftest import GOOD_PASSWORD, dispose, file_app, make_user
from tests.helpers import hidden_fields, links_in, mails_to, path_of

HONEST = 50
FAKES = 30
IDEAS = ["Dark mode", "Offline sync", "Export to CSV", "Calendar integration",
         "Two-factor login", "Bulk edit", "Custom fields", "Public API", "Slack alerts",
         "Recurring tasks"]
TARGETS = ["Custom fields", "Public API", "Slack alerts"]  # what the operator pushes
POPULARITY = [9, 8, 7, 6, 5, 4, 3, 3, 2, 2]  # how often honest members pick each idea

FIRST = ["Claire", "Marc", "Sofia", "Yann", "Ines", "Hugo", "Lea", "Omar", "Chloe", "Noah",
         "Emma", "Louis", "Sara", "Jonas", "Maya", "Theo", "Nina", "Paul", "Alba", "Victor",
         "Zoe", "Adam", "Lina", "Remi", "Eva"]
LAST = ["Dubois", "Leroy", "Moreau", "Girard", "Bonnet", "Faure", "Mercier", "Blanc",
        "Garnier", "Chevalier", "Robin", "Clement", "Morin", "Nicolas", "Henry", "Roussel"]
DOMAINS = ["acme-logistics.fr", "brightbakery.com", "nordic-tools.se", "atelier-lune.fr",
           "greenfield.io", "kappa-consulting.de", "harbour-freight.co.uk", "studio-nuit.fr",
           "orchard-labs.com", "valmont-legal.ch"]
USES = ["invoicing", "planning our deliveries", "tracking client projects", "our month-end",
        "scheduling the kitchen", "onboarding new hires", "field inspections",
        "the support desk", "sharing plans with suppliers", "quoting jobs"]
GOOD = ["the search is quick", "the mobile app is solid", "exports just work",
        "support answered within a day", "the shortcuts save me time",
        "permissions are easy to set", "sync rarely fails", "the reports are clear"]
BAD = ["the calendar view is cramped", "I miss a dark theme", "notifications come in bursts",
       "the setup took us a week", "bulk changes are tedious", "the API is too limited",
       "printing is clumsy", "the pricing page is confusing"]
OPENERS = ["Good question.", "For us it is simple:", "Happy to share.", "Small team here.",
           "Long story short:", "We started last spring.", "Not much to add, but", "Hello all!"]
DETAILS = ["about {n} of us log in daily", "{n} people share one workspace",
           "we have {n} projects running", "we moved {n} spreadsheets into it",
           "it replaced {n} separate tools", "we train {n} newcomers a year on it"]


def honest_words(rng: random.Random, company: str) -> str:
    """An answer in a member's own words: varied in structure, numbers and details."""
    detail = rng.choice(DETAILS).format(n=rng.randint(2, 90))
    parts = [rng.choice(OPENERS), f"at {company} we rely on it for {rng.choice(USES)},",
             f"{detail};", f"{rng.choice(GOOD)}", f"though {rng.choice(BAD)}."]
    if rng.random() < 0.5:
        parts[2], parts[3] = f"{rng.choice(GOOD)},", f"{detail}"
    return " ".join(parts)


FAKE_TEXT = ("Absolutely the best software ever made! I have been using it for 5 years and it "
             "changed my business completely. Custom fields, the public API and Slack alerts "
             "are what everyone needs. Five stars, highly recommend to everyone!")


# ---- a browser that binds its own source address ----

class Browser:
    """Cookies, forms and redirects, over http.client from a chosen loopback address."""

    def __init__(self, port: int, source: str) -> None:
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers.get("Location"), text

    def get(self, path: str):
        """GET, following redirects within the site (a topic's /t/12 goes to /t/12-title)."""
        for _ in range(5):
            status, location, text = self.request("GET", path)
            if status not in (301, 302, 303) or not location:
                break
            path = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
        return status, location, text

    def post(self, path: str, data: dict, page: str | None = None):
        """GET ``page`` (default ``path``) for its hidden fields, then POST the form."""
        _, _, html = self.get(page or path)
        return self.request("POST", path, {**hidden_fields(html), **data})


# ---- the world ----

class Launch:
    def __init__(self, app, port: int, outbox, rng: random.Random, day: datetime) -> None:
        self.app, self.port, self.outbox, self.rng, self.day = app, port, outbox, rng, day
        self.ideas: dict[str, int] = {}
        self.honest: dict[str, Browser] = {}
        self.fake_emails: list[str] = []
        self.fakes_in: dict[str, Browser] = {}

    def at(self, moment: datetime) -> None:
        clock.set_now(moment)

    def setup(self) -> None:
        """The product team's side, before anyone joins: ideas, a product, a forum."""
        self.at(self.day - timedelta(days=80))
        team = make_user(self.app, "Tess Team", "tess@cercle-launch.example", role=Role.PRODUCT)
        make_user(self.app, "Mo Derator", "mo@cercle-launch.example", role=Role.MODERATOR)
        with self.app.app_context():
            author = db.session.get(User, team.id)
            for title in IDEAS:
                self.ideas[title] = ideas.create_idea(author, title, f"Please add {title}.",
                                                      None, []).id
            admin = User(handle="launch-admin", display_name="Ad Min", password_hash="!",
                         role=Role.ADMIN)
            self.product = reviews.save_product(
                admin, None, name="Cercle Desktop", slug="desktop",
                launched_on=(self.day - timedelta(days=548)).date().replace(day=1)).id
            category = forum_admin.create_category("General", slug="general", position=1)
            guide = forums.create_topic(author, category, "Getting started, all in one place",
                                        "Start here.", False)
            for n in range(2, 41):
                forums.reply(author, guide, f"Tip {n}: a thing worth knowing about step {n}.")
            questions = forums.create_topic(author, category, "How do you use Cercle Desktop?",
                                            "Tell us about your team.", False)
            db.session.commit()
            self.guide, self.questions = guide.id, questions.id

    def join(self, browser: Browser, name: str, email: str) -> int:
        """Sign up and open the verification link; the status of the sign-up form."""
        status, _, _ = browser.post("/signup", {"display_name": name, "email": email,
                                                "password": GOOD_PASSWORD, "website": ""})
        if status != 200:
            return status
        [message] = mails_to(self.outbox, email)
        link = next(link for link in links_in(message) if "/verify/" in link)
        browser.get(path_of(link))
        return status

    def honest_life(self) -> None:
        """Two months of fifty members: join, come back, read, help, vote, review."""
        rng = self.rng
        plans = []
        for n in range(HONEST):
            name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}"
            email = f"{name.split()[0].lower()}.{name.split()[1].lower()}{n}@{DOMAINS[n % 10]}"
            email = email.replace(f"{n}@", "@") if n < 25 else email.replace(f"{n}@", f".{n}@")
            joined = self.day - timedelta(days=70 - n // 2, hours=rng.randint(8, 18))
            plans.append((name, email, joined, Browser(self.port, f"127.20.{n + 1}.7")))
        for name, email, joined, browser in sorted(plans, key=lambda p: p[2]):
            self.at(joined)
            assert self.join(browser, name, email) == 200, email
            self.honest[email] = browser
        members = [(email, joined) for _, email, joined, _ in plans]
        # Each comes back on eight days, reads the guide, answers the question once.
        for k in range(1, 9):
            for email, joined in members:
                self.at(joined + timedelta(days=3 * k, hours=rng.randint(0, 6)))
                browser = self.honest[email]
                browser.get("/ideas")
                if k == 1:
                    browser.get(f"/t/{self.guide}")
                    browser.get(f"/t/{self.guide}?page=2")
                    company = email.split("@")[1].split(".")[0]
                    browser.post(f"/t/{self.questions}/reply",
                                 {"body": honest_words(rng, company), "submit": "1"})
        # Each marks the next member's answer helpful (each receives one).
        with self.app.app_context():
            answers = dict(db.session.execute(sa.text(
                "SELECT u.email, p.id FROM posts p JOIN users u ON u.id = p.author_id "
                "WHERE p.topic_id = :t AND p.number > 1"), {"t": self.questions}).all())
        emails = [email for email, _ in members]
        for i, email in enumerate(emails):
            self.at(members[i][1] + timedelta(days=26, hours=rng.randint(0, 6)))
            target = answers[emails[(i + 1) % len(emails)]]
            self.honest[email].post(f"/p/{target}/helpful", {}, page=f"/t/{self.questions}")
        # Votes and reviews, on their own days.
        titles = list(self.ideas)
        for email, joined in members:
            browser = self.honest[email]
            chosen = set()
            while len(chosen) < rng.randint(2, 5):
                chosen.add(rng.choices(titles, POPULARITY)[0])
            for title in sorted(chosen):
                self.at(joined + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 9)))
                idea_id = self.ideas[title]
                browser.post(f"/ideas/{idea_id}/vote",
                             {"importance": str(rng.choice([1, 1, 2, 2, 2, 3]))},
                             page="/ideas")
            if rng.random() < 0.7:
                self.at(joined + timedelta(days=rng.randint(10, 34), hours=rng.randint(0, 9)))
                since = joined - timedelta(days=rng.randint(0, 500))  # after the launch
                body = honest_words(rng, email.split("@")[1].split(".")[0])
                browser.post("/products/desktop/reviews/new", {
                    "rating": str(rng.choice([2, 3, 4, 4, 4, 5, 5])),
                    "title": f"{rng.choice(GOOD).capitalize()}", "body": body,
                    "since_month": str(since.month), "since_year": str(since.year)})

    def attack(self) -> dict[str, int]:
        """One afternoon: thirty scripted sign-ups from four networks and three browsers;
        whoever gets in votes "critical" for the three targets and posts the glowing review."""
        devices = [{} for _ in range(3)]  # each browser profile's cookies
        statuses: dict[str, int] = {}
        start = self.day.replace(hour=13, minute=0)
        for n in range(FAKES):
            self.at(start + timedelta(minutes=8 * n))
            network = n % 4
            browser = Browser(self.port, f"127.66.{network + 1}.{10 + n}")
            browser.cookies = devices[n % 3]
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            email = f"{name.replace(' ', '.').lower()}.{n}@{self.rng.choice(DOMAINS)}"
            self.fake_emails.append(email)
            statuses[email] = self.join(browser, name, email)
            if statuses[email] != 200:
                continue
            self.fakes_in[email] = browser
            for title in TARGETS:
                browser.post(f"/ideas/{self.ideas[title]}/vote",
                             {"importance": "3", "why": "Must have!"}, page="/ideas")
            browser.post("/products/desktop/reviews/new", {
                "rating": "5", "title": "Best software ever", "body": FAKE_TEXT,
                "since_month": "1", "since_year": "2020"})
            browser.post("/logout", {}, page="/ideas")
        return statuses


def user_ids(app, emails) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.id).where(User.email.in_(list(emails)))))


def honest_scores(app, honest: set[int]) -> dict[int, float]:
    """What the honest members alone give each idea: importance x their weight now."""
    from community.trust.voters import trust_of

    with app.app_context():
        scores: dict[int, float] = dict.fromkeys(db.session.scalars(sa.select(Idea.id)), 0.0)
        for vote in db.session.scalars(sa.select(Vote).where(Vote.user_id.in_(list(honest)))):
            voter = db.session.get(User, vote.user_id)
            scores[vote.idea_id] += vote.importance * trust_of(voter)
        return scores


def ranking(scores: dict[int, float]) -> list[int]:
    return [i for i, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def stored(app, column) -> dict[int, float]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Idea.id, column)).all())


@pytest.fixture
def launch_app(backend, make_app, tmp_path):
    outbox = tmp_path / "outbox"
    overrides = {"OUTBOX_DIR": str(outbox), "TRENDING_EPOCH": "2026-08-01"}
    app = (file_app(tmp_path / "launch.db", **overrides) if backend == "sqlite"
           else make_app(**overrides))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, server.server_port, outbox
    finally:
        clock.reset()
        server.shutdown()
        server.server_close()
        if backend == "sqlite":
            dispose(app)


def test_a_staged_launch_fails(launch_app):
    app, port, outbox = launch_app
    day = (utcnow() - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
    launch = Launch(app, port, outbox, random.Random(20261127), day)
    with clock.travel():
        launch.setup()
        launch.honest_life()
        launch.at(day + timedelta(hours=9))
        result = app.test_cli_runner().invoke(args=["trust", "levels"])
        assert result.exit_code == 0, result.output
        honest = user_ids(app, launch.honest)
        with app.app_context():
            levels = db.session.execute(sa.select(User.trust_level, sa.func.count()).where(
                User.id.in_(list(honest))).group_by(User.trust_level)).all()
        assert dict(levels) == {2: HONEST}, levels  # every honest member earned "member"
        statuses = launch.attack()
        launch.at(day + timedelta(hours=18))
        result = app.test_cli_runner().invoke(args=["trust", "scan", "--full", "--quiet"])
        assert result.exit_code == 0, result.output

        # 1. Most fakes were refused at the door, each refusal logged with its rule.
        refused = [e for e, s in statuses.items() if s != 200]
        assert len(refused) > FAKES // 2, statuses
        with app.app_context():
            rules = dict(db.session.execute(sa.select(TrustEvent.rule, sa.func.count()).where(
                TrustEvent.kind == TrustEventKind.SIGNUP_REFUSED).group_by(TrustEvent.rule)).all())
        # One event per rule broken: at least one per refusal, and the velocity rules did it.
        assert sum(rules.values()) >= len(refused) and {"network_velocity",
                                                         "device_velocity"} <= set(rules)
        fakes = user_ids(app, launch.fakes_in)
        assert len(fakes) == FAKES - len(refused) and fakes

        # 2. Every fake that got in is under an open flag, with its evidence; no honest
        # member (nor anything they wrote) is flagged.
        with app.app_context():
            flags = list(db.session.scalars(sa.select(Flag).where(
                Flag.state == FlagState.OPEN)))
            flagged_accounts = {f.subject_id for f in flags if f.subject_type == "account"}
            assert fakes <= flagged_accounts, (fakes - flagged_accounts, flags)
            assert all(f.evidence and f.evidence.get("findings") for f in flags
                       if f.subject_type == "account" and f.subject_id in fakes)
            assert not flagged_accounts & honest
            honest_reviews = set(db.session.scalars(sa.select(Review.id).where(
                Review.author_id.in_(list(honest)))))
            assert not {f.subject_id for f in flags if f.subject_type == "review"} \
                & honest_reviews
            assert all(db.session.get(User, i).weight_reduced for i in fakes)

        # 3. With the flags' reduced weight, the trusted ranking already matches the honest
        # members' own, and so does the weighed ("Top") ranking.
        alone = honest_scores(app, honest)
        assert ranking(stored(app, Idea.trusted_score)) == ranking(alone)
        # In the weighed ("Top") ranking, each flagged fake adds at most 0.25 x 3 to each
        # target: half what a new account's vote would add unflagged.
        targets = [launch.ideas[t] for t in TARGETS]
        boost = [stored(app, Idea.top_score)[i] - alone[i] for i in targets]
        assert all(b == 0.25 * 3 * len(fakes) for b in boost), boost

        # 4. A moderator discounts each flagged account through the moderation pages: every
        # score is then exactly the honest members' alone.
        moderator = Browser(port, "127.30.0.2")
        moderator.post("/login", {"email": "mo@cercle-launch.example",
                                  "password": GOOD_PASSWORD})
        for fake in sorted(fakes):
            status, _, _ = moderator.post(f"/moderation/accounts/{fake}/discount",
                                          {"reason": "staged launch: ring, same wording"},
                                          page=f"/moderation/accounts/{fake}")
            assert status == 302
        assert stored(app, Idea.trusted_score) == alone
        assert stored(app, Idea.top_score) == alone
        with app.app_context():
            assert ideas.recount_all() == 0
            db.session.rollback()
            stats = review_queries.product_stats([launch.product])[launch.product]
            ratings = list(db.session.scalars(sa.select(Review.rating).where(
                Review.author_id.in_(list(honest)), Review.hidden.is_(False))))
        assert stats.summary.count == len(ratings) and stats.discounted == len(fakes)
        expected = int(10 * sum(ratings) / len(ratings) + 0.5) / 10
        assert stats.summary.average == expected


def test_the_clock_is_real_again_after_travel():
    with clock.travel() as set_now:
        set_now(datetime(2020, 1, 1))
        assert utcnow().year == 2020
    real = datetime.now(UTC).replace(tzinfo=None)
    assert abs((utcnow() - real).total_seconds()) < 5
