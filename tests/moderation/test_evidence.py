"""A detector flag's evidence as a moderator reads it (community/moderation/evidence.py and
templates/moderation/_evidence.html): real rows, the real detectors and combiner, the page
through HTTP, on SQLite and PostgreSQL. And never an address, an e-mail or a hash on it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from community.accounts import activity
from community.accounts.activity import Activity, ActivityKind, Origin
from community.accounts.models import User
from community.extensions import db
from community.moderation import evidence, service
from community.moderation.models import Flag
from community.timeutil import utcnow
from community.trust import pipeline, scan, sources
from community.trust.combiner import Combined
from community.trust.detectors import duplicates, reviews, sockpuppets, testimonials
from community.trust.detectors.events import Account, Interaction, Rating, Text, Trace
from tests.conftest import login, make_user
from tests.helpers import statements_run, text

NET = "a1b2c3d4e5f60718"  # keyed hashes as the activity log keeps them: never on a page
DEVICE = "0f1e2d3c4b5a6978"


@pytest.fixture
def mod_client(app, moderator):
    client = app.test_client()
    assert login(client, "mo@example.com").status_code == 302
    return client


def base_time() -> datetime:
    """Six in the morning yesterday (UTC): a burst from here stays within one day."""
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=1) + timedelta(hours=6)


def people(app, prefix: str, count: int, created_at: datetime, **fields) -> list[User]:
    return [make_user(app, f"{prefix} {n}", f"{prefix.lower()}{n}@example.com",
                      created_at=created_at, **fields) for n in range(1, count + 1)]


def log(user_id: int, kind: ActivityKind, subject, at: datetime, *, net=None, device=None,
        ip=None) -> None:
    activity.record(user_id, kind, subject, 1, at=at,
                    origin=Origin(ip_hash=ip, net_hash=net, device_hash=device))


def flag_from(findings, subject, detector: str = scan.FLAG_DETECTOR) -> None:
    """Open the flag a scan would: the combiner's fused evidence on ``subject``."""
    combined = Combined(findings)
    suspicion = combined.own(subject)
    service.open_detector_flag(detector, subject[0], subject[1], round(suspicion, 3),
                               combined.evidence(subject, suspicion))
    db.session.commit()


def scan_findings(now: datetime):
    """Every detector over what the log holds, as ``flask trust scan`` reads it."""
    inputs = pipeline.Inputs(votes=scan.load_votes(), accounts=scan.load_accounts(),
                             traces=scan.load_traces())
    return pipeline.findings(inputs, now)


def rows(page: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page, re.S)


def row_of(page: str, needle: str) -> str:
    found = [row for row in rows(page) if needle in row]
    assert found, needle
    return found[0]


def cells(row: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def row_named(page: str, name: str) -> list[str]:
    """The cells of the first row headed by ``name``."""
    found = [cells(r) for r in rows(page) if cells(r) and cells(r)[0] == name]
    assert found, name
    return found[0]


def level_fields() -> tuple[dict, str]:
    """A trust level for a member, where the column exists (it is being added)."""
    if hasattr(User, "trust_level"):
        return {"trust_level": 2}, "Member"
    return {}, "New"


# ---- burst --------------------------------------------------------------------------------------

def test_a_burst_shows_its_timeline_chart_table_and_accounts(app, mod_client):
    base = base_time()
    old = people(app, "Old", 3, base - timedelta(days=200))
    level, level_label = level_fields()
    young = people(app, "Young", 9, base - timedelta(days=2), **level)
    young += people(app, "Unverified", 1, base - timedelta(days=2), verified=False)
    idea = ("idea", 7)
    with app.app_context():
        for n, member in enumerate(old):
            log(member.id, ActivityKind.VOTE_CAST, idea, base - timedelta(days=6 - n))
        for n, member in enumerate(young):
            log(member.id, ActivityKind.VOTE_CAST, idea, base + timedelta(minutes=9 * n))
        db.session.commit()
        flag_from(scan_findings(base + timedelta(days=1)), idea)

    page = text(mod_client.get("/moderation/flags/idea/7"))
    assert "<pre>" not in page and "Burst of votes or reviews" in page
    # the chart: an image with its name and description, one bar a day, the burst's in red
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "Votes or reviews per day on idea #7" in svg
    assert svg.count("<rect") == 7 and svg.count("evidence-bar-burst") == 1
    assert 'class="evidence-baseline"' in svg
    # the same numbers as a table, for screen readers
    assert "<caption>Votes or reviews per day</caption>" in page
    counts = [cells(r)[1:] for r in rows(page) if re.search(r"<td>\d+</td>\s*<td>(yes|no)", r)]
    assert counts == [["1", "no"], ["1", "no"], ["1", "no"], ["0", "no"], ["0", "no"],
                      ["0", "no"], ["10", "yes"]]
    assert "Baseline (expected per 24 hours)" in page and "100%" in page  # all young
    # the accounts in the burst: age, verified, level, activity
    assert "<caption>Accounts in the burst</caption>" in page
    age = (utcnow() - (base - timedelta(days=2))).days
    assert row_named(page, "Young 3") == ["Young 3", "2", f"{age} days", "yes", level_label,
                                          "1 action logged", "Standing and actions (Young 3)"]
    assert row_named(page, "Unverified 1")[3:5] == ["no", "New"]
    assert "Old 1" not in page  # not in the burst


def test_a_burst_without_history_is_drawn_by_the_hour(app, mod_client):
    base = base_time()
    young = people(app, "Young", 10, base - timedelta(days=1))
    with app.app_context():
        for n, member in enumerate(young):
            log(member.id, ActivityKind.VOTE_CAST, ("idea", 8), base + timedelta(minutes=7 * n))
        db.session.commit()
        flag_from(scan_findings(base + timedelta(days=1)), ("idea", 8))
    page = text(mod_client.get("/moderation/flags/idea/8"))
    assert "Votes or reviews per hour on idea #8" in page
    assert "<caption>Votes or reviews per hour</caption>" in page
    assert page.count("evidence-bar-burst") == 2  # 6:00 to 7:03


def test_a_burst_of_reviews_reads_the_ratings_the_trust_sources_give(app, mod_client):
    base = base_time()
    young = people(app, "Reviewer", 8, base - timedelta(days=1))
    launched = base - timedelta(days=90)
    ratings = [Rating(600 + n, member.id, 4, 5, base + timedelta(minutes=5 * n), launched)
               for n, member in enumerate(young)]
    ratings.append(Rating(700, young[0].id, 5, 1, base, launched))  # another product
    with app.app_context():
        sources.register_source("test", sources.Source(
            ratings=lambda since: [r for r in ratings if since is None or r.at >= since]))
        inputs = pipeline.Inputs(ratings=ratings, accounts=scan.load_accounts())
        flag_from(pipeline.findings(inputs, base + timedelta(days=1)), ("product", 4))
    page = text(mod_client.get("/moderation/flags/product/4"))
    assert "Votes or reviews per hour on product #4" in page
    counts = [int(cells(r)[1]) for r in rows(page) if re.search(r"<td>\d+</td>\s*<td>(yes|no)", r)]
    assert sum(counts) == 8 and len(counts) == 1  # 6:00 to 6:35, one hour
    assert "Reviewer 8" in page


# ---- rings and sockpuppets ----------------------------------------------------------------------

def test_a_ring_shows_the_overlap_matrix_and_shared_origins_never_the_hashes(app, mod_client):
    base = base_time()
    ring = people(app, "Ring", 4, base - timedelta(days=3))
    crowd = people(app, "Crowd", 30, base - timedelta(days=300))
    origins = [{"net": NET, "device": "1111222233334444"}, {"net": NET, "device": None},
               {"net": "5555666677778888", "device": DEVICE},
               {"net": "9999aaaabbbbcccc", "device": DEVICE}]
    with app.app_context():
        for n, member in enumerate(ring):
            for idea in range(101, 105):
                log(member.id, ActivityKind.VOTE_CAST, ("idea", idea),
                    base + timedelta(minutes=3 * n + idea - 100), ip="ddddeeeeffff0000",
                    **origins[n])
        for n, member in enumerate(crowd):
            for k in range(3):
                log(member.id, ActivityKind.VOTE_CAST, ("idea", 200 + 3 * n + k),
                    base - timedelta(days=40 - n, hours=k))
        db.session.commit()
        found = scan_findings(base + timedelta(hours=2))
        assert any(f.detector == "co_voting_ring" for f in found)
        flag_from(found, ("idea", 101))
        hashes = {h for row in db.session.execute(
            sa.select(Activity.ip_hash, Activity.net_hash, Activity.device_hash)) for h in row
            if h}

    page = text(mod_client.get("/moderation/flags/idea/101"))
    assert "Co-voting ring" in page and "<caption>Who acted on what, and when</caption>" in page
    header = row_of(page, "Same network or device as")
    assert all(f"idea #{i}" in header for i in range(101, 105))
    assert header.count('scope="col"') == 6
    first = row_named(page, "Ring 1")
    assert first[0] == "Ring 1" and all(c.startswith("● voted") for c in first[1:5])
    assert "same network: Ring 2" in first[5]
    assert "same device: Ring 4" in row_named(page, "Ring 3")[5]
    assert page.count("<br><time datetime=") == 16  # one per cell of the matrix
    assert "4 subjects in common" in page and "<caption>The accounts</caption>" in page
    for value in hashes:
        assert value not in page
    with app.test_request_context(), statements_run(app) as seen:
        flag = db.session.scalars(sa.select(Flag).where(Flag.subject_id == 101)).one()
        blocks = evidence.present(flag)
        assert [a.user.display_name for a in blocks[0].accounts] == [m.display_name
                                                                     for m in ring]
    # every account of the flag in one query, with its activity count
    assert sum(bool(re.search(r"^FROM users\b", q, re.M)) for q in seen) == 1


@pytest.mark.parametrize("hashes_logged", [True, False])
def test_sockpuppets_show_who_supported_whom_from_the_same_device(app, mod_client,
                                                                  hashes_logged):
    base = base_time()
    owner, puppet = people(app, "Puppet", 2, base - timedelta(days=20))
    where = {"net": "1212121212121212", "device": DEVICE} if hashes_logged else {}
    with app.app_context():
        ideas = [("idea", 301 + n) for n in range(3)]
        for n, idea in enumerate(ideas):
            log(puppet.id, ActivityKind.VOTE_CAST, idea, base + timedelta(hours=n), **where)
        if hashes_logged:
            log(owner.id, ActivityKind.LOGIN, None, base, net="3434343434343434", device=DEVICE)
        db.session.commit()
        traces = [Trace(puppet.id, "device", DEVICE, base), Trace(owner.id, "device", DEVICE, base)]
        acts = [Interaction(puppet.id, owner.id, "vote", idea, base + timedelta(hours=n))
                for n, idea in enumerate(ideas)]
        flag_from(sockpuppets.detect(traces, acts), ("account", puppet.id))

    page = text(mod_client.get(f"/moderation/flags/account/{puppet.id}"))
    assert "Accounts sharing a device or a network" in page
    header = row_of(page, "Same network or device as")
    assert header.count("by") == 3 and "Puppet 1" in header  # whose ideas they are
    row = row_named(page, "Puppet 2")
    assert row[0] == "Puppet 2" and all(c.startswith("● voted") for c in row[1:4])
    assert row[4] == "same device: Puppet 1"  # from the log's hashes, or the evidence's words
    assert row_named(page, "Puppet 1")[4] == "same device: Puppet 2"
    assert "voted 3 times" in page and "same network" not in page
    assert DEVICE not in page and "1212121212121212" not in page


# ---- near-duplicates ----------------------------------------------------------------------------

def test_near_duplicates_side_by_side_with_the_shared_passages_marked(app, mod_client, notes):
    base = base_time()
    first, second = people(app, "Writer", 2, base - timedelta(days=30))
    notes.notes[1] = ("J'adore cette application, je l'utilise tous les jours pour organiser "
                      "mon équipe et nos réunions.")
    notes.notes[2] = ("J’ADORE cette application ! Je l'utilise tous les jours pour organiser "
                      "mon equipe et nos reunions. <script>alert(1)</script>")
    with app.app_context():
        found = duplicates.detect([Text(("note", 1), first.id, base, notes.notes[1]),
                                   Text(("note", 2), second.id, base, notes.notes[2])])
        flag_from(found, ("note", 1))

    page = text(mod_client.get("/moderation/flags/note/1"))
    assert "Near-duplicate texts" in page
    assert ("<mark>J&#39;adore cette application, je l&#39;utilise tous les jours pour "
            "organiser mon équipe et nos réunions</mark>.") in page
    assert ("<mark>J’ADORE cette application ! Je l&#39;utilise tous les jours pour organiser "
            "mon equipe et nos reunions</mark>. &lt;script&gt;alert(1)&lt;/script&gt;") in page
    assert "<script>alert" not in page
    assert "« j adore cette application je l utilise" in page  # the passage, in words
    assert 'href="/notes/1"' in page and 'href="/notes/2"' in page
    assert "Writer 1" in page and "Writer 2" in page


def test_the_shared_passages_are_found_again_in_the_shown_text():
    passages = [duplicates.words("tous les jours pour")]
    shown = evidence.segments("Oui : TOUS les jours, pour rire; tous les jours pour", passages)
    assert shown == [("Oui : ", False), ("TOUS les jours, pour", True), (" rire; ", False),
                     ("tous les jours pour", True)]
    assert evidence.segments("", passages) == []
    assert evidence.segments("rien de commun", passages) == [("rien de commun", False)]


# ---- impossible testimonial ---------------------------------------------------------------------

def test_an_impossible_testimonial_shows_the_claim_against_the_launch(app, mod_client, notes):
    now = utcnow().replace(microsecond=0)
    (writer,) = people(app, "Claimer", 1, now - timedelta(days=10))
    notes.notes[3] = "Super outil. J'utilise ce produit depuis 3 ans, sans souci."
    with app.app_context():
        found = testimonials.detect([testimonials.Testimonial(
            ("note", 3), writer.id, notes.notes[3], now, now - timedelta(days=10),
            product_launched_at=now - timedelta(days=75))])
        flag_from(found, ("note", 3))

    page = text(mod_client.get("/moderation/flags/note/3"))
    assert "Impossible testimonial" in page
    assert "<q>depuis 3 ans</q>" in page
    assert "J&#39;utilise ce produit <mark>depuis 3 ans</mark>, sans souci." in page
    assert "3 years (1095 days)" in page
    assert "2 months before the text" in page and "the product&#39;s launch" in page
    assert "Account age when writing" in page and "10 days" in page
    assert "Claimer 1" in page


def test_durations_read_in_years_and_months(app):
    with app.test_request_context():
        assert evidence.duration(1095) == "3 years"
        assert evidence.duration(800) == "2 years and 2 months"
        assert evidence.duration(45) == "1 month"
        assert evidence.duration(1) == "1 day"


# ---- anything else, and what is never shown -----------------------------------------------------

def test_evidence_never_shows_an_address_an_email_or_a_hash(app, mod_client):
    now = utcnow().replace(microsecond=0)
    reviewer = make_user(app, "Rita Review", "rita.secret@example.com",
                         created_at=now - timedelta(days=1))
    others = people(app, "Rater", 6, now - timedelta(days=300))
    with app.app_context():
        log(reviewer.id, ActivityKind.REVIEW_WRITTEN, ("review", 500), now,
            ip="aaaabbbbccccdddd", net="eeeeffff00001111", device="2222333344445555")
        db.session.commit()
        accounts = {u.id: Account(u.id, now - timedelta(days=300)) for u in others}
        accounts[reviewer.id] = Account(reviewer.id, now - timedelta(days=1))
        ratings = [Rating(10 * n + k, u.id, 1 + k, 5, now - timedelta(days=200 - 10 * n - k),
                          now - timedelta(days=400))
                   for n, u in enumerate(others) for k in range(2)]
        ratings.append(Rating(500, reviewer.id, 1, 1, now - timedelta(hours=2),
                              now - timedelta(days=400)))
        (finding,) = reviews.detect(ratings, accounts, now)
        smuggled = {**finding.evidence, "email": "x@y.z", "ip": "10.1.2.3",
                    "device_hash": "abcdef0123456789", "IP-Address": "10.7.7.7",
                    "note": "write to spy@example.org", "seen_from": "192.168.0.1/24",
                    "where": "2001:db8::1", "token": "9f8e7d6c5b4a39281706"}
        mystery = pipeline.finding_for("mystery", (("review", 500), ("account", reviewer.id)),
                                       0.4, {"ipaddr": "10.9.9.9", "contact": "a@b.c",
                                             "seen": 3, "nested": {"ip": "10.0.0.1"},
                                             "emails": ["rita.secret@example.com"]})
        findings = [pipeline.finding_for(finding.detector, finding.subjects, finding.score,
                                         smuggled), mystery]
        flag_from(findings, ("review", 500))
        service.open_detector_flag("legacy", "review", 500, 0.6,
                                   {"ip": "172.16.0.9", "votes": 9,
                                    "user_email": "rita.secret@example.com"})
        db.session.commit()

    page = text(mod_client.get("/moderation/flags/review/500"))
    assert "Review behaviour" in page and "mystery" in page
    assert "<dt>Rating</dt>" in page and "<dt>Trusted mean rating of the product</dt>" in page
    assert "<dt>Another review that day</dt>" in page and "<dd>no</dd>" in page
    assert "<dt>Seen</dt>" in page and "<dt>Votes</dt>" in page
    assert "Rita Review" in page
    for secret in ("x@y.z", "10.1.2.3", "abcdef0123456789", "10.7.7.7", "spy@example.org",
                   "192.168.0.1", "2001:db8::1", "9f8e7d6c5b4a39281706", "10.9.9.9", "a@b.c",
                   "10.0.0.1", "172.16.0.9", "rita.secret", "aaaabbbbccccdddd",
                   "eeeeffff00001111", "2222333344445555", "@example.com"):
        assert secret not in page, secret
    for word in ("Email", "Ip", "Device hash", "Token", "Ipaddr", "User email"):
        assert f"<dt>{word}</dt>" not in page


@pytest.mark.parametrize(("key", "secret"), [
    ("ip", True), ("ip_hash", True), ("IP-Address", True), ("email", True), ("e_mail", True),
    ("device", True), ("deviceId", True), ("net_hash", True), ("mailbox", True),
    ("cookie", True), ("rating", False), ("description", False), ("zip_code", False),
    ("shipping", False), ("account_age_days", False), ("same_day", False),
])
def test_which_keys_are_never_shown(key, secret):
    assert evidence.secret_key(key) is secret


@pytest.mark.parametrize(("value", "secret"), [
    ("10.1.2.3", True), ("from 10.1.2.3.", True), ("2001:db8::1", True), ("x@y.z", True),
    ("0f1e2d3c4b5a6978", True), ("192.168.0.0/24", True),
    ("2026-03-01T12:30:00", False), ("12:30:00", False), ("same network", False),
    ("depuis 3 ans", False), ("1.5", False),
])
def test_which_values_are_never_shown(value, secret):
    assert evidence.secret_value(value) is secret


def test_evidence_of_an_older_shape_is_listed_not_broken(app, mod_client):
    (someone,) = people(app, "Someone", 1, utcnow() - timedelta(days=3))
    with app.app_context():
        service.open_detector_flag("trust", "idea", 9, 0.7, {
            "suspicion": 0.7, "lead": "burst",
            "findings": [{"detector": "burst", "score": 0.7, "subjects": [["idea", 9]],
                          "evidence": {"count": 12, "from": "not a date"}},
                         {"detector": "co_voting_ring", "score": 0.6,
                          "subjects": [["account", someone.id]], "evidence": {"size": 3}}]})
        db.session.commit()
    response = mod_client.get("/moderation/flags/idea/9")
    page = text(response)
    assert response.status_code == 200
    assert "Burst of votes or reviews" in page
    assert "<dt>Count</dt><dd>12</dd>" in re.sub(r"\s+", "", page)
    assert "Someone 1" in page  # the ring's account, in the plain list's table
