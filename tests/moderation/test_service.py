"""The flag queue and the audit log, through the service and straight at the database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.data import export_member_data
from community.accounts.models import Role
from community.extensions import db
from community.moderation import service
from community.moderation.models import AuditEntry, Flag, FlagKind, FlagReason, FlagState
from community.refusals import Refused
from tests.conftest import make_user
from tests.moderation.conftest import user


@pytest.fixture
def people(app):
    alice = make_user(app)
    bob = make_user(app, "Bob Stone", "bob@example.com")
    mo = make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    return alice.id, bob.id, mo.id


def test_a_member_reports_a_subject_once(app, ctx, people, notes):
    alice, _, _ = people
    service.open_flag(user(app, alice), "note", 1, "spam", "  sells watches ")
    with pytest.raises(Refused) as refused:
        service.open_flag(user(app, alice), "note", 1, "abuse")
    assert (refused.value.code, refused.value.status) == ("moderation.duplicate", 409)
    assert "already flagged" in refused.value.message
    db.session.commit()  # the savepoint kept the first flag; the session is still usable
    flag = db.session.scalars(sa.select(Flag)).one()
    assert (flag.kind, flag.reason, flag.note) == (FlagKind.MEMBER_REPORT, FlagReason.SPAM,
                                                   "sells watches")
    assert flag.state is FlagState.OPEN and flag.decided_by_id is None


def test_duplicate_report_is_refused_by_the_database(app, ctx, people):
    alice, _, _ = people
    row = {"kind": "member_report", "subject_type": "note", "subject_id": 1,
           "reporter_id": alice, "reason": "spam", "state": "open"}
    db.session.execute(sa.insert(Flag.__table__).values(**row))
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Flag.__table__).values(**row))
    db.session.rollback()


def test_detector_flags_without_reporter_do_not_collide(app, ctx, people):
    service.open_detector_flag("vote_burst", "note", 1, 0.7, {"votes": [1, 2]})
    service.open_detector_flag("co_voting", "note", 1, 0.9, None)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == 2


def test_a_decided_flag_without_moderator_is_refused_by_the_database(app, ctx, people):
    flag = service.open_detector_flag("vote_burst", "note", 1, 0.7, None)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Flag.__table__).where(Flag.__table__.c.id == flag.id)
                           .values(state="dismissed"))
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(Flag.__table__).values(
            kind="detector", subject_type="note", subject_id=2, reason="detector",
            state="actioned"))
    db.session.rollback()


def test_an_unknown_kind_is_refused_by_the_database(app, ctx):
    insert = sa.text("INSERT INTO flags (kind, subject_type, subject_id, reason, note, state,"
                     " decision_note, created_at) VALUES (:kind, 'note', 2, 'detector', '',"
                     " 'open', '', CURRENT_TIMESTAMP)")
    db.session.execute(insert, {"kind": "detector"})
    with pytest.raises(IntegrityError):
        db.session.execute(insert, {"kind": "rumour"})
    db.session.rollback()


def test_dismissing_decides_every_open_flag_of_the_subject_and_writes_the_log(
        app, ctx, people, notes):
    alice, bob, mo = people
    service.open_flag(user(app, alice), "note", 1, "spam")
    service.open_flag(user(app, bob), "note", 1, "spam", "ads")
    service.open_detector_flag("near_duplicate", "note", 1, 0.8, {"similar": [4, 5]})
    other = service.open_flag(user(app, alice), "note", 2, "abuse")
    decided = service.decide_subject(user(app, mo), "note", 1, "dismiss", "Just a link")
    db.session.commit()
    assert len(decided) == 3
    assert {f.state for f in decided} == {FlagState.DISMISSED}
    assert {f.decided_by_id for f in decided} == {mo}
    assert db.session.get(Flag, other.id).state is FlagState.OPEN
    assert notes.hide_calls == []
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id, entry.reason) == (
        mo, "flag.dismiss", "note", 1, "Just a link")
    assert entry.data == {"flags": [f.id for f in decided],
                          "reasons": {"detector": 1, "spam": 2}}


def test_hiding_calls_the_domain_and_marks_the_flags_actioned(app, ctx, people, notes):
    alice, _, mo = people
    flag = service.open_flag(user(app, alice), "note", 2, "abuse")
    service.decide_flag(user(app, mo), flag, "hide", "Insults")
    db.session.commit()
    assert notes.hide_calls == [(mo, 2, "Insults")]
    assert db.session.get(Flag, flag.id).state is FlagState.ACTIONED
    assert db.session.scalars(sa.select(AuditEntry.action)).all() == ["flag.hide"]


def test_hiding_an_unregistered_subject_is_refused_and_changes_nothing(app, ctx, people):
    alice, _, mo = people
    flag_id = service.open_flag(user(app, alice), "gadget", 9, "other").id
    db.session.commit()
    with pytest.raises(Refused) as refused:
        service.decide_flag(user(app, mo), db.session.get(Flag, flag_id), "hide", "")
    assert refused.value.code == "moderation.cannot_hide"
    db.session.rollback()
    assert db.session.get(Flag, flag_id).state is FlagState.OPEN
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_only_moderators_decide_and_only_open_flags(app, ctx, people, notes):
    alice, bob, mo = people
    service.open_flag(user(app, alice), "note", 1, "spam")
    for actor, decision, code in ((bob, "dismiss", "moderation.forbidden"),
                                  (mo, "delete", "moderation.bad_decision")):
        with pytest.raises(Refused) as refused:
            service.decide_subject(user(app, actor), "note", 1, decision)
        assert refused.value.code == code
    with pytest.raises(Refused) as refused:  # a dismissal says why
        service.decide_subject(user(app, mo), "note", 1, "dismiss", "  ")
    assert refused.value.code == "moderation.reason_required"
    service.decide_subject(user(app, mo), "note", 1, "dismiss", "a fair review")
    with pytest.raises(Refused) as refused:
        service.decide_subject(user(app, mo), "note", 1, "dismiss", "a fair review")
    assert refused.value.code == "moderation.nothing_open"


def test_a_detector_finding_is_refreshed_and_a_dismissal_holds_until_a_higher_score(
        app, ctx, people):
    _, _, mo = people
    first = service.open_detector_flag("vote_burst", "user", 7, 0.6, {"n": 3})
    again = service.open_detector_flag("vote_burst", "user", 7, 0.7, {"n": 4})
    assert again is first and (first.score, first.evidence) == (0.7, {"n": 4})
    service.decide_flag(user(app, mo), first, "dismiss", "A launch day")
    assert service.open_detector_flag("vote_burst", "user", 7, 0.7, {"n": 4}) is None
    higher = service.open_detector_flag("vote_burst", "user", 7, 0.95, {"n": 40})
    assert higher is not None and higher.id != first.id and higher.state is FlagState.OPEN


def test_record_action_appends_a_row(app, ctx, people):
    _, _, mo = people
    entry = service.record_action(user(app, mo), "topic.move", "topic", 3, "Wrong place",
                                  {"from": 1, "to": 2})
    db.session.commit()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.actor_id, stored.action, stored.reason, stored.data) == (
        mo, "topic.move", "Wrong place", {"from": 1, "to": 2})
    assert stored.created_at is not None


def test_the_queue_shows_one_row_per_subject_oldest_first(app, ctx, people, notes):
    alice, bob, _ = people
    service.open_flag(user(app, alice), "note", 2, "abuse", "rude")
    service.open_flag(user(app, alice), "note", 1, "spam")
    service.open_flag(user(app, bob), "note", 2, "abuse")
    service.open_flag(user(app, bob), "gadget", 5, "other")
    db.session.commit()
    page = service.open_flags(per_page=2)
    assert [(i.subject_type, i.subject_id) for i in page.items] == [("note", 2), ("note", 1)]
    assert page.items[0].reasons == [(FlagReason.ABUSE, 2)]
    assert page.items[0].subject.excerpt == "You are all idiots"
    assert page.next_cursor is not None
    rest = service.open_flags(after=page.next_cursor, per_page=2)
    assert [(i.subject_type, i.subject_id) for i in rest.items] == [("gadget", 5)]
    assert rest.items[0].subject.title == "gadget #5" and rest.next_cursor is None


def test_the_audit_log_pages_newest_first_and_filters_by_prefix(app, ctx, people):
    _, _, mo = people
    for action in ("topic.move", "post.hide", "topic.merge", "topic_x.odd"):
        service.record_action(user(app, mo), action, "topic", 1)
    db.session.commit()
    page = service.audit_log(per_page=3)
    assert [e.action for e in page.items] == ["topic_x.odd", "topic.merge", "post.hide"]
    older = service.audit_log(before=page.next_cursor, per_page=3)
    assert [e.action for e in older.items] == ["topic.move"] and older.next_cursor is None
    topics = service.audit_log(action_prefix="topic.")
    assert [e.action for e in topics.items] == ["topic.merge", "topic.move"]
    underscore = service.audit_log(action_prefix="topic_")  # "_" is literal, not a wildcard
    assert [e.action for e in underscore.items] == ["topic_x.odd"]


def test_the_export_lists_flags_filed_without_the_moderator(app, ctx, people, notes):
    alice, _, mo = people
    service.open_flag(user(app, alice), "note", 1, "spam", "sells watches")
    service.decide_subject(user(app, mo), "note", 1, "dismiss", "Mo's private reasoning")
    db.session.commit()
    filed = export_member_data(user(app, alice))["flags_filed"]
    assert len(filed) == 1
    assert filed[0]["reason"] == "spam" and filed[0]["note"] == "sells watches"
    assert filed[0]["state"] == "dismissed" and filed[0]["created_at"].endswith("Z")
    assert "Mo" not in str(filed) and "decided_by" not in str(filed)
