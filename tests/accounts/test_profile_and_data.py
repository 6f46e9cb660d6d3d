"""Profile, Team label, invitations, data export and account deletion."""

import json

import sqlalchemy as sa

from community.accounts.models import Invitation, Role, User
from community.extensions import db
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import post_form, text


def test_profile_fields_are_optional_and_shown(app, auth):
    response = post_form(auth, "/settings", {"display_name": "Alice M.", "bio": "Line one\r\nTwo",
                                             "company": "", "location": "Nantes", "locale": "en"})
    assert response.status_code == 302
    page = text(auth.get("/u/alice-martin"))
    assert "Alice M." in page and "Nantes" in page and "Line one\nTwo" in page
    assert "Company" not in page  # empty optional fields are not shown


def test_profile_refuses_empty_display_name_and_keeps_the_old_one(app, auth):
    response = post_form(auth, "/settings", {"display_name": "", "locale": "en"})
    assert response.status_code == 422
    assert "This field is required." in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(User.display_name)) == "Alice Martin"


def test_profile_escapes_markup(app, auth):
    post_form(auth, "/settings", {"display_name": "<b>Al</b>", "bio": "<script>x()</script>",
                                  "locale": "en"})
    page = text(auth.get("/u/alice-martin"))
    assert "<script>x()" not in page and "&lt;script&gt;" in page


def test_staff_role_is_labelled_team(app, client):
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    make_user(app, "Plain Member", "plain@example.com")
    assert "badge-team" in text(client.get("/u/mo-derator"))
    assert "badge-team" not in text(client.get("/u/plain-member"))


def test_company_domain_is_labelled_team_only_once_verified(make_app):
    app = make_app(COMPANY_DOMAINS=("cercle.example",))
    make_user(app, "Cam Staff", "cam@cercle.example")
    make_user(app, "Una Staff", "una@cercle.example", verified=False)
    client = app.test_client()
    assert "badge-team" in text(client.get("/u/cam-staff"))
    assert "badge-team" not in text(client.get("/u/una-staff"))


def test_export_contains_what_the_member_wrote(app, auth):
    post_form(auth, "/settings/invitations", {"note": "for Bob"})
    response = auth.get("/settings/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["profile"]["email"] == "alice@example.com"
    assert document["profile"]["display_name"] == "Alice Martin"
    assert document["invitations_sent"][0]["note"] == "for Bob"
    assert "password_hash" not in json.dumps(document)


def test_delete_account_needs_the_password(app, auth):
    response = post_form(auth, "/settings/delete", {"current_password": "not my password"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(User.deleted_at)) is None


def test_delete_account_removes_personal_data_and_logs_out(app, auth):
    response = post_form(auth, "/settings/delete", {"current_password": GOOD_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.deleted_at is not None
        assert (user.email, user.display_name, user.bio, user.email_normalized) == (
            None, None, None, None)
    assert auth.get("/settings").status_code == 302
    assert auth.get("/u/alice-martin").status_code == 404
    assert login(app.test_client()).status_code == 422
    # The address is free again for a new account.
    make_user(app, "Alice Again", "alice@example.com")


def test_deleted_member_shows_as_deleted_member(app, auth):
    make_user(app, "Bob Stone", "bob@example.com")
    response = post_form(auth, "/settings/invitations", {"note": "bob"})
    assert response.status_code == 200
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
        bob = db.session.scalar(sa.select(User).where(User.handle == "bob-stone"))
        invitation.used_by_id = bob.id
        from community.timeutil import utcnow

        invitation.used_at = utcnow()
        bob.deleted_at = utcnow()
        db.session.commit()
    assert "deleted member" in text(auth.get("/settings/invitations"))


def test_invitation_link_lets_a_newcomer_past_network_velocity(make_app):
    app = make_app(SIGNUP_MAX_PER_NETWORK=1)
    make_user(app)
    member = app.test_client()
    login(member)
    page = text(post_form(member, "/settings/invitations", {"note": "colleague"}))
    link = page.split('readonly value="')[1].split('"')[0]
    invite_path = link.split("localhost", 1)[1]
    first = app.test_client()
    post_form(first, "/signup", {"display_name": "Zoe First", "email": "zoe@example.org",
                                 "password": GOOD_PASSWORD})
    refused = app.test_client()
    response = post_form(refused, "/signup", {"display_name": "Yan Second",
                                              "email": "yan@example.net",
                                              "password": GOOD_PASSWORD})
    assert response.status_code == 422
    invited = app.test_client()
    response = post_form(invited, "/signup", {"display_name": "Yan Second",
                                              "email": "yan@example.net",
                                              "password": GOOD_PASSWORD}, get_url=invite_path)
    assert response.status_code == 200 and "Check your inbox" in text(response)
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
        assert invitation.used_by.display_name == "Yan Second"
        assert invitation.used_by.invited_by_id == invitation.inviter_id
    # Used once: the same link does not work twice.
    again = app.test_client()
    response = post_form(again, "/signup", {"display_name": "Xia Third", "email": "xia@example.com",
                                            "password": GOOD_PASSWORD}, get_url=invite_path)
    assert response.status_code == 422


def test_invitations_are_limited_per_member(make_app):
    app = make_app(INVITES_BY_LEVEL=(2, 2, 2, 2))
    make_user(app)
    client = app.test_client()
    login(client)
    statuses = [post_form(client, "/settings/invitations", {"note": str(i)}).status_code
                for i in range(3)]
    assert statuses == [200, 200, 422]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 2


def test_revoked_invitation_frees_a_slot_and_stops_working(make_app):
    app = make_app(INVITES_BY_LEVEL=(1, 1, 1, 1))
    make_user(app)
    client = app.test_client()
    login(client)
    page = text(post_form(client, "/settings/invitations", {"note": "x"}))
    invite_path = page.split('readonly value="')[1].split('"')[0].split("localhost", 1)[1]
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    post_form(client, f"/settings/invitations/{invitation_id}/revoke", {},
              get_url="/settings/invitations")
    assert "Invitations left: 1" in text(client.get("/settings/invitations"))
    page = text(app.test_client().get(invite_path))
    assert "You were invited" not in page and "no longer valid" in page
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).state == "revoked"


def test_member_cannot_revoke_someone_elses_invitation(app, auth):
    make_user(app, "Bob Stone", "bob@example.com")
    bob = app.test_client()
    login(bob, "bob@example.com")
    post_form(bob, "/settings/invitations", {"note": "bob's"})
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    post_form(auth, f"/settings/invitations/{invitation_id}/revoke", {},
              get_url="/settings/invitations")
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).state == "open"
