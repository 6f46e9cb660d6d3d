"""The idea categories page over HTTP, on SQLite and PostgreSQL: who may use it, add, rename,
reorder, delete (only when empty, or moving the ideas), and bad input kept with a message."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.ideas.models import Category, Idea
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.ideas.factories import make_idea

PAGE = "/ideas/categories"


def rows(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.select(
            Category.name, Category.slug, Category.position).order_by(Category.position))]


def add(app, *names: str) -> list[int]:
    with app.app_context():
        made = [Category(slug=name.lower().replace(" ", "-"), name=name, position=n)
                for n, name in enumerate(names)]
        db.session.add_all(made)
        db.session.commit()
        return [c.id for c in made]


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` (its CSRF token)."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, action
    return hidden_fields(match.group(0))


def send(client, action: str, data: dict):
    fields = form_fields(text(client.get(PAGE)), action)
    return client.post(action, data={**fields, **data})


@pytest.fixture
def team(app, client):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    login(client, "pat@example.com")
    return client


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PRODUCT])
def test_admins_and_the_product_team_manage_categories(app, client, role):
    make_user(app, "Sam Staff", "sam@example.com", role=role)
    login(client, "sam@example.com")
    page = client.get(PAGE)
    assert page.status_code == 200 and "Idea categories" in text(page)
    response = send(client, PAGE, {"new-name": "Mobile app"})
    assert response.status_code == 302
    assert rows(app) == [("Mobile app", "mobile-app", 0)]
    assert "Category “Mobile app” added." in text(client.get(PAGE))


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_members_and_moderators_may_not(app, client, role):
    make_user(app, "Mo Member", "mo@example.com", role=role)
    add(app, "Mobile app")
    login(client, "mo@example.com")
    assert client.get(PAGE).status_code == 403
    token = hidden_fields(text(client.get("/ideas")))["csrf_token"]
    assert client.post(PAGE, data={"csrf_token": token, "new-name": "Sneaky"}).status_code == 403
    assert client.post("/ideas/categories/1/delete",
                       data={"csrf_token": token}).status_code == 403
    assert rows(app) == [("Mobile app", "mobile-app", 0)]


def test_visitors_are_sent_to_log_in(app, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("name, message", [
    ("", "This field is required."),
    ("   ", "This field is required."),
    ("x" * 61, "Use at most 60 characters."),
    ("Mobile\u202eapp", "Remove the invisible control characters from this text."),
    ("Mobile App", "Another category already has this name"),
    ("mobile-app!", "Another category already has this name"),
])
def test_bad_names_are_refused_with_422_and_what_was_typed_kept(app, team, name, message):
    add(app, "Mobile app")
    response = send(team, PAGE, {"new-name": name})
    page = text(response)
    assert response.status_code == 422
    assert message in page
    if name.strip():
        assert f'value="{name}"' in page
    assert rows(app) == [("Mobile app", "mobile-app", 0)]  # nothing added, nothing lost


def test_rename_keeps_the_ideas_and_refuses_a_taken_name(app, team, member):
    mobile, web = add(app, "Mobile app", "Web app")
    idea_id = make_idea(app, member.id)
    with app.app_context():
        db.session.get(Idea, idea_id).category_id = mobile
        db.session.commit()
    action = f"/ideas/categories/{mobile}/rename"
    response = send(team, action, {f"c{mobile}-name": "Web App"})
    assert response.status_code == 422
    page = text(response)
    assert "Another category already has this name" in page
    assert re.search(rf'name="c{mobile}-name"[^>]*value="Web App"', page)  # kept as typed
    assert rows(app) == [("Mobile app", "mobile-app", 0), ("Web app", "web-app", 1)]
    assert send(team, action, {f"c{mobile}-name": "Phones"}).status_code == 302
    assert rows(app)[0] == ("Phones", "phones", 0)
    with app.app_context():
        assert db.session.get(Idea, idea_id).category_id == mobile
    assert send(team, action, {f"c{mobile}-name": ""}).status_code == 422
    assert rows(app)[0] == ("Phones", "phones", 0)


def test_reorder_moves_one_place_and_shows_in_the_list_order(app, team, member):
    a, b, c = add(app, "Alpha", "Beta", "Gamma")
    send(team, f"/ideas/categories/{c}/move", {"direction": "up"})
    assert [r[0] for r in rows(app)] == ["Alpha", "Gamma", "Beta"]
    send(team, f"/ideas/categories/{a}/move", {"direction": "down"})
    assert [r[0] for r in rows(app)] == ["Gamma", "Alpha", "Beta"]
    page = text(team.get("/ideas"))
    select = page[page.index('<select id="category"'):]
    assert select.index("Gamma") < select.index("Alpha") < select.index("Beta")
    new = text(team.get("/ideas/new"))
    assert new.index(">Gamma<") < new.index(">Alpha<")


def test_delete_an_empty_category(app, team):
    (mobile,) = add(app, "Mobile app")
    response = send(team, f"/ideas/categories/{mobile}/delete", {})
    assert response.status_code == 302
    assert rows(app) == []
    assert "Category “Mobile app” deleted." in text(team.get(PAGE))


def test_a_category_with_ideas_is_deleted_only_after_choosing_where_they_go(app, team, member):
    mobile, web = add(app, "Mobile app", "Web app")
    ideas = [make_idea(app, member.id, f"Idea number {n}") for n in range(2)]
    with app.app_context():
        for idea_id in ideas:
            db.session.get(Idea, idea_id).category_id = mobile
        db.session.commit()
    page = text(team.get(PAGE))
    assert "2 ideas" in page and f'id="d{mobile}-move_to"' in page
    action = f"/ideas/categories/{mobile}/delete"
    refused = send(team, action, {f"d{mobile}-move_to": "0"})
    assert refused.status_code == 409
    assert "This category is not empty (ideas in it: 2)." in text(refused)
    assert len(rows(app)) == 2
    bad = send(team, action, {f"d{mobile}-move_to": "999"})
    assert bad.status_code == 422 and len(rows(app)) == 2
    moved = send(team, action, {f"d{mobile}-move_to": str(web)})
    assert moved.status_code == 302
    assert rows(app) == [("Web app", "web-app", 1)]
    with app.app_context():
        assert {db.session.get(Idea, i).category_id for i in ideas} == {web}
    assert "Category “Mobile app” deleted; 2 ideas moved." in text(team.get(PAGE))


def test_every_form_needs_its_csrf_token(app, team):
    (mobile,) = add(app, "Mobile app")
    for action, data in ((PAGE, {"new-name": "Other"}),
                         (f"/ideas/categories/{mobile}/rename", {f"c{mobile}-name": "X y"}),
                         (f"/ideas/categories/{mobile}/move", {"direction": "up"}),
                         (f"/ideas/categories/{mobile}/delete", {})):
        assert team.post(action, data=data).status_code == 400, action
    assert rows(app) == [("Mobile app", "mobile-app", 0)]


def test_the_page_reads_in_french(app, client):
    make_user(app, "Paule Produit", "paule@example.com", role=Role.PRODUCT, locale="fr")
    login(client, "paule@example.com")
    add(app, "Mobile app", "Web app")
    page = text(client.get(PAGE))
    assert '<html lang="fr">' in page
    assert "Supprimer" in page and "Monter" in page and "Descendre" in page
    response = send(client, PAGE, {"new-name": ""})
    assert response.status_code == 422 and "Ce champ est obligatoire." in text(response)


def test_the_triage_page_links_to_the_categories(app, team):
    assert f'href="{PAGE}"' in text(team.get("/triage"))
