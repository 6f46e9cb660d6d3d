"""The moderators' queue over HTTP: sorted by score then age, filtered by source, kind and
state, paged with the filters kept; the count beside the menu link; who may see what."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.moderation import service
from community.moderation.models import Flag, FlagState
from tests.conftest import login, make_user
from tests.helpers import post_form, statements_run, text
from tests.moderation.conftest import NoteStore, user

ROUTES = ("/moderation/flags", "/moderation/flags?state=dismissed", "/moderation/flags/note/1",
          "/moderation/audit", "/moderation/audit.csv", "/moderation/audit.csv?action=flag.")


def report(app, reporter_id: int, note_id: int, reason="spam", subject_type="note") -> None:
    with app.app_context():
        service.open_flag(user(app, reporter_id), subject_type, note_id, reason, "")
        db.session.commit()


def detect(app, detector: str, note_id: int, score: float, subject_type="note") -> None:
    with app.app_context():
        service.open_detector_flag(detector, subject_type, note_id, score, {"why": detector})
        db.session.commit()


def order(page: str) -> list[str]:
    """The subjects of the queue page, top to bottom ("note 3", "gadget 5")."""
    return [f"{kind} {number}" for kind, number in
            re.findall(r'action="/moderation/flags/(\w+)/(\d+)/decide"', page)]


def rows(page: str) -> list[str]:
    """The subjects listed (decided ones have no form: their detail links)."""
    return [f"{kind} {number}" for kind, number in
            re.findall(r'href="/moderation/flags/(\w+)/(\d+)"', page)]


@pytest.fixture
def mod_client(app, moderator):
    client = app.test_client()
    assert login(client, "mo@example.com").status_code == 302
    return client


@pytest.fixture
def many_notes(notes: NoteStore) -> NoteStore:
    notes.notes.update({n: f"Note text {n}" for n in range(4, 80)})
    return notes


def test_the_highest_score_comes_first_then_the_longest_waiting(app, mod_client, member,
                                                                  many_notes):
    report(app, member.id, 1)               # a report: 0.5, the oldest
    detect(app, "near_duplicate", 2, 0.3)   # below a report
    report(app, member.id, 3)               # 0.5, younger than note 1
    detect(app, "vote_burst", 4, 0.9)       # above everything
    detect(app, "vote_burst", 5, 0.7)
    report(app, member.id, 5, "abuse")      # 0.7 and a report: the highest counts
    detect(app, "near_duplicate", 6, 0.5)   # a tie with the reports: younger than both
    page = text(mod_client.get("/moderation/flags"))
    assert order(page) == ["note 4", "note 5", "note 1", "note 3", "note 6", "note 2"]
    assert "a member report counts as a detector score of 0.5" in page
    assert "Highest detector score: 0.90" in page


def test_the_score_of_a_report_is_configurable(make_app, backend):
    app = make_app(MODERATION_REPORT_SCORE=0.2)
    store = NoteStore()
    with app.app_context():
        service.register_subject("note", service.SubjectHandler(describe=store.describe))
    alice = make_user(app)
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    report(app, alice.id, 1)
    detect(app, "near_duplicate", 2, 0.3)
    client = app.test_client()
    login(client, "mo@example.com")
    page = text(client.get("/moderation/flags"))
    assert order(page) == ["note 2", "note 1"]
    assert "counts as a detector score of 0.2" in page


def test_filters_by_source(app, mod_client, member, many_notes):
    report(app, member.id, 1)
    detect(app, "vote_burst", 2, 0.9)
    detect(app, "near_duplicate", 3, 0.8)
    detect(app, "near_duplicate", 1, 0.6)  # note 1: reported and detected
    page = text(mod_client.get("/moderation/flags"))
    assert order(page) == ["note 2", "note 3", "note 1"]
    for value, expected in (("member_report", ["note 1"]), ("vote_burst", ["note 2"]),
                            ("near_duplicate", ["note 3", "note 1"])):
        response = mod_client.get(f"/moderation/flags?detector={value}")
        assert response.status_code == 200
        assert order(text(response)) == expected, value
    # The form offers the detectors that flagged something, and member reports, selected.
    form = text(mod_client.get("/moderation/flags?detector=vote_burst"))
    assert '<option value="member_report">Member reports</option>' in form
    assert '<option value="near_duplicate">Detector: near_duplicate</option>' in form
    assert '<option value="vote_burst" selected>Detector: vote_burst</option>' in form


def test_filters_by_kind_of_content(app, mod_client, member, many_notes):
    report(app, member.id, 1)
    report(app, member.id, 5, subject_type="gadget")
    detect(app, "vote_burst", 7, 0.9, subject_type="account")
    assert order(text(mod_client.get("/moderation/flags"))) == [
        "account 7", "note 1", "gadget 5"]
    assert order(text(mod_client.get("/moderation/flags?subject_type=gadget"))) == ["gadget 5"]
    page = text(mod_client.get("/moderation/flags?subject_type=account"))
    assert order(page) == ["account 7"]
    assert '<option value="account" selected>Member accounts</option>' in page
    assert '<option value="idea">Ideas</option>' in page  # registered, flagged or not


def test_filters_by_state(app, mod_client, moderator, member, many_notes):
    for n in (1, 2, 3):
        report(app, member.id, n)
    with app.app_context():
        service.decide_subject(user(app, moderator.id), "note", 1, "dismiss", "Fine as is")
        service.decide_subject(user(app, moderator.id), "note", 2, "hide", "Advertising")
        db.session.commit()
    assert order(text(mod_client.get("/moderation/flags"))) == ["note 3"]
    assert order(text(mod_client.get("/moderation/flags?state=open"))) == ["note 3"]
    dismissed = text(mod_client.get("/moderation/flags?state=dismissed"))
    assert rows(dismissed) == ["note 1"] and order(dismissed) == []  # no decision form
    assert "Fine as is" in dismissed and "Mo Derator" in dismissed
    actioned = text(mod_client.get("/moderation/flags?state=actioned"))
    assert rows(actioned) == ["note 2"] and "Advertising" in actioned
    assert '<option value="actioned" selected>Content hidden</option>' in actioned


def test_filters_combine(app, mod_client, member, many_notes):
    detect(app, "vote_burst", 1, 0.9)
    detect(app, "vote_burst", 2, 0.9, subject_type="gadget")
    report(app, member.id, 3)
    page = text(mod_client.get("/moderation/flags?detector=vote_burst&subject_type=note"))
    assert order(page) == ["note 1"]
    empty = text(mod_client.get("/moderation/flags?detector=vote_burst&state=dismissed"))
    assert "No flagged item matches these filters." in empty


def test_pages_keep_the_filters_and_never_repeat_a_row(app, mod_client, member, many_notes):
    bob = make_user(app, "Bob Stone", "bob@example.com")
    with app.app_context():
        for n in range(1, 71):  # 70 reported notes, a third also detected
            service.open_flag(user(app, member.id), "note", n, "spam")
            if n % 3 == 0:
                service.open_detector_flag("vote_burst", "note", n, 0.5 + n / 1000, None)
        service.open_flag(user(app, bob.id), "note", 75, "spam")
        service.open_detector_flag("near_duplicate", "note", 76, 0.99, None)  # filtered out
        db.session.commit()
    url, seen, pages = "/moderation/flags?detector=member_report", [], 0
    while url:
        page = text(mod_client.get(url))
        seen += order(page)
        pages += 1
        more = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = more.group(1).replace("&amp;", "&") if more else None
        if url:
            assert "detector=member_report" in url
    assert pages == 3
    detected = [f"note {n}" for n in sorted(range(3, 71, 3), reverse=True)]
    others = [f"note {n}" for n in range(1, 71) if n % 3] + ["note 75"]
    assert seen == detected + others  # highest score first, then oldest; each once


@pytest.mark.parametrize("query", [
    "detector=nope", "detector=%00", "subject_type=nope", "subject_type=" + "x" * 5000,
    "state=closed", "state=OPEN", "state=", "detector=member_report&state=deleted",
    "after=0.5:abc", "after=nan:1", "after=inf:1", "after=1e999:3", "after=" + "9" * 400,
    "after=-0.5:" + str(2**63), "detector=%ff%fe", "subject_type=note%0a",
])
def test_bad_filters_never_answer_500(app, mod_client, member, notes, query):
    report(app, member.id, 1)
    response = mod_client.get(f"/moderation/flags?{query}")
    assert response.status_code in (200, 400), query
    if response.status_code == 400 and "%00" not in query:  # NUL: the app's own 400 first
        page = text(response)
        assert "choose one from the list" in page and 'role="alert"' in page
        assert '<select id="filter-detector" name="detector">' in page  # the form, to retry


def test_a_bad_filter_says_which_one(app, mod_client, member, notes):
    report(app, member.id, 1)
    page = text(mod_client.get("/moderation/flags?state=closed&detector=nope"))
    assert "Unknown value for “State”: choose one from the list." in page
    assert "Unknown value for “Source”: choose one from the list." in page
    assert order(page) == []


def test_the_menu_counts_the_items_waiting(app, mod_client, moderator, member, notes):
    bob = make_user(app, "Bob Stone", "bob@example.com")
    menu = text(mod_client.get("/"))
    assert 'href="/moderation/flags">Moderation</a>' in menu  # nothing waiting: no number
    report(app, member.id, 1)
    report(app, bob.id, 1)  # two flags, one item
    detect(app, "vote_burst", 2, 0.9)
    menu = text(mod_client.get("/"))
    assert ('<a href="/moderation/flags" aria-label="Moderation, 2 flagged items waiting">'
            'Moderation <span class="badge badge-count" aria-hidden="true">2</span></a>') in menu
    with app.app_context():
        service.decide_subject(user(app, moderator.id), "note", 2, "dismiss", "A fair vote")
        db.session.commit()
    assert 'aria-label="Moderation, 1 flagged item waiting"' in text(mod_client.get("/"))


def test_the_count_is_one_query_and_only_for_moderators(app, auth, mod_client, member, notes):
    report(app, member.id, 1)
    counted = "SELECT count(*) AS count_1 \nFROM (SELECT DISTINCT flags.subject_type"
    with statements_run(app) as seen:
        assert "badge-count" not in text(auth.get("/"))
    assert not [s for s in seen if "DISTINCT flags.subject_type" in s]
    with statements_run(app) as seen:
        assert 'aria-label="Moderation, 1 flagged item waiting"' in text(mod_client.get("/"))
    assert len([s for s in seen if s.startswith(counted)]) == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PRODUCT])
def test_members_and_product_staff_get_403_on_every_moderation_route(app, member, notes, role):
    report(app, member.id, 1)
    make_user(app, "Pat Someone", "pat@example.com", role=role)
    client = app.test_client()
    assert login(client, "pat@example.com").status_code == 302
    for url in ROUTES:
        assert client.get(url).status_code == 403, url
    response = post_form(client, "/moderation/flags/note/1/decide", {"decision": "hide"},
                         get_url="/settings")
    assert response.status_code == 403
    assert notes.hide_calls == []
    with app.app_context():
        assert db.session.scalars(sa.select(Flag.state)).all() == [FlagState.OPEN]
    assert "/moderation/flags" not in text(client.get("/"))


def test_moderators_see_the_queue_but_not_the_audit_log(app, mod_client, member, notes):
    report(app, member.id, 1)
    for url in ROUTES[:3]:
        assert mod_client.get(url).status_code == 200, url
    for url in ROUTES[3:]:
        assert mod_client.get(url).status_code == 403, url
    assert 'href="/moderation/audit"' not in text(mod_client.get("/moderation/flags"))
