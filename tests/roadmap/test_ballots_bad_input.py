"""Bad input on the ballot form and on the product team's pages' query strings: empty, too
long, wrong types, unknown ids, control characters, and the naughty-strings corpus (read in
place from ../shared/corpora, skipped if absent). Each is answered with a clear message (or,
for a query string, a page or a 404, never a 500) and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from markupsafe import escape

from community.accounts.models import Role
from community.clubs.models import ClubRole
from community.extensions import db
from community.roadmap.models import BallotLine, ClubBallot
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.ideas.factories import make_idea
from tests.roadmap.test_ballots import make_club, rows

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "naughty-strings.txt"
NOT_PUBLISHED = "The ballot was not published"
CONTROL = ["nul\x00inside", "esc\x1b[31m", "del\x7f", "\u202eevil", "line\nbreak", "tab\there"]
BIG = [str(2**63), str(10**30), "-1", "0", "1.5", "1e3", "0x10", " ", "٣"]


def corpus_sample() -> list[str]:
    if not CORPUS.is_file():
        pytest.skip(f"the naughty-strings corpus is missing: expected {CORPUS}")
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("#")][::5]


def stored(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(ClubBallot)),
                db.session.scalar(sa.select(sa.func.count()).select_from(BallotLine)))


@pytest.fixture
def manager(app, client):
    user = make_user(app, "Mia Manager", "mia@example.com", trust_level=2)
    idea_id = make_idea(app, user.id, "Dark mode")
    make_club(app, members=[(user.id, ClubRole.MANAGER)])
    login(client, "mia@example.com")
    token = hidden_fields(text(client.get("/clubs/acme/ballot")))

    def post(data: dict):
        return client.post("/clubs/acme/ballot", data={**token, **data})

    post.idea_id = idea_id
    return post


def assert_refused(app, response, message: str | None = None) -> None:
    page = text(response)
    assert response.status_code == 422, page[:500]
    assert NOT_PUBLISHED in page
    if message:
        assert message in page
    assert stored(app) == (0, 0)


def test_empty_form_is_refused(app, manager):
    assert_refused(app, manager({}), "Put at least one idea on the ballot.")
    assert_refused(app, manager(rows(("", ""), ("   ", "   "))), "Put at least one idea")


def test_an_idea_without_a_reason_and_a_reason_without_an_idea(app, manager):
    assert_refused(app, manager(rows((manager.idea_id, ""))),
                   "Say in a few words why the club wants this idea.")
    assert_refused(app, manager(rows(("", "A reason alone"))),
                   "Enter the idea this reason is for, or clear the reason.")


@pytest.mark.parametrize("value", ["abc", "ideas", "/ideas/", "#", "http://x/ideas/abc",
                                   *BIG, "9" * 400])
def test_idea_references_that_are_not_ideas(app, manager, value):
    response = manager(rows((value, "why")))
    if not value.strip():
        expected = "Enter the idea this reason is for, or clear the reason."
    elif len(value) > 300:
        expected = "Use at most 300 characters."
    else:
        expected = "Enter an idea number (such as 42) or the idea's address."
    assert_refused(app, response, expected)


def test_unknown_idea_numbers(app, manager):
    for number in (999_999, 2**31, 2**63 - 1):
        assert_refused(app, manager(rows((number, "why"))), f"There is no idea #{number}.")


@pytest.mark.parametrize("position", ["0", "11", "-3", "abc", str(2**63), "1.5"])
def test_positions_out_of_range_or_not_numbers(app, manager, position):
    data = rows((manager.idea_id, "why"))
    data["rows-0-position"] = position
    assert_refused(app, manager(data))
    assert position in text(manager(data)) or position == ""


def test_too_long_and_control_characters_in_the_reason(app, manager):
    assert_refused(app, manager(rows((manager.idea_id, "x" * 281))),
                   "Use at most 280 characters.")
    assert_refused(app, manager(rows((manager.idea_id, "é" * 281))),
                   "Use at most 280 characters.")
    for value in CONTROL:
        assert_refused(app, manager(rows((manager.idea_id, value))),
                       "Remove the invisible control characters from this text.")


def test_more_than_ten_rows_are_cut_to_ten(app, manager):
    data = {f"rows-{n}-idea": "" for n in range(40)}
    data.update(rows((manager.idea_id, "only one")))
    data["rows-39-idea"], data["rows-39-reason"] = "#1", "sneaked in"
    assert manager(data).status_code == 302
    with app.app_context():
        assert list(db.session.scalars(sa.select(BallotLine.reason))) == ["only one"]


def test_the_naughty_strings_as_idea_references(app, manager):
    for value in corpus_sample():
        before = stored(app)
        response = manager(rows((value, "why")))
        if response.status_code == 302:  # a string that names idea #1 ("1", "#1")
            assert value.strip().lstrip("#") == "1" or "/ideas/1" in value, repr(value)
            continue
        assert response.status_code == 422, repr(value)
        assert NOT_PUBLISHED in text(response)
        assert stored(app) == before, repr(value)


def test_the_naughty_strings_as_reasons(app, manager):
    """A reason is refused with a message, or stored as typed and shown escaped."""
    for value in corpus_sample():
        before = stored(app)
        response = manager(rows((manager.idea_id, value)))
        if response.status_code == 302:
            with app.app_context():
                reason = db.session.scalar(sa.select(BallotLine.reason).join(ClubBallot)
                                           .order_by(ClubBallot.version.desc()).limit(1))
            assert reason.strip() == reason and reason
            continue
        assert response.status_code == 422, repr(value)
        assert NOT_PUBLISHED in text(response)
        assert stored(app) == before, repr(value)


def test_an_accepted_reason_with_markup_is_shown_as_text(app, client, manager):
    assert manager(rows((manager.idea_id, "<script>alert(1)</script> & <b>bold</b>"))) \
        .status_code == 302
    page = text(client.get("/clubs/acme/ballot"))
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    assert str(escape("<script>alert(1)</script> & <b>bold</b>")) in page


@pytest.fixture
def product(app):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    client = app.test_client()
    login(client, "pat@example.com")
    return client


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=-1", f"page={2**63}", f"page={10**30}", "page=99999",
    "club=", "club=no-such", "club=" + "a" * 5000, "club=%00", "club=%C0%AF",
    "club=<script>", "club='%20OR%201=1--",
])
def test_side_by_side_query_strings_never_break(app, product, query):
    response = product.get(f"/triage/clubs?{query}")
    assert response.status_code in (200, 400, 404), query
    assert "<script>" not in text(response)


@pytest.mark.parametrize("query", ["club=no-such", "club=" + "b" * 5000, "club=%00",
                                   "club=<script>", "club=", "other=1"])
def test_insight_query_strings_never_break(app, product, query):
    idea_id = make_idea(app, 1, "Export")
    for suffix in ("insight", "insight.csv"):
        response = product.get(f"/ideas/{idea_id}/{suffix}?{query}")
        assert response.status_code in (200, 400, 404), (suffix, query)


@pytest.mark.parametrize("path", [f"/ideas/{2**63}/insight", f"/ideas/{2**63 - 1}/insight",
                                  f"/ideas/{2**31}/insight.csv", "/ideas/-1/insight",
                                  "/ideas/abc/insight", "/ideas/0/insight.csv"])
def test_insight_of_impossible_idea_ids_is_404(app, product, path):
    assert product.get(path).status_code == 404
