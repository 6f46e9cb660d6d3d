"""A group's directory over HTTP on SQLite and PostgreSQL: who may read it, what each card
shows (only the fields chosen for that group), search and filters that never see a hidden
field, hiding from a directory, the card's page, the choices' page, pagination and cost."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from community.accounts import data
from community.accounts.models import User
from community.extensions import db
from community.groups import directory
from community.groups.membership import GROUPS
from community.groups.models import DirectoryProfile, GroupMember
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import post_form, queries_for
from tests.meetups.factories import (
    MANAGER,
    MEMBER,
    PRIVATE,
    PUBLIC,
    SECRET,
    make_admin,
    make_group,
    make_moderator,
)


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def set_card(app, user_id: int, shown: dict[str, str], slug: str, fields: str,
             listed: bool = True) -> None:
    """Write a card and the choices in one group through the directory's services."""
    with app.app_context():
        user = db.session.get(User, user_id)
        directory.save_profile(user, **shown)
        directory.set_choices(user, GROUPS.find(slug), listed=listed,
                              shown=[name for name in fields.split(",") if name])
        db.session.commit()


@pytest.fixture
def world(app):
    """An owner, two members with cards and an outsider; a private group."""
    owner = make_user(app, "Olga Owner", "olga@example.com")
    bea = make_user(app, "Bea Builder", "bea@example.com")
    carl = make_user(app, "Carl Coder", "carl@example.com")
    outsider = make_user(app, "Oscar Outsider", "oscar@example.com")
    slug = make_group(app, owner.id, "Lyon Users", PRIVATE,
                      members=[(bea.id, MEMBER), (carl.id, MANAGER)])
    set_card(app, bea.id, {"company": "Acme Rockets", "location": "Lyon",
                           "cohort": "2019", "skills": "python, welding",
                           "job_title": "Welder", "help_on": "mentoring"},
             slug, "company,location")
    set_card(app, carl.id, {"company": "Zeta Corp", "location": "Paris",
                            "cohort": "2020", "skills": "rust",
                            "job_title": "Secret Agent", "help_on": ""},
             slug, "company,cohort,skills,job_title")
    return {"owner": owner, "bea": bea, "carl": carl, "outsider": outsider, "slug": slug}


def test_members_see_each_card_with_only_the_fields_shown_there(app, world):
    client = as_user(app, "olga@example.com")
    response = client.get(f"/groups/{world['slug']}/directory")
    assert response.status_code == 200
    page = text(response)
    assert "Bea Builder" in page and "Acme Rockets" in page and "Lyon" in page
    assert "Welder" not in page and "python" not in page and "mentoring" not in page
    assert "Carl Coder" in page and "Zeta Corp" in page and "Secret Agent" in page
    assert "rust" in page and "Paris" not in page
    assert "Olga Owner" in page
    for address in ("olga@example.com", "bea@example.com", "carl@example.com", "@example.com"):
        assert address not in page


def test_a_hidden_field_never_matches_a_search_or_a_filter(app, world):
    client = as_user(app, "olga@example.com")
    base = f"/groups/{world['slug']}/directory"
    assert "Bea Builder" in text(client.get(f"{base}?q=acme"))
    assert "Bea Builder" in text(client.get(f"{base}?q=BEA"))
    assert "Bea Builder" in text(client.get(f"{base}?q=bea-builder"))  # the handle
    for probe in ("?q=welder", "?q=mentoring", "?q=python", "?q=2019", "?skill=python",
                  "?cohort=2019", "?q=example.com", "?q=bea%40example.com"):
        page = text(client.get(base + probe))
        assert "Bea Builder" not in page, probe
    assert "Carl Coder" not in text(client.get(f"{base}?location=paris"))
    assert "Carl Coder" in text(client.get(f"{base}?cohort=2020"))
    assert "Carl Coder" in text(client.get(f"{base}?skill=RUST"))
    page = text(client.get(f"{base}?location=lyon&company=acme"))
    assert "Bea Builder" in page and "Carl Coder" not in page and "1 member" in page


def test_wildcards_in_a_search_are_taken_literally(app, world):
    client = as_user(app, "olga@example.com")
    base = f"/groups/{world['slug']}/directory"
    for probe in ("%", "_", "%25", "\\"):
        page = text(client.get(f"{base}?q={probe}"))
        assert "Bea Builder" not in page and "Nobody in the directory matches." in page


def test_a_member_hidden_from_the_directory_is_absent(app, world):
    set_card(app, world["bea"].id, {"company": "Acme Rockets"}, world["slug"], "company",
             listed=False)
    client = as_user(app, "carl@example.com")
    page = text(client.get(f"/groups/{world['slug']}/directory"))
    assert "Bea Builder" not in page and "Acme Rockets" not in page
    assert "Bea Builder" not in text(client.get(f"/groups/{world['slug']}/directory?q=bea"))


def test_a_deleted_account_is_absent(app, world):
    with app.app_context():
        data.delete_account(db.session.get(User, world["carl"].id))
        db.session.commit()
    client = as_user(app, "olga@example.com")
    page = text(client.get(f"/groups/{world['slug']}/directory"))
    assert "Zeta Corp" not in page and "deleted" not in page and "Bea Builder" in page


def test_outsiders_are_refused_and_secret_groups_do_not_exist(app, world):
    client = as_user(app, "oscar@example.com")
    response = client.get(f"/groups/{world['slug']}/directory")
    assert response.status_code == 403
    page = text(response)
    assert "Bea Builder" not in page and "Acme Rockets" not in page
    assert f"/groups/{world['slug']}/join" in page
    public = make_group(app, world["owner"].id, "Open House", PUBLIC,
                        members=[(world["bea"].id, MEMBER)])
    assert client.get(f"/groups/{public}/directory").status_code == 403
    secret = make_group(app, world["owner"].id, "Hidden Ring", SECRET,
                        members=[(world["bea"].id, MEMBER)])
    for url in (f"/groups/{secret}/directory", f"/groups/{secret}/directory/me",
                "/groups/no-such-group/directory"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Hidden Ring" not in text(response)
    assert client.get(f"/groups/{world['slug']}/directory/me").status_code == 403
    anonymous = app.test_client()
    response = anonymous.get(f"/groups/{secret}/directory")
    assert response.status_code in (302, 401) and "Hidden Ring" not in text(response)


def test_staff_read_every_directory_but_have_no_place_in_it(app, world):
    make_moderator(app)
    make_admin(app)
    secret = make_group(app, world["owner"].id, "Hidden Ring", SECRET,
                        members=[(world["bea"].id, MEMBER)])
    set_card(app, world["bea"].id, {"company": "Acme Rockets"}, secret, "company")
    for email in ("mo@example.com", "ada@example.com"):
        client = as_user(app, email)
        page = text(client.get(f"/groups/{secret}/directory"))
        assert "Bea Builder" in page and "Acme Rockets" in page
        assert client.get(f"/groups/{secret}/directory/me").status_code == 403


def test_a_member_chooses_what_a_group_sees_and_may_hide(app, world):
    client = as_user(app, "bea@example.com")
    url = f"/groups/{world['slug']}/directory/me"
    page = text(client.get(url))
    assert "Acme Rockets" in page  # their own card, to choose from
    response = post_form(client, url, {"shown": ["skills", "help_on"]})
    assert response.status_code == 302
    with app.app_context():
        group = GROUPS.find(world["slug"])
        member = db.session.get(GroupMember, (group.id, world["bea"].id))
        assert member.shown_fields == "skills,help_on" and member.listed
    olga = as_user(app, "olga@example.com")
    page = text(olga.get(f"/groups/{world['slug']}/directory"))
    assert "python, welding" in page and "mentoring" in page and "Acme Rockets" not in page
    assert post_form(client, url, {"hidden": "y", "shown": ["company"]}).status_code == 302
    assert "Bea Builder" not in text(olga.get(f"/groups/{world['slug']}/directory"))
    assert "You are hidden from this directory." in text(
        client.get(f"/groups/{world['slug']}/directory"))


def test_choices_refuse_an_unknown_field_and_a_missing_csrf_token(app, world):
    client = as_user(app, "bea@example.com")
    url = f"/groups/{world['slug']}/directory/me"
    response = post_form(client, url, {"shown": ["company", "email"]})
    assert response.status_code == 422
    response = client.post(url, data={"shown": ["skills"]})
    assert response.status_code in (400, 422)
    with app.app_context():
        group = GROUPS.find(world["slug"])
        assert db.session.get(GroupMember, (group.id, world["bea"].id)).shown_fields \
            == "company,location"


def test_the_card_page_saves_and_refuses_bad_input(app, world):
    client = as_user(app, "oscar@example.com")
    assert client.get("/settings/directory").status_code == 200
    response = post_form(client, "/settings/directory", {
        "company": "  Acme   Widgets ", "job_title": "Buyer", "location": "Nantes",
        "cohort": "2021", "skills": "sales", "help_on": "procurement"})
    assert response.status_code == 302
    with app.app_context():
        card = db.session.get(DirectoryProfile, world["outsider"].id)
        assert (card.company, card.cohort, card.help_on) == ("Acme Widgets", "2021",
                                                             "procurement")
    for bad in ({"company": "x" * 101}, {"cohort": "y" * 41}, {"skills": "a\x00b"},
                {"location": "\u202egnp.exe"}):
        response = post_form(client, "/settings/directory", bad)
        assert response.status_code == 422, bad
    assert client.post("/settings/directory", data={"company": "No Token"}).status_code \
        in (400, 422)
    with app.app_context():
        assert db.session.get(DirectoryProfile, world["outsider"].id).company == "Acme Widgets"
    assert "/settings/directory" in text(client.get("/settings"))


def test_the_service_refuses_what_the_form_would(app, world):
    with app.app_context():
        user = db.session.get(User, world["outsider"].id)
        for fields, code in (({"email": "x"}, "directory.unknown_field"),
                             ({"company": "x" * 101}, "directory.too_long"),
                             ({"company": "a\x1bb"}, "directory.control_characters")):
            with pytest.raises(Exception) as caught:
                directory.save_profile(user, **fields)
            assert caught.value.code == code
        group = GROUPS.find(world["slug"])
        with pytest.raises(Exception) as caught:
            directory.set_choices(user, group, listed=True, shown=["company"])
        assert caught.value.code == "directory.not_member"


def test_pages_and_cost_stay_bounded(app, world):
    with app.app_context():
        group = GROUPS.find(world["slug"])
        start = utcnow() - timedelta(days=10)
        for n in range(65):
            user = User(handle=f"m{n}", display_name=f"Member {n:02d}", email=f"m{n}@x.org",
                        email_normalized=f"m{n}@x.org", password_hash="!", role=None)
            user.role = world["owner"].role
            db.session.add(user)
            db.session.flush()
            card = DirectoryProfile(user_id=user.id, company=f"Firm {n}")
            member = GroupMember(group_id=group.id, user_id=user.id, shown_fields="company",
                                 joined_at=start + timedelta(minutes=n))
            member.search_text = directory.search_text(card, member)  # as the service writes
            db.session.add_all([member, card])
        db.session.commit()
    client = as_user(app, "olga@example.com")
    base = f"/groups/{world['slug']}/directory"
    first = text(client.get(base))
    assert "68 members" in first and "Page 1 of 3" in first and "Member 00" in first
    third = text(client.get(base + "?page=3"))
    assert "Member 64" in third and "Member 00" not in third
    second = text(client.get(base + "?page=2&q=member"))  # a search is not counted...
    assert "Member 30" in second and "Member 29" not in second and "Next page" in second
    assert not re.search(r"\b\d+ members?\b", second)
    last = text(client.get(base + "?page=3&q=member"))  # ...but its last page knows its total
    assert "65 members" in last and "Member 64" in last and "Next page" not in last
    assert client.get(base + "?page=999999999999").status_code == 200
    small = queries_for(app, client, base + "?q=firm")
    large = queries_for(app, client, base + "?q=firm&page=2")
    assert small == large and small <= 12
