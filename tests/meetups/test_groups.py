"""Groups over HTTP, each action and role, on SQLite and PostgreSQL: creating (with the group's
category, by trust level and policy), editing (the category follows), joining (rules first;
public at once, private on request, secret by invitation only), approving and declining,
leaving, removing, roles, the invitation link, who sees a secret group, search, notifications
and the creation policy."""

from __future__ import annotations

import html

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.models import ForumCategory
from community.groups.models import GroupPolicy
from community.notify import service as notify_service
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form
from tests.meetups.factories import (
    MANAGER,
    MEMBER,
    OWNER,
    PRIVATE,
    SECRET,
    get_group,
    group_count,
    make_admin,
    make_group,
    make_moderator,
    member_count,
    requests_of,
    roles,
)


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def post(client, url: str, data: dict | None = None):
    """POST with the session's CSRF token (every signed-in page carries it)."""
    return post_form(client, url, data or {}, get_url="/groups")


def category_of(app, slug: str) -> ForumCategory:
    with app.app_context():
        category = db.session.scalar(sa.select(ForumCategory).where(
            ForumCategory.slug == f"group-{slug}"))
        db.session.expunge(category)
        return category


def shown_notifications(app, user_id: int) -> list[str]:
    with app.test_request_context():
        return [shown.text for _n, shown in notify_service.recent(db.session.get(User, user_id))]


def people(app):
    """owner (Olga), manager (Max), member (Mia), outsider (Oscar), all trust level 1."""
    owner = make_user(app, "Olga Owner", "olga@example.com", trust_level=1)
    manager = make_user(app, "Max Manager", "max@example.com", trust_level=1)
    member = make_user(app, "Mia Member", "mia@example.com", trust_level=1)
    outsider = make_user(app, "Oscar Outsider", "oscar@example.com", trust_level=1)
    return owner, manager, member, outsider


def group_with_people(app, visibility="public", name="Lyon Users"):
    owner, manager, member, outsider = people(app)
    slug = make_group(app, owner.id, name, visibility,
                      members=[(manager.id, MANAGER), (member.id, MEMBER)])
    return slug, owner, manager, member, outsider


# ---- creating and editing ----

def test_a_member_of_the_trust_level_creates_a_public_group_with_an_open_category(app):
    creator = make_user(app, trust_level=1)
    client = as_user(app, creator.email)
    response = post_form(client, "/groups/new", {
        "name": "Lyon Users", "description": "For **Lyon** customers.", "rules": "Be kind.",
        "visibility": "public"})
    assert response.status_code == 302 and response.headers["Location"] == "/groups/lyon-users"
    page = text(client.get("/groups/lyon-users"))
    assert "<strong>Lyon</strong>" in page and "Be kind." in page and "1 member" in page
    assert "/c/group-lyon-users" in page
    assert roles(app, "lyon-users") == {creator.id: OWNER}
    assert member_count(app, "lyon-users") == 1
    category = category_of(app, "lyon-users")
    group = get_group(app, "lyon-users")
    assert category.name == "Lyon Users" and category.group_id is None
    assert group.category_id == category.id and group.created_by_id == creator.id


def test_a_new_member_an_unverified_one_and_a_visitor_may_not_create(app, client):
    assert client.get("/groups/new").status_code == 302  # to the login page
    make_user(app, trust_level=0)
    make_user(app, "Una Verified", "una@example.com", verified=False, trust_level=3)
    newcomer = as_user(app, "alice@example.com")
    assert "Create a group" not in text(newcomer.get("/groups"))
    assert newcomer.get("/groups/new").status_code == 403
    assert post(newcomer, "/groups/new", {"name": "Nope", "visibility": "public"}
                ).status_code == 403
    assert as_user(app, "una@example.com").get("/groups/new").status_code == 403
    assert group_count(app) == 0


def test_admins_always_create_and_the_policy_may_keep_it_to_the_staff(app):
    admin = make_admin(app, trust_level=0)
    make_user(app, "Reg Ular", "reg@example.com", trust_level=3)
    make_moderator(app)
    admin_client = as_user(app, admin.email)
    assert admin_client.get("/groups/new").status_code == 200
    assert post(admin_client, "/groups/policy", {"min_level": "2", "staff_only": "y"}
                ).status_code == 302
    with app.app_context():
        row = db.session.get(GroupPolicy, 1)
        assert (row.min_level, row.staff_only, row.updated_by_id) == (2, True, admin.id)
    assert as_user(app, "reg@example.com").get("/groups/new").status_code == 403
    assert as_user(app, "mo@example.com").get("/groups/new").status_code == 200
    assert post(admin_client, "/groups/policy", {"min_level": "3"}).status_code == 302
    assert as_user(app, "reg@example.com").get("/groups/new").status_code == 200


def test_the_policy_page_is_for_admins_only(app, client):
    make_user(app, trust_level=3)
    make_moderator(app)
    assert client.get("/groups/policy").status_code == 302
    assert as_user(app, "alice@example.com").get("/groups/policy").status_code == 403
    moderator = as_user(app, "mo@example.com")
    assert moderator.get("/groups/policy").status_code == 403
    assert post(moderator, "/groups/policy", {"min_level": "0"}).status_code == 403


def test_the_setting_gives_the_level_until_an_admin_sets_the_policy(make_app):
    app = make_app(GROUP_CREATE_LEVEL=2)
    make_user(app, trust_level=1)
    assert as_user(app, "alice@example.com").get("/groups/new").status_code == 403


def test_a_private_group_gets_a_category_restricted_to_it_which_follows_edits(app):
    slug, owner, _manager, member, outsider = group_with_people(app, "private")
    category = category_of(app, slug)
    assert category.group_id == get_group(app, slug).id
    assert as_user(app, member.email).get(f"/c/{category.slug}").status_code == 200
    assert as_user(app, outsider.email).get(f"/c/{category.slug}").status_code in (403, 404)
    client = as_user(app, owner.email)
    response = post_form(client, f"/groups/{slug}/edit", {
        "name": "Lyon Customers", "description": "Now open.", "rules": "", "visibility": "public"})
    assert response.status_code == 302
    category = category_of(app, slug)
    assert category.group_id is None and category.name == "Lyon Customers"
    assert as_user(app, outsider.email).get(f"/c/{category.slug}").status_code == 200
    post_form(client, f"/groups/{slug}/edit", {
        "name": "Lyon Customers", "description": "", "rules": "", "visibility": "secret"})
    assert category_of(app, slug).group_id == get_group(app, slug).id
    assert get_group(app, slug).slug == slug  # links keep working


def test_only_owners_and_admins_edit(app):
    slug, _owner, manager, member, outsider = group_with_people(app)
    make_admin(app)
    make_moderator(app)
    data = {"name": "Taken over", "visibility": "public"}
    for email in (manager.email, member.email, outsider.email, "mo@example.com"):
        client = as_user(app, email)
        assert client.get(f"/groups/{slug}/edit").status_code == 403
        assert post(client, f"/groups/{slug}/edit", data).status_code == 403
    assert get_group(app, slug).name == "Lyon Users"
    admin = as_user(app, "ada@example.com")
    assert post_form(admin, f"/groups/{slug}/edit", data).status_code == 302
    assert get_group(app, slug).name == "Taken over"


def test_two_groups_of_the_same_name_get_different_slugs(app):
    owner = make_user(app, trust_level=1)
    assert make_group(app, owner.id, "Lyon") == "lyon"
    assert make_group(app, owner.id, "Lyon") == "lyon-2"
    assert make_group(app, owner.id, "New") == "new-2"  # /groups/new is a page


# ---- the list and the page ----

def test_the_list_shows_public_and_private_groups_never_secret_ones(app, client):
    owner, _manager, member, outsider = people(app)
    make_group(app, owner.id, "Open Circle")
    make_group(app, owner.id, "Closed Circle", PRIVATE)
    make_group(app, owner.id, "Hidden Circle", SECRET, members=[(member.id, MEMBER)])
    for reader in (client, as_user(app, outsider.email)):
        page = text(reader.get("/groups"))
        assert "Open Circle" in page and "Closed Circle" in page and "Private" in page
        assert "Hidden Circle" not in page and "hidden-circle" not in page
        assert "Hidden" not in text(reader.get("/groups?q=hidden"))
    assert "Hidden Circle" in text(as_user(app, member.email).get("/groups"))
    make_moderator(app)
    assert "Hidden Circle" in text(as_user(app, "mo@example.com").get("/groups"))
    found = text(client.get("/groups?q=open"))
    assert "Open Circle" in found and "Closed Circle" not in found


def test_the_list_is_paginated(app, client):
    owner = make_user(app, trust_level=1)
    for number in range(32):
        make_group(app, owner.id, f"Group {number:02d}")
    first = text(client.get("/groups"))
    assert "Group 00" in first and "Group 31" not in first and "Page 1 of 2" in first
    assert "Group 31" in text(client.get("/groups?page=2"))
    assert client.get("/groups?page=99999999999999").status_code == 200
    assert client.get("/groups?page=-3").status_code == 200


def test_a_secret_group_does_not_exist_for_outsiders(app, client):
    slug, owner, _manager, member, outsider = group_with_people(app, "secret")
    urls = [f"/groups/{slug}", f"/groups/{slug}/members", f"/groups/{slug}/cover/1",
            f"/groups/{slug}/requests", f"/groups/{slug}/invite", f"/groups/{slug}/edit",
            f"/groups/{slug}/join"]
    stranger = as_user(app, outsider.email)
    for url in urls:
        assert stranger.get(url).status_code == 404, url
        assert stranger.post(url).status_code in (400, 404, 405), url
    assert client.get(f"/groups/{slug}").status_code == 404
    for url in (f"/groups/{slug}/leave", f"/groups/{slug}/members/{member.id}/remove",
                f"/groups/{slug}/requests/1/approve"):
        assert post(stranger, url).status_code == 404, url
    assert as_user(app, member.email).get(f"/groups/{slug}").status_code == 200
    make_moderator(app)
    assert as_user(app, "mo@example.com").get(f"/groups/{slug}").status_code == 200


def test_a_private_groups_members_are_for_its_members(app, client):
    slug, _owner, _manager, member, outsider = group_with_people(app, "private")
    page = text(client.get(f"/groups/{slug}"))
    assert "Lyon Users" in page and "Mia Member" not in page
    assert client.get(f"/groups/{slug}/members").status_code == 403
    assert as_user(app, outsider.email).get(f"/groups/{slug}/members").status_code == 403
    members = text(as_user(app, member.email).get(f"/groups/{slug}/members"))
    assert "Mia Member" in members and "Olga Owner" in members


def test_a_public_groups_page_and_members_are_for_everyone(app, client):
    slug, *_ = group_with_people(app)
    page = text(client.get(f"/groups/{slug}"))
    assert "Be kind." in page and "3 members" in page and "Log in to join" in page
    assert "Mia Member" in text(client.get(f"/groups/{slug}/members"))


def test_the_tabs_show_each_reader_only_what_they_may_open(app):
    slug, owner, manager, member, _outsider = group_with_people(app)
    member_page = text(as_user(app, member.email).get(f"/groups/{slug}"))
    assert f"/groups/{slug}/members" in member_page
    assert f"/groups/{slug}/requests" not in member_page
    manager_page = text(as_user(app, manager.email).get(f"/groups/{slug}"))
    assert f"/groups/{slug}/requests" in manager_page
    assert f"/groups/{slug}/edit" not in manager_page
    assert f"/groups/{slug}/edit" in text(as_user(app, owner.email).get(f"/groups/{slug}"))


# ---- joining ----

def test_joining_a_public_group_shows_the_rules_then_joins(app):
    slug, _owner, _manager, _member, outsider = group_with_people(app)
    client = as_user(app, outsider.email)
    page = text(client.get(f"/groups/{slug}/join"))
    assert "Be kind." in page and "Join the group" in page
    response = post_form(client, f"/groups/{slug}/join", {})
    assert response.status_code == 302
    assert roles(app, slug)[outsider.id] is MEMBER and member_count(app, slug) == 4
    assert "Welcome to the group!" in text(client.get(f"/groups/{slug}"))
    again = client.get(f"/groups/{slug}/join")
    assert again.status_code == 302  # a member already


def test_a_visitor_and_an_unverified_member_do_not_join(app, client):
    slug, *_ = group_with_people(app)
    assert client.get(f"/groups/{slug}/join").status_code == 302
    assert "/login" in client.get(f"/groups/{slug}/join").headers["Location"]
    make_user(app, "Una Verified", "una@example.com", verified=False)
    una = as_user(app, "una@example.com")
    assert "Confirm your e-mail" in text(una.get(f"/groups/{slug}/join"))
    post_form(una, f"/groups/{slug}/join", {})
    assert len(roles(app, slug)) == 3 and member_count(app, slug) == 3


def test_a_private_group_is_joined_on_request_approved_by_a_manager(app):
    slug, owner, manager, member, outsider = group_with_people(app, "private")
    client = as_user(app, outsider.email)
    assert "A word for the group" in text(client.get(f"/groups/{slug}/join"))
    assert post_form(client, f"/groups/{slug}/join", {"message": "I live in Lyon."}
                     ).status_code == 302
    [(request_id, user_id, message)] = requests_of(app, slug)
    assert (user_id, message) == (outsider.id, "I live in Lyon.")
    assert outsider.id not in roles(app, slug)
    assert "waiting for a manager" in text(client.get(f"/groups/{slug}"))
    post_form(client, f"/groups/{slug}/join", {"message": "again"})
    assert len(requests_of(app, slug)) == 1
    for manager_id in (owner.id, manager.id):
        assert shown_notifications(app, manager_id) == [
            "Oscar Outsider asks to join the group Lyon Users."]
    assert shown_notifications(app, member.id) == []
    requests_page = as_user(app, member.email).get(f"/groups/{slug}/requests")
    assert requests_page.status_code == 403
    assert post(as_user(app, member.email), f"/groups/{slug}/requests/{request_id}/approve"
                ).status_code == 403
    manager_client = as_user(app, manager.email)
    assert "I live in Lyon." in text(manager_client.get(f"/groups/{slug}/requests"))
    assert post(manager_client, f"/groups/{slug}/requests/{request_id}/approve"
                ).status_code == 302
    assert roles(app, slug)[outsider.id] is MEMBER and requests_of(app, slug) == []
    assert member_count(app, slug) == 4
    assert shown_notifications(app, outsider.id) == [
        "You are now a member of the group Lyon Users."]
    # answered already: a second answer says so
    post(manager_client, f"/groups/{slug}/requests/{request_id}/decline")
    assert "already answered" in text(manager_client.get(f"/groups/{slug}/requests"))


def test_a_declined_request_goes_and_the_requester_stays_out(app):
    slug, _owner, manager, _member, outsider = group_with_people(app, "private")
    post_form(as_user(app, outsider.email), f"/groups/{slug}/join", {"message": ""})
    [(request_id, _user, _message)] = requests_of(app, slug)
    assert post(as_user(app, manager.email), f"/groups/{slug}/requests/{request_id}/decline"
                ).status_code == 302
    assert requests_of(app, slug) == [] and outsider.id not in roles(app, slug)


def test_a_request_of_another_group_is_not_answered_here(app):
    slug, _owner, manager, _member, outsider = group_with_people(app, "private")
    other = make_group(app, outsider.id, "Other", PRIVATE)
    post_form(as_user(app, manager.email), f"/groups/{other}/join", {"message": ""})
    [(request_id, _user, _message)] = requests_of(app, other)
    post(as_user(app, manager.email), f"/groups/{slug}/requests/{request_id}/approve")
    assert len(requests_of(app, other)) == 1
    assert post(as_user(app, manager.email), f"/groups/{slug}/requests/2147483648/approve"
                ).status_code == 404


def test_a_secret_group_is_not_joined_without_an_invitation(app):
    slug, *_ = group_with_people(app, "secret")
    make_moderator(app)
    moderator = as_user(app, "mo@example.com")
    assert moderator.get(f"/groups/{slug}/join").status_code == 403
    assert post(moderator, f"/groups/{slug}/join").status_code == 403
    assert len(roles(app, slug)) == 3


# ---- leaving, removing, roles ----

def test_a_member_leaves_and_the_count_follows(app):
    slug, _owner, _manager, member, _outsider = group_with_people(app, "private")
    response = post(as_user(app, member.email), f"/groups/{slug}/leave")
    assert response.status_code == 302 and response.headers["Location"] == "/groups"
    assert member.id not in roles(app, slug) and member_count(app, slug) == 2


def test_the_last_owner_can_neither_leave_be_removed_nor_be_demoted(app):
    slug, owner, manager, _member, _outsider = group_with_people(app)
    client = as_user(app, owner.email)
    post(client, f"/groups/{slug}/leave")
    assert "needs an owner" in text(client.get(f"/groups/{slug}"))
    post(client, f"/groups/{slug}/members/{owner.id}/role", {"role": "member"})
    post(client, f"/groups/{slug}/members/{owner.id}/remove")
    assert roles(app, slug)[owner.id] is OWNER
    post(client, f"/groups/{slug}/members/{manager.id}/role", {"role": "owner"})
    assert roles(app, slug)[manager.id] is OWNER
    post(client, f"/groups/{slug}/leave")
    assert owner.id not in roles(app, slug) and member_count(app, slug) == 2


def test_managers_remove_members_only_owners_remove_managers(app):
    slug, owner, manager, member, outsider = group_with_people(app)
    co_manager = make_user(app, "Cole Manager", "cole@example.com")
    with app.app_context():
        from community.groups.membership import GROUPS
        from community.meetups import groups

        groups.add_member(GROUPS.find(slug), co_manager.id, role=MANAGER)
        db.session.commit()
    manager_client = as_user(app, manager.email)
    post(manager_client, f"/groups/{slug}/members/{co_manager.id}/remove")
    assert co_manager.id in roles(app, slug)
    post(manager_client, f"/groups/{slug}/members/{member.id}/remove")
    assert member.id not in roles(app, slug) and member_count(app, slug) == 3
    assert post(as_user(app, outsider.email), f"/groups/{slug}/members/{manager.id}/remove"
                ).status_code == 403
    post(as_user(app, owner.email), f"/groups/{slug}/members/{co_manager.id}/remove")
    assert co_manager.id not in roles(app, slug) and member_count(app, slug) == 2
    post(manager_client, f"/groups/{slug}/members/{outsider.id}/remove")
    assert "not a member" in text(manager_client.get(f"/groups/{slug}/members"))


def test_only_owners_and_admins_change_roles(app):
    slug, _owner, manager, member, _outsider = group_with_people(app)
    make_admin(app)
    assert post(as_user(app, manager.email), f"/groups/{slug}/members/{member.id}/role",
                {"role": "owner"}).status_code == 403
    assert roles(app, slug)[member.id] is MEMBER
    admin = as_user(app, "ada@example.com")
    assert post(admin, f"/groups/{slug}/members/{member.id}/role", {"role": "manager"}
                ).status_code == 302
    assert roles(app, slug)[member.id] is MANAGER
    post(admin, f"/groups/{slug}/members/{member.id}/role", {"role": "boss"})
    assert roles(app, slug)[member.id] is MANAGER


def test_moderators_see_every_group_but_manage_none(app):
    slug, _owner, _manager, member, _outsider = group_with_people(app, "secret")
    make_moderator(app)
    moderator = as_user(app, "mo@example.com")
    assert "Mia Member" in text(moderator.get(f"/groups/{slug}/members"))
    assert moderator.get(f"/groups/{slug}/requests").status_code == 403
    assert moderator.get(f"/groups/{slug}/invite").status_code == 403
    assert post(moderator, f"/groups/{slug}/members/{member.id}/remove").status_code == 403


# ---- the invitation link ----

def test_the_invitation_link_lets_its_holder_join_a_secret_group(app):
    slug, _owner, manager, _member, outsider = group_with_people(app, "secret")
    manager_client = as_user(app, manager.email)
    assert post_form(manager_client, f"/groups/{slug}/invite", {"action": "renew"}
                     ).status_code == 302
    token = get_group(app, slug).invite_token
    assert token and token in text(manager_client.get(f"/groups/{slug}/invite"))
    client = as_user(app, outsider.email)
    page = text(client.get(f"/groups/join/{token}"))
    assert "Lyon Users" in page and "Be kind." in page
    assert post_form(client, f"/groups/join/{token}", {}).status_code == 302
    assert roles(app, slug)[outsider.id] is MEMBER and member_count(app, slug) == 4
    post_form(manager_client, f"/groups/{slug}/invite", {"action": "renew"})
    assert client.get(f"/groups/join/{token}").status_code == 404  # the old link is dead
    post_form(manager_client, f"/groups/{slug}/invite", {"action": "clear"})
    assert get_group(app, slug).invite_token is None
    assert client.get("/groups/join/" + "x" * 200).status_code == 404


def test_members_and_outsiders_do_not_touch_the_link(app):
    slug, _owner, _manager, member, _outsider = group_with_people(app)
    client = as_user(app, member.email)
    assert client.get(f"/groups/{slug}/invite").status_code == 403
    assert post(client, f"/groups/{slug}/invite", {"action": "renew"}).status_code == 403
    assert get_group(app, slug).invite_token is None


# ---- search and notifications ----

def test_search_never_finds_a_secret_group_for_outsiders(app, client):
    owner, _manager, member, outsider = people(app)
    make_group(app, owner.id, "Zanzibar Hidden", SECRET, description="Zanzibar lovers",
               members=[(member.id, MEMBER)])
    make_group(app, owner.id, "Zanzibar Open", description="Zanzibar fans")
    for reader in (client, as_user(app, outsider.email)):
        page = text(reader.get("/search?q=zanzibar"))
        assert "Zanzibar Open" in page and "Zanzibar Hidden" not in page
    found = text(as_user(app, member.email).get("/search?q=zanzibar"))
    assert "Zanzibar Hidden" in found and "/groups/zanzibar-hidden" in found


def test_a_notification_about_a_secret_group_goes_when_its_reader_leaves(app):
    slug, owner, _manager, member, outsider = group_with_people(app, "secret")
    post_form(as_user(app, owner.email), f"/groups/{slug}/invite", {"action": "renew"})
    token = get_group(app, slug).invite_token
    post_form(as_user(app, outsider.email), f"/groups/join/{token}", {})
    with app.test_request_context():
        from community.groups.membership import GROUPS
        from community.meetups import notices_groups

        notices_groups.tell_joined(GROUPS.find(slug), outsider.id)
        db.session.commit()
    assert shown_notifications(app, outsider.id) == [
        "You are now a member of the group Lyon Users."]
    post(as_user(app, outsider.email), f"/groups/{slug}/leave")
    assert shown_notifications(app, outsider.id) == []


# ---- cost ----

def test_the_list_and_the_page_cost_the_same_queries_for_few_or_many(app):
    slug, _owner, _manager, member, _outsider = group_with_people(app)
    client = as_user(app, member.email)
    client.get(f"/groups/{slug}")  # the first visit of the day records it
    page_before = helpers.queries_for(app, client, f"/groups/{slug}")
    list_before = helpers.queries_for(app, client, "/groups")
    with app.app_context():
        from community.groups.membership import GROUPS
        from community.meetups import groups

        group = GROUPS.find(slug)
        for number in range(12):
            user = User(handle=f"extra{number}", display_name=f"Extra {number}",
                        email=f"extra{number}@example.com",
                        email_normalized=f"extra{number}@example.com", password_hash="x")
            db.session.add(user)
            db.session.flush()
            groups.add_member(group, user.id)
        db.session.commit()
    owner_id = get_group(app, slug).created_by_id
    for number in range(12):
        make_group(app, owner_id, f"More {number}", PRIVATE if number % 2 else SECRET)
    assert helpers.queries_for(app, client, f"/groups/{slug}") == page_before
    assert helpers.queries_for(app, client, "/groups") == list_before
