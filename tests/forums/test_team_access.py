"""The team's forum pages follow the one access rule: the staff who are not in a club do not
read, edit, move or delete its FAQ entries, nor count its activity among the top helpers; and
every change of the FAQ is in the audit log."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import qa
from community.forums.models import FaqEntry, Post
from community.moderation.models import AuditEntry
from tests.conftest import make_user
from tests.forums.conftest import OLD, act, as_member, new_reply, new_topic, people
from tests.helpers import post_form, text

SECRET = "Quarterly pricing zeppelin"


def _join_club(app, *users) -> None:
    with app.app_context():
        club = clubs.find("acme")
        for user in users:
            clubs.add(club, user.id, organisation="Acme Corp")
        db.session.commit()


def _answered(app, category_id: int, asker, answerer, title: str) -> int:
    """A question in the category, answered, the answer accepted; the answer's id."""
    topic_id = new_topic(app, asker.id, category_id, title=title, body="Any idea?",
                         question=True)
    answer_id = new_reply(app, answerer.id, topic_id, "Yes: the answer is here.")
    with app.app_context():
        qa.accept_answer(db.session.get(User, asker.id), db.session.get(Post, answer_id))
        db.session.commit()
    return answer_id


@pytest.fixture
def club_faq(app, forum):
    """A FAQ entry of the Acme club (Alice and Bob are in it), written by an admin."""
    alice, bob = people(app, "alice", "bob")
    _join_club(app, alice, bob)
    answer_id = _answered(app, forum.club, alice, bob, f"{SECRET} question")
    admin_ = make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN, **OLD)
    with app.app_context():
        post = db.session.get(Post, answer_id)
        entry = qa.promote_to_faq(db.session.get(User, admin_.id), post, f"{SECRET} FAQ",
                                  f"The {SECRET} answer.", post.topic.category)
        db.session.commit()
        return entry.id


def _entry(app, entry_id: int) -> tuple[int, str] | None:
    with app.app_context():
        entry = db.session.get(FaqEntry, entry_id)
        return (entry.category_id, entry.question) if entry else None


def _audit(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.select(
            AuditEntry.action, AuditEntry.subject_type, AuditEntry.subject_id)
            .order_by(AuditEntry.id))]


def test_staff_outside_a_club_cannot_read_edit_move_or_delete_its_faq(app, client, forum,
                                                                       club_faq, product):
    as_member(client, "pat@example.com")
    assert client.get(f"/faq/{club_faq}/edit").status_code == 404
    saved = post_form(client, f"/faq/{club_faq}/edit", {
        "question": "Moved out of the club", "answer": "Now everyone reads it.",
        "category": str(forum.general)}, get_url="/forums/new")
    assert saved.status_code == 404
    deleted = post_form(client, f"/faq/{club_faq}/delete", {}, get_url="/forums/new")
    assert deleted.status_code == 404
    assert _entry(app, club_faq) == (forum.club, f"{SECRET} FAQ")
    assert SECRET not in text(app.test_client().get("/faq"))
    assert SECRET not in text(client.get("/faq"))
    assert [a for a, _t, _i in _audit(app) if a != "faq.promote"] == []


def test_staff_in_the_club_edit_its_faq_among_the_categories_they_see(app, client, forum,
                                                                      club_faq, product):
    _join_club(app, product)
    as_member(client, "pat@example.com")
    form = text(client.get(f"/faq/{club_faq}/edit"))
    assert SECRET in form
    assert re.search(rf'<option selected value="{forum.club}">Acme club</option>', form), form
    response = post_form(client, f"/faq/{club_faq}/edit", {
        "question": f"{SECRET} FAQ, reworded", "answer": "Shorter.",
        "category": str(forum.club)})
    assert response.status_code == 302
    assert _entry(app, club_faq) == (forum.club, f"{SECRET} FAQ, reworded")
    assert SECRET not in text(app.test_client().get("/faq"))


def test_the_edit_form_offers_only_the_categories_the_editor_may_see(app, client, forum,
                                                                     product):
    alice, bob = people(app, "alice", "bob")
    answer_id = _answered(app, forum.general, alice, bob, "How do I export my data?")
    as_member(client, "pat@example.com")
    post_form(client, f"/p/{answer_id}/faq", {
        "question": "How do I export everything?", "answer": "Settings, then Export.",
        "category": str(forum.general)})
    with app.app_context():
        entry_id = db.session.scalar(sa.select(FaqEntry.id))
    form = text(client.get(f"/faq/{entry_id}/edit"))
    assert "General" in form and "Team room" in form and "Acme club" not in form
    refused = post_form(client, f"/faq/{entry_id}/edit", {
        "question": "How do I export everything?", "answer": "Settings, then Export.",
        "category": str(forum.club)})
    assert refused.status_code == 422
    assert _entry(app, entry_id)[0] == forum.general


def test_every_faq_change_writes_an_audit_row(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    answer_id = _answered(app, forum.general, alice, bob, "How do I rotate my API key?")
    as_member(client, "mo@example.com")
    assert post_form(client, f"/p/{answer_id}/faq", {
        "question": "How do I rotate an API key?", "answer": "Settings, API, Rotate.",
        "category": str(forum.general)}).status_code == 302
    with app.app_context():
        entry_id = db.session.scalar(sa.select(FaqEntry.id))
    url = f"/faq/{entry_id}/edit"
    post_form(client, url, {"question": "How do I rotate an API key?",
                            "answer": "Open Settings, then API, then Rotate.",
                            "category": str(forum.general)})
    post_form(client, url, {"question": "How do I rotate an API key?",
                            "answer": "Open Settings, then API, then Rotate.",
                            "category": str(forum.club)})
    post_form(client, url, {"question": "How do I rotate an API key?",  # nothing changes
                            "answer": "Open Settings, then API, then Rotate.",
                            "category": str(forum.club)})
    act(client, f"/faq/{entry_id}/delete", url)
    assert _entry(app, entry_id) is None
    assert _audit(app) == [(action, "faq", entry_id) for action in (
        "faq.promote", "faq.edit", "faq.move", "faq.delete")]
    log = text(client.get(f"/moderation/flags/faq/{entry_id}"))  # the entry's own history
    assert "faq.move" in log and "faq.delete" in log


def _helper_row(page: str, name: str) -> tuple[int, int, int] | None:
    """(helpful marks, accepted answers, posts) on the top helpers' row of ``name``."""
    found = re.search(rf'{name}</a>.*?</td><td class="num">(\d+)</td><td class="num">(\d+)'
                      rf'</td><td class="num">(\d+)</td>', page, re.S)
    return tuple(int(n) for n in found.groups()) if found else None


def test_top_helpers_count_only_the_activity_the_reader_may_see(app, client, forum, product):
    alice, bob, carol = people(app, "alice", "bob", "carol")
    _join_club(app, alice, bob)
    club_answer = _answered(app, forum.club, alice, bob, f"{SECRET} question")
    as_member(client, "alice@example.com")
    act(client, f"/p/{club_answer}/helpful", "/forums")
    team = as_member(app.test_client(), "pat@example.com")
    assert _helper_row(text(team.get("/forums/helpers")), "Bob Doe") is None
    open_topic = new_topic(app, carol.id, forum.general, title="Where is the export button?")
    open_answer = new_reply(app, bob.id, open_topic, "In the settings, at the bottom.")
    act(as_member(app.test_client(), "carol@example.com"), f"/p/{open_answer}/helpful",
        "/forums")
    assert _helper_row(text(team.get("/forums/helpers")), "Bob Doe") == (1, 0, 1)
    _join_club(app, product)
    assert _helper_row(text(team.get("/forums/helpers")), "Bob Doe") == (2, 1, 2)
    with app.app_context():  # moderation takes the open answer down: it is nobody's help now
        db.session.get(Post, open_answer).hidden = True
        db.session.commit()
    assert _helper_row(text(team.get("/forums/helpers")), "Bob Doe") == (1, 1, 1)
