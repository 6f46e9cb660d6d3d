"""Clubs over HTTP, each action and role, on SQLite and PostgreSQL: creating (with the
club's category), joining by request or invitation link, leaving, removing, roles, who sees a
members-only club, and the e-mail domains' suggestions."""

from __future__ import annotations

import html

import sqlalchemy as sa

from community.accounts import data
from community.accounts.models import Role, User
from community.clubs.models import ClubDomain, ClubMember, JoinRequest, Visibility
from community.extensions import db
from community.forums.models import ForumCategory
from community.notify import service as notify_service
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form, queries_for
from tests.roadmap.clubs_factories import (
    MANAGER,
    MEMBER,
    OWNER,
    club_count,
    get_club,
    make_club,
    make_staff,
    requests_of,
    roles,
)


def text(response) -> str:
    """The page's text with entities decoded ("club&#39;s" reads "club's")."""
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def category_of(app, slug: str) -> ForumCategory | None:
    with app.app_context():
        category = db.session.scalar(sa.select(ForumCategory).where(
            ForumCategory.slug == f"club-{slug}"))
        if category is not None:
            db.session.expunge(category)
        return category


def shown_notifications(app, user_id: int) -> list[str]:
    with app.test_request_context():
        return [shown.text for _n, shown in notify_service.recent(db.session.get(User, user_id))]


# ---- creating and editing ----

def test_product_staff_create_a_public_club_with_an_open_category(app, client):
    staff = make_staff(app)
    login(client, "pat@example.com")
    response = post_form(client, "/clubs/new", {
        "name": "Acme Users", "description": "For **Acme** customers.", "visibility": "public",
        "domains": "Acme.com, @acme.fr\nacme.com"})
    assert response.status_code == 302 and response.headers["Location"] == "/clubs/acme-users"
    page = text(client.get("/clubs/acme-users"))
    assert "<strong>Acme</strong>" in page and "Public club" in page and "1 member" in page
    assert "/c/club-acme-users" in page
    assert roles(app, "acme-users") == {staff.id: OWNER}
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(ClubDomain.domain))) == ["acme.com", "acme.fr"]
    category = category_of(app, "acme-users")
    assert category.name == "Acme Users" and not category.is_restricted


def test_a_members_only_club_gets_a_category_for_its_members(app, client):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id, "Secret Society", private=True)
    club = get_club(app, slug)
    assert category_of(app, slug).club_id == club.id
    outsider = as_user(app, "alice@example.com")
    assert outsider.get(f"/c/club-{slug}").status_code in (403, 404)
    with app.app_context():
        db.session.add(ClubMember(club_id=club.id, user_id=member.id))
        db.session.commit()
    assert outsider.get(f"/c/club-{slug}").status_code == 200


def test_the_category_follows_the_visibility_when_an_owner_edits(app, client):
    staff = make_staff(app)
    slug = make_club(app, staff.id)
    login(client, "pat@example.com")
    response = post_form(client, f"/clubs/{slug}/edit", {
        "name": "Acme Club", "description": "", "visibility": "members", "domains": "acme.io"})
    assert response.status_code == 302
    club = get_club(app, slug)
    assert (club.name, club.visibility, club.slug) == ("Acme Club", Visibility.MEMBERS, slug)
    assert category_of(app, slug).club_id == club.id
    assert category_of(app, slug).name == "Acme Club"
    post_form(client, f"/clubs/{slug}/edit", {
        "name": "Acme Club", "visibility": "public", "domains": ""})
    assert category_of(app, slug).club_id is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClubDomain)) == 0


def test_members_cannot_create_clubs(app, auth):
    assert auth.get("/clubs/new").status_code == 403
    response = post_form(auth, "/clubs/new", {"name": "Mine", "visibility": "public"},
                         get_url="/")
    assert response.status_code == 403
    assert club_count(app) == 0
    assert "Create a club" not in text(auth.get("/clubs"))


def test_a_taken_name_gets_a_numbered_slug(app, client):
    staff = make_staff(app)
    make_club(app, staff.id, "Acme Users")
    login(client, "pat@example.com")
    response = post_form(client, "/clubs/new", {"name": "Acme users!", "visibility": "public"})
    assert response.headers["Location"] == "/clubs/acme-users-2"
    assert category_of(app, "acme-users-2") is not None


def test_managers_may_not_edit_the_details_but_owners_may(app, client):
    staff = make_staff(app)
    manager = make_user(app, "Max Manager", "max@example.com")
    slug = make_club(app, staff.id, members=[(manager.id, MANAGER)])
    max_ = as_user(app, "max@example.com")
    page = text(max_.get(f"/clubs/{slug}/edit"))
    assert "Invitation link" in page and 'name="name"' not in page
    response = post_form(max_, f"/clubs/{slug}/edit", {"name": "Hijacked", "visibility": "public"})
    assert response.status_code == 403
    assert get_club(app, slug).name == "Acme Users"


# ---- joining by request ----

def test_a_join_request_is_approved_by_a_manager(app, client):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id)
    alice = as_user(app, "alice@example.com")
    response = post_form(alice, f"/clubs/{slug}/join", {
        "organisation": "Acme Corp", "message": "We use it daily."}, get_url=f"/clubs/{slug}")
    assert response.status_code == 302
    assert requests_of(app, slug) == [(member.id, "Acme Corp", "We use it daily.")]
    assert "waiting for a manager" in text(alice.get(f"/clubs/{slug}"))
    assert shown_notifications(app, staff.id) == ["Alice Martin asks to join the club Acme Users."]

    login(client, "pat@example.com")
    page = text(client.get(f"/clubs/{slug}/members"))
    assert "Acme Corp" in page and "We use it daily." in page
    request_id = get_request_id(app)
    post_form(client, f"/clubs/{slug}/join-requests/{request_id}/approve", {},
              get_url=f"/clubs/{slug}/members")
    assert roles(app, slug) == {staff.id: OWNER, member.id: MEMBER}
    assert requests_of(app, slug) == []
    assert shown_notifications(app, member.id) == ["You are now a member of the club Acme Users."]
    with app.app_context():
        assert db.session.get(ClubMember, (get_club(app, slug).id, member.id)).organisation \
            == "Acme Corp"


def get_request_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(JoinRequest.id))


def test_a_declined_request_leaves_nobody_added(app, client):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id)
    alice = as_user(app, "alice@example.com")
    post_form(alice, f"/clubs/{slug}/join", {}, get_url=f"/clubs/{slug}")
    login(client, "pat@example.com")
    post_form(client, f"/clubs/{slug}/join-requests/{get_request_id(app)}/decline", {},
              get_url=f"/clubs/{slug}/members")
    assert requests_of(app, slug) == [] and member.id not in roles(app, slug)
    answered = post_form(client, f"/clubs/{slug}/join-requests/1/approve", {},
                         get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "This request was already answered." in text(answered)


def test_asking_twice_or_as_a_member_is_refused_with_a_message(app):
    staff = make_staff(app)
    make_user(app)
    slug = make_club(app, staff.id)
    alice = as_user(app, "alice@example.com")
    post_form(alice, f"/clubs/{slug}/join", {}, get_url=f"/clubs/{slug}")
    again = alice.post(f"/clubs/{slug}/join", data={"csrf_token": csrf(alice, "/")},
                       follow_redirects=True)
    assert "You already asked to join this club" in text(again)
    assert len(requests_of(app, slug)) == 1
    pat = as_user(app, "pat@example.com")
    member_again = pat.post(f"/clubs/{slug}/join", data={"csrf_token": csrf(pat, "/")},
                            follow_redirects=True)
    assert "You are already a member of this club." in text(member_again)


def csrf(client, url: str) -> str:
    return helpers.hidden_fields(helpers.text(client.get(url)))["csrf_token"]


def test_an_unverified_member_cannot_ask(app):
    staff = make_staff(app)
    make_user(app, "Una V", "una@example.com", verified=False)
    slug = make_club(app, staff.id)
    una = as_user(app, "una@example.com")
    assert "Confirm your e-mail address to ask to join." in text(una.get(f"/clubs/{slug}"))
    response = post_form(una, f"/clubs/{slug}/join", {}, get_url="/")
    assert response.status_code == 302 and "/settings" in response.headers["Location"]
    assert requests_of(app, slug) == []


def test_members_cannot_answer_requests(app):
    staff = make_staff(app)
    make_user(app)
    bob = make_user(app, "Bob Member", "bob@example.com")
    slug = make_club(app, staff.id, members=[(bob.id, MEMBER)])
    post_form(as_user(app, "alice@example.com"), f"/clubs/{slug}/join", {},
              get_url=f"/clubs/{slug}")
    bob_client = as_user(app, "bob@example.com")
    response = post_form(bob_client, f"/clubs/{slug}/join-requests/{get_request_id(app)}/approve",
                         {}, get_url=f"/clubs/{slug}")
    assert response.status_code == 403
    assert len(requests_of(app, slug)) == 1


# ---- the invitation link ----

def test_the_invitation_link_joins_after_confirming_and_renewing_kills_the_old_one(app, client):
    staff = make_staff(app)
    member = make_user(app)
    make_user(app, "Bob Member", "bob@example.com")
    slug = make_club(app, staff.id, private=True)
    login(client, "pat@example.com")
    post_form(client, f"/clubs/{slug}/invitation", {}, get_url=f"/clubs/{slug}/edit")
    token = get_club(app, slug).invite_token
    assert token and len(token) >= 30
    assert f"/clubs/join/{token}" in text(client.get(f"/clubs/{slug}/edit"))

    alice = as_user(app, "alice@example.com")
    page = alice.get(f"/clubs/join/{token}")
    assert page.status_code == 200 and "Join the club Acme Users" in text(page)
    assert member.id not in roles(app, slug)  # a GET joins nobody
    response = post_form(alice, f"/clubs/join/{token}", {"organisation": "Acme"})
    assert response.headers["Location"] == f"/clubs/{slug}"
    assert roles(app, slug)[member.id] is MEMBER

    post_form(client, f"/clubs/{slug}/invitation", {}, get_url=f"/clubs/{slug}/edit")
    assert get_club(app, slug).invite_token != token
    bob = as_user(app, "bob@example.com")
    assert bob.get(f"/clubs/join/{token}").status_code == 404
    post_form(client, f"/clubs/{slug}/invitation/clear", {}, get_url=f"/clubs/{slug}/edit")
    assert get_club(app, slug).invite_token is None


def test_the_invitation_link_needs_a_signed_in_member(app, client):
    staff = make_staff(app)
    slug = make_club(app, staff.id)
    login(client, "pat@example.com")
    post_form(client, f"/clubs/{slug}/invitation", {}, get_url=f"/clubs/{slug}/edit")
    token = get_club(app, slug).invite_token
    visitor = app.test_client()
    response = visitor.get(f"/clubs/join/{token}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- leaving, removing, roles ----

def test_a_member_leaves_and_the_last_owner_cannot(app):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id, members=[(member.id, MEMBER)])
    alice = as_user(app, "alice@example.com")
    post_form(alice, f"/clubs/{slug}/leave", {}, get_url=f"/clubs/{slug}")
    assert member.id not in roles(app, slug)
    pat = as_user(app, "pat@example.com")
    refused = post_form(pat, f"/clubs/{slug}/leave", {}, get_url=f"/clubs/{slug}",
                        follow_redirects=True)
    assert "A club needs an owner: name another owner first." in text(refused)
    assert roles(app, slug) == {staff.id: OWNER}


def test_managers_remove_members_but_only_owners_remove_managers(app):
    staff = make_staff(app)
    max_ = make_user(app, "Max Manager", "max@example.com")
    mia = make_user(app, "Mia Manager", "mia@example.com")
    bob = make_user(app, "Bob Member", "bob@example.com")
    slug = make_club(app, staff.id, members=[(max_.id, MANAGER), (mia.id, MANAGER),
                                            (bob.id, MEMBER)])
    max_client = as_user(app, "max@example.com")
    post_form(max_client, f"/clubs/{slug}/members/{bob.id}/remove", {},
              get_url=f"/clubs/{slug}/members")
    assert bob.id not in roles(app, slug)
    refused = post_form(max_client, f"/clubs/{slug}/members/{mia.id}/remove", {},
                        get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "Only the club's owners can do this." in text(refused)
    assert mia.id in roles(app, slug)
    refused = post_form(max_client, f"/clubs/{slug}/members/{staff.id}/remove", {},
                        get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "Only the club's owners can do this." in text(refused)

    pat = as_user(app, "pat@example.com")
    post_form(pat, f"/clubs/{slug}/members/{mia.id}/remove", {},
              get_url=f"/clubs/{slug}/members")
    assert mia.id not in roles(app, slug)
    refused = post_form(pat, f"/clubs/{slug}/members/{staff.id}/remove", {},
                        get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "A club needs an owner" in text(refused)
    assert roles(app, slug)[staff.id] is OWNER


def test_only_owners_change_roles_and_the_last_owner_stays(app):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    staff = make_staff(app)
    max_ = make_user(app, "Max Manager", "max@example.com")
    bob = make_user(app, "Bob Member", "bob@example.com")
    slug = make_club(app, staff.id, members=[(owner.id, OWNER), (max_.id, MANAGER),
                                            (bob.id, MEMBER)])
    with app.app_context():  # the staff creator steps back: Olga is the only owner
        db.session.execute(sa.delete(ClubMember).where(ClubMember.user_id == staff.id))
        db.session.commit()
    max_client = as_user(app, "max@example.com")
    refused = post_form(max_client, f"/clubs/{slug}/members/{bob.id}/role", {"role": "manager"},
                        get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "Only the club's owners can do this." in text(refused)
    assert roles(app, slug)[bob.id] is MEMBER

    olga = as_user(app, "olga@example.com")
    post_form(olga, f"/clubs/{slug}/members/{bob.id}/role", {"role": "manager"},
              get_url=f"/clubs/{slug}/members")
    assert roles(app, slug)[bob.id] is MANAGER
    refused = post_form(olga, f"/clubs/{slug}/members/{owner.id}/role", {"role": "member"},
                        get_url=f"/clubs/{slug}/members", follow_redirects=True)
    assert "A club needs an owner" in text(refused)
    assert roles(app, slug)[owner.id] is OWNER
    post_form(olga, f"/clubs/{slug}/members/{max_.id}/role", {"role": "owner"},
              get_url=f"/clubs/{slug}/members")
    post_form(olga, f"/clubs/{slug}/leave", {}, get_url=f"/clubs/{slug}")
    assert roles(app, slug) == {max_.id: OWNER, bob.id: MANAGER}


def test_a_member_may_belong_to_several_clubs(app):
    staff = make_staff(app)
    member = make_user(app)
    one = make_club(app, staff.id, "One", members=[(member.id, MEMBER)])
    two = make_club(app, staff.id, "Two", members=[(member.id, MANAGER)])
    assert roles(app, one)[member.id] is MEMBER and roles(app, two)[member.id] is MANAGER


# ---- who sees a members-only club ----

def test_a_members_only_club_is_hidden_from_outsiders(app, client):
    staff = make_staff(app)
    make_user(app)
    bob = make_user(app, "Bob Member", "bob@example.com")
    make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    slug = make_club(app, staff.id, "Secret Society", private=True,
                     members=[(bob.id, MEMBER)])
    make_club(app, staff.id, "Open House")
    for reader in (client, as_user(app, "alice@example.com")):
        assert "Secret Society" not in text(reader.get("/clubs"))
        assert "Open House" in text(reader.get("/clubs"))
        for path in ("", "/members", "/edit", "/logo-1.png"):
            assert reader.get(f"/clubs/{slug}{path}").status_code in (404, 302), path
    alice = as_user(app, "alice@example.com")
    assert post_form(alice, f"/clubs/{slug}/join", {}, get_url="/").status_code == 404
    assert requests_of(app, slug) == []
    for email in ("bob@example.com", "mo@example.com", "pat@example.com"):
        reader = as_user(app, email)
        assert "Secret Society" in text(reader.get("/clubs"))
        assert reader.get(f"/clubs/{slug}").status_code == 200
        assert reader.get(f"/clubs/{slug}/members").status_code == 200


def test_members_page_is_for_members_and_staff(app, client):
    staff = make_staff(app)
    make_user(app)
    slug = make_club(app, staff.id)
    assert as_user(app, "alice@example.com").get(f"/clubs/{slug}/members").status_code == 403
    assert client.get(f"/clubs/{slug}/members").status_code == 302  # to the login page


def test_a_removed_member_no_longer_sees_notices_of_a_members_only_club(app):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id, private=True, domains=["example.com"])
    alice = as_user(app, "alice@example.com")
    post_form(alice, f"/clubs/{slug}/join", {}, get_url="/clubs")
    pat = as_user(app, "pat@example.com")
    post_form(pat, f"/clubs/{slug}/join-requests/{get_request_id(app)}/approve", {},
              get_url=f"/clubs/{slug}/members")
    assert shown_notifications(app, member.id) == ["You are now a member of the club Acme Users."]
    post_form(pat, f"/clubs/{slug}/members/{member.id}/remove", {},
              get_url=f"/clubs/{slug}/members")
    assert shown_notifications(app, member.id) == []


# ---- e-mail domains ----

def test_the_domain_suggests_the_club_only_to_verified_members_of_that_domain(app, client):
    staff = make_staff(app)
    ann = make_user(app, "Ann Acme", "ann@acme.com")
    make_user(app, "Una Acme", "una@acme.com", verified=False)
    make_user(app)
    slug = make_club(app, staff.id, "Acme Private", private=True, domains=["acme.com"])
    invitation = "Your organisation's club: ask to join"
    ann_client = as_user(app, "ann@acme.com")
    page = text(ann_client.get("/clubs"))
    assert invitation in page and "Acme Private" in page
    for reader in (client, as_user(app, "una@acme.com"), as_user(app, "alice@example.com")):
        page = text(reader.get("/clubs"))
        assert invitation not in page and "Acme Private" not in page
    post_form(ann_client, f"/clubs/{slug}/join", {"organisation": "Acme"}, get_url="/clubs")
    assert requests_of(app, slug) == [(ann.id, "Acme", "")]
    page = text(ann_client.get("/clubs"))
    assert "waiting for a manager" in page and invitation not in page


def test_the_club_page_suggests_a_public_club_to_its_domain(app):
    staff = make_staff(app)
    make_user(app, "Ann Acme", "ann@acme.com")
    make_user(app)
    slug = make_club(app, staff.id, domains=["acme.com"])
    invitation = "Your organisation's club: ask to join"
    assert invitation in text(as_user(app, "ann@acme.com").get(f"/clubs/{slug}"))
    assert invitation not in text(as_user(app, "alice@example.com").get(f"/clubs/{slug}"))


# ---- lists, export, deletion ----

def test_the_list_counts_members_in_a_bounded_number_of_queries(app, client):
    app.config["PAGE_CACHE"] = False  # the page's own queries, not the visitors' kept copy
    staff = make_staff(app)
    users = [make_user(app, f"User {n}", f"user{n}@example.com") for n in range(4)]
    make_club(app, staff.id, "Club A", members=[(u.id, MEMBER) for u in users])
    make_club(app, staff.id, "Club B")
    page = text(client.get("/clubs"))
    assert "5 members" in page and "1 member" in page
    few = queries_for(app, client, "/clubs")
    for n in range(6):
        make_club(app, staff.id, f"More {n}", members=[(users[0].id, MEMBER)])
    assert queries_for(app, client, "/clubs") == few


def test_join_requests_are_exported_and_erased_with_the_account(app):
    staff = make_staff(app)
    member = make_user(app)
    slug = make_club(app, staff.id)
    post_form(as_user(app, "alice@example.com"), f"/clubs/{slug}/join",
              {"organisation": "Acme", "message": "Hello"}, get_url=f"/clubs/{slug}")
    with app.test_request_context():
        from community import registry

        user = db.session.get(User, member.id)
        exported = registry.table("exports")["club_join_requests"](user)
        assert [(e["club"], e["organisation"], e["message"]) for e in exported] == [
            ("Acme Users", "Acme", "Hello")]
        registry.table("erasers")["club_join_requests"](user)
        db.session.commit()
    assert requests_of(app, slug) == []
    assert data.register_exporter  # the registry the export page reads
