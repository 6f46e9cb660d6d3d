"""Bad input on every form and address of trust II: the report form, the account actions
(discount, suspend, restore, level), the flag decision, the queue's and the audit log's
filters, the CSV export and the /trust month. Fed the corpora in ../shared/corpora/ and a few
shapes (empty, overlong, control characters, NUL, integers past what the database holds).
Never a 500; a refusal writes nothing (no flag, no audit row, no change of standing)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import service as ideas
from community.moderation.models import AuditEntry, Flag
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SHAPES = ["", "   ", "x" * 10_001, "é" * 600, "a\x00b", "\x00", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --", "0", "-1", "4.5", "abc",
          str(2**63), str(2**64), str(-(2**63) - 1), str(10**30), "auto", "3", "9"]


def corpus(name: str) -> list[str]:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"the corpus is missing at {path}")
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def values(backend: str) -> list[str]:
    """The shapes and a spread sample of each corpus (every 6th naughty string, every 100th
    XSS payload, every 40th SQL injection on SQLite; half as many on PostgreSQL): each page
    parses every value the same way, and the reviews' and forums' bad-input tests feed the
    whole corpora to the same form helpers."""
    step = 1 if backend == "sqlite" else 2
    return (SHAPES + corpus("naughty-strings.txt")[::6 * step]
            + corpus("xss-payloads.txt")[::100 * step]
            + corpus("sqli-payloads.txt")[::40 * step])


@pytest.fixture
def world(app):
    author = make_user(app, "Ada Author", "ada@example.com")
    target = make_user(app, "Tom Target", "tom@example.com")
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    make_user(app, "Al Admin", "al@example.com", role=Role.ADMIN)
    with app.app_context():
        idea = ideas.create_idea(db.session.get(User, author.id), "Dark mode", "Please.", None,
                                 [])
        db.session.commit()
        return idea.id, target.id


def state(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return (db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Flag)),
                user.votes_discounted_at, user.suspended_at, user.trust_level,
                user.trust_level_locked)


def forget_flashes(client) -> None:
    """The messages a redirect would show (never followed here) would fill the cookie."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def client_of(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_the_report_form_survives_bad_input(app, backend, world):
    idea_id, _ = world
    tom = client_of(app, "tom@example.com")
    url = f"/moderation/report/idea/{idea_id}"
    token = hidden_fields(text(tom.get(url)))["csrf_token"]
    failures = []
    for value in values(backend):
        for data in ({"reason": value, "note": "spam"}, {"reason": "other", "note": value}):
            before = state(app, 1)
            response = tom.post(url, data={"csrf_token": token, **data})
            if response.status_code >= 500:
                failures.append((data, response.status_code))
            elif response.status_code != 302 and state(app, 1) != before:
                failures.append((data, "written on refusal"))
            if response.status_code == 302:  # accepted: take it back, try the next value
                with app.app_context():
                    db.session.execute(sa.delete(Flag))
                    db.session.commit()
    assert failures == []
    for bad in (f"/moderation/report/idea/{2**63}", "/moderation/report/nothing/1",
                f"/moderation/report/{'x' * 300}/1"):
        assert tom.get(bad).status_code == 404


def test_the_account_actions_survive_bad_input(app, backend, world):
    _, target = world
    mo = client_of(app, "mo@example.com")
    page = f"/moderation/accounts/{target}"
    token = hidden_fields(text(mo.get(page)))["csrf_token"]
    failures = []
    for value in values(backend):
        for action, data in (("discount", {"reason": value}),
                             ("suspend", {"reason": value}),
                             ("discount", {"reason": "ok", "flag_id": value}),
                             ("level", {"level": value, "reason": "ok"}),
                             ("level", {"level": "2", "reason": value})):
            before = state(app, target)
            response = mo.post(f"{page}/{action}", data={"csrf_token": token, **data})
            forget_flashes(mo)
            after = state(app, target)
            if response.status_code >= 500:
                failures.append((action, data, response.status_code))
            # Atomic: the standing changes exactly when its audit row is written.
            if (after[0] != before[0]) != (after[2:] != before[2:]):
                failures.append((action, data, "standing and audit log disagree"))
            if after != before:  # accepted: undo it, so the next value starts from the same place
                with app.app_context():
                    user = db.session.get(User, target)
                    user.votes_discounted_at = user.suspended_at = None
                    user.trust_level, user.trust_level_locked = 0, False
                    db.session.commit()
                if not data.get("reason", "").strip() or "\x00" in data.get("reason", ""):
                    failures.append((action, data, "written on refusal"))
    assert failures == []
    assert mo.get(f"/moderation/accounts/{2**63}").status_code == 404
    assert mo.get(f"/moderation/accounts/{target}?flag={'9' * 40}").status_code == 200


def test_the_decision_survives_bad_input(app, backend, world):
    idea_id, _ = world
    tom = client_of(app, "tom@example.com")
    token = hidden_fields(text(tom.get(f"/moderation/report/idea/{idea_id}")))["csrf_token"]
    tom.post(f"/moderation/report/idea/{idea_id}",
             data={"csrf_token": token, "reason": "spam", "note": "ad"})
    mo = client_of(app, "mo@example.com")
    url = f"/moderation/flags/idea/{idea_id}"
    token = hidden_fields(text(mo.get(url)))["csrf_token"]
    failures = []
    for value in values(backend):
        for data in ({"decision": value, "note": "x"}, {"decision": "dismiss", "note": value}):
            with app.app_context():
                before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
            response = mo.post(f"{url}/decide", data={"csrf_token": token, **data})
            forget_flashes(mo)
            with app.app_context():
                after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
                reopened = after != before
                if reopened:
                    db.session.execute(sa.update(Flag).values(state="open", decided_by_id=None,
                                                              decided_at=None))
                    db.session.commit()
            if response.status_code >= 500:
                failures.append((data, response.status_code))
            elif reopened and not (value.strip() and "\x00" not in value
                                   and len(value) <= 500):
                failures.append((data, "written on refusal"))
    assert failures == []


def test_the_filters_the_export_and_the_figures_survive_bad_input(app, backend, world):
    mo, al = client_of(app, "mo@example.com"), client_of(app, "al@example.com")
    anyone = app.test_client()
    failures = []
    for value in values(backend)[::2]:
        for client, url, name in (
                (mo, "/moderation/flags", "detector"), (mo, "/moderation/flags", "subject_type"),
                (mo, "/moderation/flags", "state"), (mo, "/moderation/flags", "after"),
                (al, "/moderation/audit", "action"), (al, "/moderation/audit", "actor"),
                (al, "/moderation/audit", "subject_type"), (al, "/moderation/audit", "since"),
                (al, "/moderation/audit", "until"), (al, "/moderation/audit", "before"),
                (al, "/moderation/audit.csv", "action"), (al, "/moderation/audit.csv", "since"),
                (anyone, "/trust", "month")):
            response = client.get(url, query_string={name: value})
            response.get_data()  # a streamed CSV is read to its end, as a browser would
            response.close()
            if response.status_code >= 500:
                failures.append((url, name, value[:40], response.status_code))
    assert failures == []
