"""Notify knows no domain: a notification names its subject (type and id), the domain that
registered its kind words it now, and a kind that no domain registered is neither shown, nor
counted, nor mailed."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.ideas import triage
from community.ideas.models import Idea, Status
from community.notify import service
from community.notify.models import Notification
from tests.conftest import login
from tests.helpers import mails_to, text
from tests.ideas.factories import make_idea


def _digest(app) -> None:
    result = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def planned(app, member, product):
    """Alice's idea "Dark mode" (she follows it) is planned by the product team."""
    idea_id = make_idea(app, member.id, "Dark mode")
    with app.app_context():
        triage.change_status(db.session.get(User, product.id), db.session.get(Idea, idea_id),
                             Status.PLANNED, "")
        db.session.commit()
    client = app.test_client()
    login(client)
    return idea_id, client


def _rename(app, idea_id: int, title: str, slug: str) -> None:
    with app.app_context():
        db.session.execute(sa.update(Idea).where(Idea.id == idea_id)
                           .values(title=title, slug=slug))
        db.session.commit()


def test_an_ideas_notification_names_its_idea_as_subject(app, planned):
    idea_id, _client = planned
    with app.app_context():
        row = db.session.scalars(sa.select(Notification)).one()
        assert (row.kind, row.subject_type, row.subject_id) == ("status", "idea", idea_id)


def test_the_ideas_word_a_status_change_with_the_ideas_title_now(app, planned, outbox):
    idea_id, alice = planned
    _rename(app, idea_id, "Dark mode everywhere", "dark-mode-everywhere")
    page_badge = text(alice.get("/settings"))  # opening /notifications reads them
    page = text(alice.get("/notifications"))
    assert "“Dark mode everywhere” is now: Planned." in page
    assert f'href="/ideas/{idea_id}-dark-mode-everywhere"' in page
    assert "“Dark mode”" not in page
    assert 'aria-label="1 unread notification"' in page_badge
    _digest(app)
    (mail,) = mails_to(outbox, "alice@example.com")
    assert "“Dark mode everywhere” is now: Planned." in mail.get_content()


def test_the_ideas_word_a_merge_with_both_titles_now(app, member, product):
    target = make_idea(app, member.id, "Dark mode")
    duplicate = make_idea(app, member.id, "Night theme")
    with app.app_context():
        triage.merge(db.session.get(User, product.id), db.session.get(Idea, duplicate),
                     db.session.get(Idea, target))
        db.session.commit()
    _rename(app, duplicate, "Night theme please", "night-theme-please")
    _rename(app, target, "Dark mode everywhere", "dark-mode-everywhere")
    alice = app.test_client()
    login(alice)
    page = text(alice.get("/notifications"))
    assert ("“Night theme please” was merged into “Dark mode everywhere”; your vote moved "
            "with it.") in page
    assert f'href="/ideas/{target}-dark-mode-everywhere"' in page


def test_a_notification_about_an_idea_that_is_gone_is_not_shown(app, member, planned):
    idea_id, alice = planned
    with app.app_context():
        service.notify([member.id], "official", subject_type="idea", subject_id=idea_id + 1000,
                       data={"title": "Long gone"})
        db.session.commit()
    page_badge = text(alice.get("/settings"))  # opening /notifications reads them
    page = text(alice.get("/notifications"))
    assert "Long gone" not in page and "is now: Planned" in page
    assert 'aria-label="1 unread notification"' in page_badge


def test_a_kind_no_domain_registered_is_not_shown_counted_nor_mailed(app, member, planned,
                                                                     outbox, caplog):
    _idea_id, alice = planned
    with app.app_context():
        service._UNKNOWN_LOGGED.discard("vanished")
        for n in range(3):
            service.notify([member.id], "vanished", subject_type="thing", subject_id=n,
                           data={"title": f"Unworded {n}"})
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="community.notify.service"):
        page_badge = text(alice.get("/settings"))  # opening /notifications reads them
        page = text(alice.get("/notifications"))
        text(alice.get("/notifications"))
    assert "Unworded" not in page and "is now: Planned" in page
    assert 'aria-label="1 unread notification"' in page_badge
    warned = [r for r in caplog.records if "vanished" in r.getMessage()]
    assert len(warned) == 1  # once, not once per row nor per page
    _digest(app)
    (mail,) = mails_to(outbox, "alice@example.com")
    assert "Unworded" not in mail.get_content() and "Dark mode" in mail.get_content()
    with app.app_context():  # marked mailed: never sent later either
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.emailed_at.is_(None))) == 0


def test_only_unworded_kinds_pending_send_no_mail(app, member, outbox):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == member.id)
                           .values(email_digest="instant"))
        service.notify([member.id], "vanished", subject_type="thing", subject_id=1)
        db.session.commit()
    assert mails_to(outbox, "alice@example.com") == []
