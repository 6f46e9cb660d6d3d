"""Notifications are worded when they are read: the topic's title and the actor's name as they
are now, and only while the reader may still see the subject — on the page, in the unread
badge and in the mails (instant and daily digest)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums.models import Post
from community.notify import service
from community.notify.models import Notification
from tests.conftest import GOOD_PASSWORD
from tests.forums.conftest import act, as_member, new_reply, new_topic, people
from tests.helpers import mails_to, post_form, queries_for, text

TITLE = "Roadmap for the Acme integration"


def _digest(app) -> None:
    result = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output


def _mail_texts(outbox, address: str) -> str:
    return "\n".join(m.get_content() for m in mails_to(outbox, address))


def _first_post(app, topic_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id,
                                                          Post.number == 1))


@pytest.fixture
def watched(app, forum, moderator):
    """Alice (outside the Acme club) and Carol (in it) watch General; Bob (in the club) opens
    a topic there and replies to it: each of them has two notifications."""
    alice, bob, carol = people(app, "alice", "bob", "carol")
    with app.app_context():
        club = clubs.find("acme")
        for user in (bob, carol):
            clubs.add(club, user.id)
        db.session.commit()
    readers = {}
    for name in ("alice", "carol"):
        readers[name] = as_member(app.test_client(), f"{name}@example.com")
        act(readers[name], "/c/general/watch", "/c/general", level="watching")
    topic_id = new_topic(app, bob.id, forum.general, title=TITLE)
    reply_id = new_reply(app, bob.id, topic_id, "First details of the integration.")
    return {"topic": topic_id, "reply": reply_id, "bob": bob, **readers}


def test_a_topic_moved_into_a_club_leaves_outsiders_page_badge_and_digest(app, forum, watched,
                                                                         outbox):
    alice, carol = watched["alice"], watched["carol"]
    assert TITLE in text(alice.get("/notifications"))
    mod = as_member(app.test_client(), "mo@example.com")
    moved = post_form(mod, f"/t/{watched['topic']}/manage", {
        "form": "move", "move-category": str(forum.club), "move-reason": "club matter"})
    assert moved.status_code == 302
    page = text(alice.get("/notifications"))
    assert TITLE not in page and "badge-count" not in page
    member_page_badge = text(carol.get("/settings"))  # opening /notifications reads them
    member_page = text(carol.get("/notifications"))
    assert member_page.count(TITLE) == 2
    assert 'aria-label="2 unread notifications"' in member_page_badge
    _digest(app)
    assert mails_to(outbox, "alice@example.com") == []
    assert TITLE in _mail_texts(outbox, "carol@example.com")
    with app.app_context():  # what alice may no longer see is never mailed later either
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.emailed_at.is_(None))) == 0


def test_a_deleted_post_takes_its_notification_away(app, watched):
    bob = as_member(app.test_client(), "bob@example.com")
    act(bob, f"/p/{watched['reply']}/delete", f"/t/{watched['topic']}")
    page_badge = text(watched["alice"].get("/settings"))  # opening /notifications reads them
    page = text(watched["alice"].get("/notifications"))
    assert "replied in" not in page and "opened" in page
    assert 'aria-label="1 unread notification"' in page_badge


def test_the_title_shown_is_the_topics_title_now(app, watched, outbox):
    bob = as_member(app.test_client(), "bob@example.com")
    first = _first_post(app, watched["topic"])
    edited = post_form(bob, f"/p/{first}/edit", {
        "title": "Acme integration: the plan", "body": "Opening the discussion.",
        "submit": "1"})
    assert edited.status_code == 302
    page = text(watched["alice"].get("/notifications"))
    assert TITLE not in page and page.count("Acme integration: the plan") == 2
    _digest(app)
    assert "Acme integration: the plan" in _mail_texts(outbox, "alice@example.com")


def test_a_deleted_member_is_a_deleted_member_in_notifications(app, watched, outbox):
    bob = as_member(app.test_client(), "bob@example.com")
    assert post_form(bob, "/settings/delete",
                     {"current_password": GOOD_PASSWORD}).status_code == 302
    page = text(watched["alice"].get("/notifications"))
    assert "Bob Doe" not in page
    assert "deleted member replied in" in page and "deleted member opened" in page
    _digest(app)
    mail = _mail_texts(outbox, "alice@example.com")
    assert "Bob Doe" not in mail and "deleted member replied in" in mail


def test_an_instant_mail_leaves_out_what_moved_out_of_sight(app, forum, watched, outbox):
    """Alice's two notifications wait for her digest; the topic moves into the club; she turns
    to instant mails, and a new topic brings all her unmailed notifications at once."""
    mod = as_member(app.test_client(), "mo@example.com")
    post_form(mod, f"/t/{watched['topic']}/manage", {
        "form": "move", "move-category": str(forum.club), "move-reason": ""})
    post_form(watched["alice"], "/notifications/settings", {"email_digest": "instant"},
              get_url="/notifications")
    new_topic(app, watched["bob"].id, forum.general, title="Spring meetup in Lyon")
    (mail,) = mails_to(outbox, "alice@example.com")
    assert "Bob Doe opened “Spring meetup in Lyon”" in mail.get_content()
    assert TITLE not in mail.get_content()


def test_older_rows_with_a_frozen_title_follow_their_post(app, forum, watched):
    """Rows written before notifications kept ids (title, permalink and name, frozen), as the
    migration to subjects left them: about their post."""
    club_topic = new_topic(app, watched["bob"].id, forum.club, title="Club-only pricing talk")
    club_post = _first_post(app, club_topic)
    with app.app_context():
        alice_id = db.session.scalar(sa.select(User.id).where(User.handle == "alice"))
        db.session.execute(sa.delete(Notification))
        frozen = [
            ("forum_reply", watched["reply"], {
                "title": "An old title", "url": f"/p/{watched['reply']}", "by": "Bob Doe"}),
            ("forum_topic", club_post, {"title": "Club-only pricing talk",
                                        "url": f"/p/{club_post}", "by": "Bob Doe"}),
        ]
        db.session.execute(sa.insert(Notification), [
            {"user_id": alice_id, "kind": kind, "subject_type": "post", "subject_id": post_id,
             "data": data} for kind, post_id, data in frozen])
        db.session.commit()
    page_badge = text(watched["alice"].get("/settings"))  # opening /notifications reads them
    page = text(watched["alice"].get("/notifications"))
    assert f"Bob Doe replied in “{TITLE}”" in page
    assert "An old title" not in page and "Club-only pricing talk" not in page
    assert 'aria-label="1 unread notification"' in page_badge


def test_the_page_costs_the_same_for_few_or_many_notifications(app, forum, watched):
    alice = watched["alice"]
    few = queries_for(app, alice, "/notifications")
    for n in range(15):
        new_reply(app, watched["bob"].id, watched["topic"], f"More details, part {n}.")
    assert queries_for(app, alice, "/notifications") == few


class Notes:
    """A kind no real domain has: notify is tested without any."""

    def __init__(self) -> None:
        self.calls = 0

    def resolve(self, reader, notifications):
        self.calls += 1
        return {n.id: service.Shown(f"Note {n.data['n']}", f"/notes/{n.data['n']}")
                for n in notifications if n.data["n"] % 2 == 0}  # odd notes: out of sight


@pytest.fixture
def notes(app):
    found = Notes()
    with app.app_context():  # this app's registry only: other apps never see the kind
        service.register_kinds(["note"], found.resolve)
    return found


def test_a_registered_kind_is_worded_and_filtered_by_its_domain(app, forum, notes):
    (alice,) = people(app, "alice")
    with app.app_context():
        for n in range(1, 7):
            service.notify([alice.id], "note", subject_type="note", subject_id=n, data={"n": n})
        db.session.commit()
    client = as_member(app.test_client(), "alice@example.com")
    page_badge = text(client.get("/settings"))  # opening /notifications reads them
    notes.calls = 0
    page = text(client.get("/notifications"))
    assert [f"Note {n}" in page for n in range(1, 7)] == [False, True] * 3
    assert 'href="/notes/4"' in page
    assert 'aria-label="3 unread notifications"' in page_badge
    assert notes.calls <= 2  # for the page and the badge at most: never once per row


def test_opening_the_page_marks_what_it_shows_read_and_the_badge_follows(app, watched):
    alice = watched["alice"]
    assert 'aria-label="2 unread notifications"' in text(alice.get("/settings"))
    first = text(alice.get("/notifications"))
    assert first.count('class="unread"') == 2  # new this once, and said so
    assert "badge-count" not in first  # the header already counts them read
    assert "badge-count" not in text(alice.get("/settings"))
    assert 'class="unread"' not in text(alice.get("/notifications"))
    # only what was shown: Carol's stay unread until she looks
    assert 'aria-label="2 unread notifications"' in text(watched["carol"].get("/settings"))


def test_a_prefetch_or_a_head_request_marks_nothing_read(app, watched):
    alice = watched["alice"]
    alice.get("/notifications", headers={"Sec-Purpose": "prefetch"})
    alice.head("/notifications")
    assert 'aria-label="2 unread notifications"' in text(alice.get("/settings"))
