"""The groups' part of a member's data on SQLite and PostgreSQL: the export holds their own
memberships (role, listing, fields shown, ambassador, joined), their directory card and their
pending join requests; deleting the account erases them, recounts the groups and keeps each
an owner; the profile lists only the groups the reader may see there."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import User
from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import DirectoryProfile, GroupJoinRequest, GroupMember
from tests import helpers
from tests.conftest import login, make_user
from tests.meetups.factories import (
    MANAGER,
    MEMBER,
    OWNER,
    PRIVATE,
    PUBLIC,
    SECRET,
    make_group,
    make_moderator,
    member_count,
    roles,
)


def setup_world(app):
    olga = make_user(app, "Olga Owner", "olga@example.com")
    bea = make_user(app, "Bea Builder", "bea@example.com")
    carl = make_user(app, "Carl Coder", "carl@example.com")
    public = make_group(app, olga.id, "Open House", PUBLIC, members=[(bea.id, MEMBER)])
    private = make_group(app, bea.id, "Lyon Users", PRIVATE,
                         members=[(carl.id, MANAGER), (olga.id, MEMBER)])
    secret = make_group(app, olga.id, "Hidden Ring", SECRET, members=[(bea.id, MANAGER)])
    asked = make_group(app, olga.id, "Paris Users", PRIVATE)
    with app.app_context():
        db.session.add(DirectoryProfile(user_id=bea.id, company="Acme Rockets", cohort="2019"))
        member = db.session.get(GroupMember, (GROUPS.find(public).id, bea.id))
        member.shown_fields, member.listed = "company,cohort", False
        member.ambassador = True
        db.session.add(GroupJoinRequest(group_id=GROUPS.find(asked).id, user_id=bea.id,
                                        message="Let me in, please"))
        db.session.add(GroupJoinRequest(group_id=GROUPS.find(asked).id, user_id=carl.id,
                                        message="Carl's own"))
        db.session.commit()
    return olga, bea, carl, public, private, secret, asked


def test_the_export_holds_the_members_own_rows(app):
    olga, bea, carl, public, private, secret, asked = setup_world(app)
    with app.app_context():
        export = data.export_member_data(db.session.get(User, bea.id))
    rows = {row["group"]: row for row in export["groups"]}
    assert set(rows) == {"Open House", "Lyon Users", "Hidden Ring"}
    assert rows["Open House"]["shown_fields"] == ["company", "cohort"]
    assert rows["Open House"]["listed"] is False and rows["Open House"]["ambassador"] is True
    assert rows["Lyon Users"]["role"] == "owner" and rows["Hidden Ring"]["role"] == "manager"
    assert rows["Lyon Users"]["joined_at"].endswith("Z")
    assert export["directory_card"]["company"] == "Acme Rockets"
    assert [r["message"] for r in export["group_join_requests"]] == ["Let me in, please"]
    assert "Carl's own" not in str(export)
    with app.app_context():
        other = data.export_member_data(db.session.get(User, carl.id))
    assert other["directory_card"] is None and "Acme Rockets" not in str(other)


def test_deletion_erases_recounts_and_keeps_an_owner(app):
    olga, bea, carl, public, private, secret, asked = setup_world(app)
    assert member_count(app, private) == 3
    with app.app_context():
        data.delete_account(db.session.get(User, bea.id))
        db.session.commit()
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember)
                                     .where(GroupMember.user_id == bea.id))
        assert db.session.get(DirectoryProfile, bea.id) is None
        assert db.session.scalars(sa.select(GroupJoinRequest.message)).all() == ["Carl's own"]
        export = data.export_member_data(db.session.get(User, bea.id))
    assert export["groups"] == [] and export["directory_card"] is None
    assert member_count(app, private) == 2 and member_count(app, public) == 1
    assert member_count(app, secret) == 1
    # Bea owned Lyon Users: its manager Carl takes over (before Olga, a member).
    assert roles(app, private) == {carl.id: OWNER, olga.id: MEMBER}


def test_the_profile_lists_only_groups_the_reader_may_see(app):
    olga, bea, carl, public, private, secret, asked = setup_world(app)
    with app.app_context():  # listed again in the public group, to be seen
        db.session.get(GroupMember, (GROUPS.find(public).id, bea.id)).listed = True
        db.session.commit()
    dan = make_user(app, "Dan Drifter", "dan@example.com")  # noqa: F841 (a stranger)
    make_moderator(app)

    def seen(email: str | None) -> set[str]:
        client = app.test_client()
        if email:
            assert login(client, email).status_code == 302
        page = helpers.text(client.get("/u/bea-builder"))
        return {name for name in ("Open House", "Lyon Users", "Hidden Ring", "Paris Users")
                if name in page}

    assert seen(None) == {"Open House"}
    assert seen("dan@example.com") == {"Open House"}
    assert seen("carl@example.com") == {"Open House", "Lyon Users"}
    assert seen("olga@example.com") == {"Open House", "Lyon Users", "Hidden Ring"}
    assert seen("mo@example.com") == {"Open House", "Lyon Users", "Hidden Ring"}
    anonymous = helpers.text(app.test_client().get("/u/bea-builder"))
    assert "badge-ambassador" in anonymous
    with app.app_context():  # hidden from the public group's directory: off the profile too
        db.session.get(GroupMember, (GROUPS.find(public).id, bea.id)).listed = False
        db.session.commit()
    assert seen("dan@example.com") == set()
    assert seen("bea@example.com") >= {"Open House"}
