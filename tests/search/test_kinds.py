"""Search knows no domain: ideas, forum topics and the FAQ (and any kind a domain registers)
are searched together, each kind by its own visibility rule, with a filter by kind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from community.accounts.models import User
from community.extensions import db
from community.ideas import searching as idea_search
from community.ideas import triage
from community.ideas.models import Idea
from community.search import kinds, service
from community.search.models import SearchDocument
from tests.forums.conftest import as_member, forum, new_topic, people  # noqa: F401 (fixture)
from tests.helpers import text
from tests.ideas.factories import get_idea, make_idea

SECRET = "Zeppelin pricing for partners"


@pytest.fixture
def content(app, forum):  # noqa: F811
    """An idea and an open topic about "calendars", a topic about them in the Acme club's
    category, and a FAQ-less forum otherwise."""
    (alice,) = people(app, "ada")
    idea_id = make_idea(app, alice.id, "Shared team agenda",
                        "Please sync the calendars of a whole team, with reminders.")
    topic_id = new_topic(app, alice.id, forum.general, "Calendars do not sync",
                         "My calendars stopped syncing yesterday.")
    secret_id = new_topic(app, alice.id, forum.club, f"{SECRET} calendars",
                          "Only for the club: the calendars of the zeppelin.")
    return {"idea": idea_id, "topic": topic_id, "secret": secret_id, "alice": alice,
            "forum": forum}


def test_an_idea_is_found_by_a_word_of_its_description(app, client, content):
    page = text(client.get("/search?q=reminder"))  # "reminders", in the description only
    idea = get_idea(app, content["idea"])
    assert "Shared team agenda" in page and "<mark>reminders</mark>" in page
    assert f'href="/ideas/{idea.id}-{idea.slug}"' in page
    assert '<span class="badge">Idea</span>' in page
    assert "Shared team agenda" in text(client.get("/search?q=agenda"))  # and by its title


def test_ideas_and_topics_are_found_together_and_the_kind_filter_keeps_one(client, content):
    everything = text(client.get("/search?q=calendars"))
    assert "Shared team agenda" in everything and "Calendars do not sync" in everything
    ideas = text(client.get("/search?q=calendars&kind=idea"))
    assert "Shared team agenda" in ideas and "Calendars do not sync" not in ideas
    assert '<option value="idea" selected>Ideas</option>' in ideas
    topics = text(client.get("/search?q=calendars&kind=topic"))
    assert "Calendars do not sync" in topics and "Shared team agenda" not in topics
    assert "Shared team agenda" in text(client.get("/search?q=calendars&kind=nonesuch"))
    for name in ("topic", "post", "faq", "idea"):  # every registered kind is offered
        assert f'<option value="{name}"' in everything


def test_a_category_filter_keeps_the_kinds_that_have_categories(client, content):
    in_general = text(client.get(f"/search?q=calendars&category={content['forum'].general}"))
    assert "Calendars do not sync" in in_general and "Shared team agenda" not in in_general


def test_a_merged_idea_leaves_the_search_and_its_target_stays(app, client, content, product):
    target_id = make_idea(app, content["alice"].id, "Team calendars view",
                          "One view of every calendar of the team.")
    with app.app_context():
        triage.merge(db.session.get(User, product.id), db.session.get(Idea, content["idea"]),
                     db.session.get(Idea, target_id))
        db.session.commit()
    page = text(client.get("/search?q=calendars&kind=idea"))
    assert "Team calendars view" in page and "Shared team agenda" not in page
    assert "Shared team agenda" not in text(client.get("/search?q=reminders"))
    with app.app_context():  # indexing a merged idea again (an edit, a reindex) removes it
        idea_search.index_idea(db.session.get(Idea, content["idea"]))
        assert db.session.scalar(sa.select(SearchDocument.id).where(
            SearchDocument.kind == "idea", SearchDocument.ref_id == content["idea"])) is None


def test_a_hidden_idea_is_not_found(app, client, content):
    with app.app_context():
        idea_search.remove_idea(content["idea"])  # what hiding or deleting an idea calls
        db.session.commit()
    assert "Shared team agenda" not in text(client.get("/search?q=reminders"))


def test_a_restricted_categorys_topic_never_shows_to_an_outsider(app, client, content):
    forum_ = content["forum"]
    (eve,) = people(app, "eve")
    urls = ["/search?q=zeppelin", "/search?q=calendars", "/search?q=zeppelin&kind=topic",
            f"/search?q=zeppelin&category={forum_.club}", "/search?q=zeppelin&kind=idea",
            f"/search?q=calendars&category={forum_.club}&kind=topic"]
    visitor, outsider = client, as_member(app.test_client(), "eve@example.com")
    for who in (visitor, outsider):
        for url in urls:
            page = text(who.get(url))
            assert SECRET not in page and "Acme club" not in page, url
    with app.app_context():
        for reader in (AnonymousUserMixin(), db.session.get(User, eve.id)):
            conditions = kinds.audience(reader).conditions
            hits = service.search("zeppelin", conditions).hits
            assert hits == [], hits
    # A member of the club finds it.
    with app.app_context():
        from community.clubs.membership import CLUBS as clubs
        clubs.add(clubs.find("acme"), eve.id, organisation="Acme Corp")
        db.session.commit()
    assert SECRET in text(outsider.get("/search?q=zeppelin"))


@pytest.fixture
def recipes(app):
    """A kind registered by a domain search has never heard of (here, the test), removed
    after: recipes, each seen by members only when marked "members"."""
    members_only = sa.and_(SearchDocument.category_id == 2)
    with app.app_context():
        kinds.register_kind(kinds.SearchKind(
            "recipe", "Recipes", "Recipe",
            visible=lambda reader: sa.true() if getattr(reader, "is_authenticated", False)
            else sa.or_(SearchDocument.category_id.is_(None), sa.not_(members_only)),
            url=lambda hit: f"/recipes/{hit.ref_id}",
            reindex=lambda: iter([0])))
        service.index_document("recipe", 1, title="Calendars cake",
                               body="A cake shaped like the calendars of the year.")
        service.index_document("recipe", 2, title="Members' calendars pie",
                               body="Only members bake it.", category_id=2)
        db.session.commit()
    yield
    with app.app_context():
        kinds.unregister_kind("recipe")


def test_a_kind_registered_by_another_domain_is_searchable(app, client, content, recipes,
                                                           member):
    page = text(client.get("/search?q=calendars"))
    assert "Calendars cake" in page and 'href="/recipes/1"' in page
    assert '<span class="badge">Recipe</span>' in page
    assert "Shared team agenda" in page and "Calendars do not sync" in page
    assert "Members&#39; calendars pie" not in page  # its own visibility rule
    only = text(client.get("/search?q=calendars&kind=recipe"))
    assert "Calendars cake" in only and "Shared team agenda" not in only
    assert '<option value="recipe" selected>Recipes</option>' in only
    logged_in = as_member(app.test_client(), member.email)
    assert "Members&#39; calendars pie" in text(logged_in.get("/search?q=calendars"))
    # No category holds recipes: a category filter leaves them out.
    narrowed = text(client.get(f"/search?q=calendars&category={content['forum'].general}"))
    assert "Calendars cake" not in narrowed


def test_an_unregistered_kinds_documents_are_never_returned(app, client, recipes):
    with app.app_context():
        kinds.unregister_kind("recipe")
    assert "Calendars cake" not in text(client.get("/search?q=calendars"))


def test_reindex_rebuilds_every_kind_from_the_content(app, content):
    with app.app_context():
        db.session.execute(sa.delete(SearchDocument))
        db.session.add(SearchDocument(kind="topic", ref_id=999, category_id=1, title="Stale",
                                      body="stale", stems="stale"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "topic, post: 2 items read, 2 documents." in result.output
    assert "idea: 1 items read, 1 documents." in result.output
    with app.app_context():
        rows = db.session.execute(sa.select(SearchDocument.kind, SearchDocument.ref_id)
                                  .order_by(SearchDocument.kind, SearchDocument.ref_id)).all()
        assert [tuple(r) for r in rows] == [("idea", content["idea"]),
                                            ("topic", content["topic"]),
                                            ("topic", content["secret"])]
        assert service.search("reminders", {"idea": True}).hits
    only = app.test_cli_runner().invoke(args=["search", "reindex", "--kind", "idea"])
    assert only.exit_code == 0 and "topic" not in only.output, only.output
    unknown = app.test_cli_runner().invoke(args=["search", "reindex", "--kind", "nonesuch"])
    assert unknown.exit_code != 0 and "No search kind nonesuch" in unknown.output


def test_kinds_sharing_a_rule_are_asked_once(app, content):
    with app.app_context():
        from community.forums import access
        calls = []
        real = access.visible_condition
        try:
            access.visible_condition = lambda reader: calls.append(reader) or real(reader)
            audience = kinds.audience(None)
        finally:
            access.visible_condition = real
        assert len(calls) == 1  # one query for the three forum kinds
        assert {"topic", "post", "faq", "idea"} <= set(audience.conditions)
        assert (audience.conditions["topic"] is audience.conditions["post"]
                is audience.conditions["faq"])
        assert [name for _id, name in audience.scopes] == ["General"]
        assert kinds.audience(None, scope=content["forum"].club).conditions == {}
        assert set(kinds.audience(None, scope=content["forum"].general).conditions) == {
            "topic", "post", "faq"}
