"""The audit log for administrators: filtered by action, actor, kind and days, and exported
as CSV with the same filters (streamed, formulas neutralized, no e-mail or IP address)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.moderation import service
from community.moderation.models import AuditEntry
from community.text import csv_cell
from tests.conftest import login, make_user
from tests.helpers import text
from tests.moderation.conftest import user

COLUMNS = ["id", "created_at", "actor", "action", "subject_type", "subject_id", "reason", "flags"]


@pytest.fixture
def admin_client(app):
    make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN, handle="ada")
    client = app.test_client()
    assert login(client, "ada@example.com").status_code == 302
    return client


@pytest.fixture
def log(app, moderator):
    """Five entries by two actors (and the system), on three days of November 2026."""
    bea = make_user(app, "Bea Moderator", "bea@example.com", role=Role.MODERATOR, handle="bea")
    with app.app_context():
        mo, other = user(app, moderator.id), user(app, bea.id)
        rows = [
            (mo, "flag.hide", "post", 11, "Advertising", {"flags": [1, 2]}, 25),
            (other, "flag.dismiss", "review", 12, "Fine", {"flags": [3], "reasons": {}}, 26),
            (mo, "topic.move", "topic", 13, "Wrong place", {"from": 1, "to": 2}, 26),
            (None, "account.suspend", "account", 14, "Spam ring", None, 27),
            (other, "flag.hide", "idea", 15, "Duplicate spam", {"flags": [4]}, 27),
        ]
        for actor, action, kind, subject_id, reason, data, day in rows:
            entry = service.record_action(actor, action, kind, subject_id, reason, data)
            entry.created_at = datetime(2026, 11, day, 12, 30)
        db.session.commit()


def listed(page: str) -> list[str]:
    """The actions the page lists, top to bottom."""
    body = page.split('<ol class="idea-list">')[1] if '<ol class="idea-list">' in page else ""
    return [part.split("</code>")[0] for part in body.split("<code>")[1:]]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(text(response))))


def test_administrators_read_the_log_newest_first(app, admin_client, log):
    page = text(admin_client.get("/moderation/audit"))
    assert listed(page) == ["flag.hide", "account.suspend", "topic.move", "flag.dismiss",
                            "flag.hide"]
    assert "Duplicate spam" in page and "the system" in page and "Bea Moderator" in page
    assert 'href="/moderation/audit.csv"' in page


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PRODUCT, Role.MODERATOR])
def test_no_one_else_reads_it(app, log, role):
    make_user(app, "Sam Someone", "sam@example.com", role=role, handle="sam")
    client = app.test_client()
    login(client, "sam@example.com")
    for url in ("/moderation/audit", "/moderation/audit?actor=bea", "/moderation/audit.csv",
                "/moderation/audit.csv?action=flag."):
        assert client.get(url).status_code == 403, url


def test_visitors_are_sent_to_log_in(app, client):
    for url in ("/moderation/audit", "/moderation/audit.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("query", "expected"), [
    ("action=flag.", ["flag.hide", "flag.dismiss", "flag.hide"]),
    ("action=flag.h", ["flag.hide", "flag.hide"]),
    ("action=flag%25", []),  # "%" is literal, not a wildcard
    ("actor=bea", ["flag.hide", "flag.dismiss"]),
    ("actor=%40Bea", ["flag.hide", "flag.dismiss"]),  # "@Bea" as typed
    ("actor=mo-derator", ["topic.move", "flag.hide"]),
    ("actor=nobody", []),
    ("subject_type=account", ["account.suspend"]),
    ("subject_type=topic", ["topic.move"]),
    ("from=2026-11-26", ["flag.hide", "account.suspend", "topic.move", "flag.dismiss"]),
    ("to=2026-11-26", ["topic.move", "flag.dismiss", "flag.hide"]),
    ("from=2026-11-26&to=2026-11-26", ["topic.move", "flag.dismiss"]),
    ("from=2026-11-28", []),
    ("action=flag.&actor=bea&from=2026-11-27", ["flag.hide"]),
])
def test_filters_on_the_page_and_in_the_csv(app, admin_client, log, query, expected):
    response = admin_client.get(f"/moderation/audit?{query}")
    assert response.status_code == 200
    page = text(response)
    assert listed(page) == expected
    if not expected:
        assert "No entry matches these filters." in page
    rows = read_csv(admin_client.get(f"/moderation/audit.csv?{query}"))
    assert rows[0] == COLUMNS
    assert [r[3] for r in rows[1:]] == expected


def test_the_page_keeps_its_filters_in_the_csv_and_older_links(app, admin_client, moderator):
    with app.app_context():
        for n in range(60):
            service.record_action(user(app, moderator.id), "flag.dismiss", "post", n)
        service.record_action(user(app, moderator.id), "topic.move", "topic", 1)
        db.session.commit()
    page = text(admin_client.get("/moderation/audit?action=flag.&actor=mo-derator"))
    assert ('href="/moderation/audit.csv?action=flag.&amp;actor=mo-derator"' in page)
    assert 'href="/moderation/audit?before=' in page
    assert "action=flag.&amp;actor=mo-derator" in page.split('rel="next"')[1].split(">")[0]
    assert len(read_csv(admin_client.get(
        "/moderation/audit.csv?action=flag.&actor=mo-derator"))) == 61


@pytest.mark.parametrize(("query", "message"), [
    ("from=yesterday", "Write dates as YYYY-MM-DD, for example 2026-11-27."),
    ("to=2026-13-01", "Write dates as YYYY-MM-DD, for example 2026-11-27."),
    ("to=9999-12-31", "Write dates as YYYY-MM-DD, for example 2026-11-27."),
    ("from=" + "2" * 5000, "Write dates as YYYY-MM-DD, for example 2026-11-27."),
    ("actor=bob@example.com", "A handle has only lowercase letters, digits and dashes."),
    ("actor=%3Cscript%3E", "A handle has only lowercase letters, digits and dashes."),
    ("subject_type=no%20such%20kind", "Unknown value for “Kind of content”"),
])
def test_bad_filters_answer_400_with_the_reason(app, admin_client, log, query, message):
    page = admin_client.get(f"/moderation/audit?{query}")
    assert page.status_code == 400 and message in text(page)
    assert listed(text(page)) == []
    export = admin_client.get(f"/moderation/audit.csv?{query}")
    assert export.status_code == 400 and message in text(export)
    assert export.mimetype == "text/plain"


@pytest.mark.parametrize("query", ["action=%ff%fe", "action=" + "x" * 5000, "actor=",
                                   "before=" + str(2**63), "action=a%0ab", "actor=%E2%80%AE"])
def test_odd_but_harmless_values_never_answer_500(app, admin_client, log, query):
    assert admin_client.get(f"/moderation/audit?{query}").status_code in (200, 400)
    assert admin_client.get(f"/moderation/audit.csv?{query}").status_code in (200, 400)


def test_the_csv_rows_hold_the_facts_and_nothing_private(app, admin_client, log):
    rows = read_csv(admin_client.get("/moderation/audit.csv"))
    assert rows[0] == COLUMNS
    first, dismissed = rows[5], rows[4]
    with app.app_context():
        ids = db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)).all()
    assert first == [str(ids[0]), "2026-11-25T12:30:00Z", "mo-derator", "flag.hide", "post", "11",
                     "Advertising", "1 2"]
    assert dismissed[2:] == ["bea", "flag.dismiss", "review", "12", "Fine", "3"]
    assert rows[2][2] == "" and rows[2][3] == "account.suspend"  # the system
    assert rows[3][7] == ""  # no flags in data
    export = text(admin_client.get("/moderation/audit.csv"))
    for private in ("@example.com", "Mo Derator"):
        assert private not in export


def test_csv_cells_that_would_run_as_formulas_are_quoted(app, admin_client, moderator):
    reasons = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)",
               "\tindented", "plain = fine", "write to bob@example.com from 203.0.113.9",
               "or from 2001:db8::1, at 10:30:00 on v1.2"]
    with app.app_context():
        for reason in reasons:
            service.record_action(user(app, moderator.id), "flag.dismiss", "post", 1, reason)
        service.record_action(user(app, moderator.id), "-evil", "=cmd", 2, "")
        db.session.commit()
    rows = read_csv(admin_client.get("/moderation/audit.csv"))
    assert rows[1][3:5] == ["'-evil", "'=cmd"]
    cells = [r[6] for r in rows[2:]][::-1]
    assert cells == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+1", "'-2+3",
                     "'@SUM(A1:A2)", "indented", "plain = fine", "write to […] from […]",
                     "or from […], at 10:30:00 on v1.2"]
    # (a leading tab is trimmed when the reason is stored; a cell starting with one is quoted)
    assert csv_cell("\t=1") == "'\t=1" and csv_cell("\r=1") == "'\r=1"
    assert csv_cell(12) == 12


def test_a_long_export_is_streamed_whole(app, admin_client, moderator):
    with app.app_context():
        mo = user(app, moderator.id)
        db.session.add_all([AuditEntry(actor_id=mo.id, action="flag.dismiss", subject_type="post",
                                       subject_id=n, reason=f"r{n}", data={"flags": [n]})
                            for n in range(1, 1202)])
        db.session.commit()
    response = admin_client.get("/moderation/audit.csv")
    assert response.is_streamed
    rows = read_csv(response)
    assert len(rows) == 1202
    assert [r[5] for r in rows[1:4]] == ["1201", "1200", "1199"] and rows[-1][5] == "1"
    assert len({r[0] for r in rows[1:]}) == 1201  # the batches neither repeat nor skip
