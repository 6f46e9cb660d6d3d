"""Command-line tools: create-admin, set-role, demo seed (refused outside demo), trust purge."""

from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.timeutil import utcnow
from community.trust.models import SignupRecord, TrustEvent
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import post_form, text


def test_create_admin_makes_a_verified_admin_who_can_log_in(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create-admin", "--email", "root@example.com", "--name", "Root Admin",
        "--password", GOOD_PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.role is Role.ADMIN and user.is_verified
    assert login(app.test_client(), "root@example.com").status_code == 302


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create-admin", "--email", "root@example.com", "--name", "Root Admin",
        "--password", "password1234"])
    assert result.exit_code != 0 and "common password" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_admin_states_the_rules_and_asks_again_on_a_refused_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "root@example.com", "--name", "Root Admin"],
        input=f"password1234\npassword1234\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "at least" in result.output  # the rules, before the first question
    assert "This password is refused" in result.output and "common password" in result.output
    assert "Administrator root-admin created." in result.output
    assert login(app.test_client(), "root@example.com").status_code == 302


def test_create_admin_asks_for_what_is_missing_and_refuses_a_bad_address(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--password", GOOD_PASSWORD],
        input="not-an-address\n")
    assert result.exit_code != 0 and "E-mail address" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--password", GOOD_PASSWORD],
        input="root@example.com\nRoot Admin\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.display_name)) == "Root Admin"


def test_set_role(app):
    make_user(app)
    result = app.test_cli_runner().invoke(args=["users", "set-role", "alice@example.com",
                                                "product"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(User.role)) is Role.PRODUCT


def test_demo_seed_is_refused_and_logged_outside_demo_mode(make_app):
    app = make_app(CERCLE_ENV="production")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "refused" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
        assert list(db.session.scalars(sa.select(TrustEvent.rule))) == ["demo_outside_demo_mode"]


def test_demo_seed_in_demo_mode_fills_and_every_page_shows_the_banner(make_app):
    app = make_app(CERCLE_ENV="demo")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo_users = db.session.scalars(sa.select(User)).all()
        assert demo_users and all(u.is_demo for u in demo_users)
        handle = demo_users[0].handle
    client = app.test_client()
    for path in ("/", "/login", "/signup", f"/u/{handle}", "/no-such-page"):
        assert "Demo data" in text(client.get(path)), path


def test_no_demo_banner_outside_demo_mode(client):
    assert "Demo data" not in text(client.get("/"))


def test_trust_purge_deletes_old_signup_records_only(make_app):
    app = make_app(SIGNUP_RECORD_RETENTION_DAYS=30)
    with app.app_context():
        db.session.add_all([
            SignupRecord(email_domain="old.example", created_at=utcnow() - timedelta(days=31)),
            SignupRecord(email_domain="new.example", created_at=utcnow() - timedelta(days=1)),
        ])
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["trust", "purge"])
    assert "1 signup records purged" in result.output
    with app.app_context():
        assert list(db.session.scalars(sa.select(SignupRecord.email_domain))) == ["new.example"]


def test_clubs_and_groups_are_created_and_joined_from_the_command_line(app):
    import json

    member = make_user(app)
    run = app.test_cli_runner().invoke
    assert run(args=["clubs", "create", "Acme users", "--slug", "acme"]).exit_code == 0
    joined = run(args=["clubs", "add-member", "acme", member.handle, "--organisation", "Acme"])
    assert joined.exit_code == 0, joined.output
    assert run(args=["groups", "create", "Paris alumni"]).exit_code == 0
    assert run(args=["groups", "add-member", "paris-alumni", member.handle]).exit_code == 0
    unknown = run(args=["groups", "add-member", "nowhere", member.handle])
    assert unknown.exit_code != 0 and "No group with the slug 'nowhere'" in unknown.output
    nobody = run(args=["clubs", "add-member", "acme", "nobody"])
    assert nobody.exit_code != 0 and "No member with the handle 'nobody'" in nobody.output
    # the memberships are the member's data: in the export, gone with the account
    client = app.test_client()
    assert login(client).status_code == 302
    export = json.loads(client.get("/settings/export").data)
    assert [c["club"] for c in export["clubs"]] == ["Acme users"]
    assert export["clubs"][0]["organisation"] == "Acme"
    assert [g["group"] for g in export["groups"]] == ["Paris alumni"]
    post_form(client, "/settings/delete", {"current_password": GOOD_PASSWORD})
    with app.app_context():
        from community.clubs.models import ClubMember
        from community.groups.models import GroupMember

        for model in (ClubMember, GroupMember):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
