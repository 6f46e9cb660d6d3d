"""The ideas pages for speed (issue #16), on SQLite and PostgreSQL: a visitor's page carries no
cookie and no form token (so it can be cached), and each page runs a bounded number of
queries, the same with 3 or 40 ideas, tags, votes, comments and notes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from community.accounts.models import Role
from community.extensions import db
from community.ideas.models import Comment, Idea, IdeaTag, Status, StatusChange, Vote
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import queries_for, text
from tests.ideas.factories import make_idea

SORTS = ("top", "trusted", "trending", "new", "discussed", "priorities")
# Bounds, the request's own queries included (SQLite's count: its BEGIN is one more than on
# PostgreSQL). A visitor's list reads the categories, the rows and their tags; a visitor's idea
# page the idea, its tags, its votes' provenance, comments, notes and every name at once.
LIST_VISITOR = 4
IDEA_VISITOR = 7
RANKING_VISITOR = 0  # a page of text
# A member adds their session, their votes (or vote and following) and the navigation's
# counts: 7, 11 and 3 today; the product team the voters' use cases on the idea page.
LIST_MEMBER = 8
IDEA_MEMBER = 12
RANKING_MEMBER = 4


def _no_page_cache(app):
    app.config["PAGE_CACHE"] = False  # the lead's visitors' cache: count the page itself
    return app


def _visitor_pages(app, idea_id: int) -> list[str]:
    with app.app_context():
        slug = db.session.get(Idea, idea_id).slug
    return ([f"/ideas?sort={sort}" for sort in SORTS]
            + ["/ideas", "/ideas?status=open&tag=mobile", f"/ideas/{idea_id}-{slug}",
               "/ideas/ranking"])


def test_visitor_pages_set_no_cookie_and_carry_no_form_token(app, client, member):
    _no_page_cache(app)
    idea_id = make_idea(app, member.id, "Offline mode for the app", tags=["mobile"])
    for url in _visitor_pages(app, idea_id):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Set-Cookie") is None, (url, response.headers["Set-Cookie"])
        assert "csrf_token" not in text(response), url
    assert client.get_cookie("session") is None


def test_a_shipped_idea_with_notes_and_comments_sets_no_cookie_for_a_visitor(app, client):
    _no_page_cache(app)
    world = _world(app)
    _grow(app, world, 3, 0)
    with app.app_context():
        idea = db.session.get(Idea, world["idea"])
        idea.status = Status.SHIPPED
        db.session.commit()
        url = f"/ideas/{idea.id}-{idea.slug}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers.get("Set-Cookie") is None
    assert "csrf_token" not in text(response)
    assert "Comment 2" in text(response) and "Note 2" in text(response)


def test_member_pages_still_carry_their_forms(app, client, member):
    idea_id = make_idea(app, member.id, "Offline mode for the app")
    login(client)
    page = text(client.get(f"/ideas/{idea_id}-offline-mode-for-the-app"))
    assert page.count('name="csrf_token"') >= 3  # the vote, follow and comment forms
    assert re.search(rf'action="/ideas/{idea_id}/vote"', page)


def _world(app) -> dict:
    old = utcnow() - timedelta(days=30)
    people = [make_user(app, f"Person {n}", f"p{n}@example.com", created_at=old).id
              for n in range(4)]
    pat = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT).id
    idea = make_idea(app, people[0], "The idea everyone discusses", tags=["mobile"])
    return {"people": people, "pat": pat, "idea": idea}


def _grow(app, world, n: int, start: int) -> None:
    """``n`` more of what the pages show, numbered from ``start``: ideas with tags and votes,
    and on the discussed idea, comments, notes and use cases by several people."""
    people, now = world["people"], utcnow()
    with app.app_context():
        for i in range(start, start + n):
            author = people[i % len(people)]
            idea = Idea(title=f"Idea number {i}", slug=f"idea-number-{i}", author_id=author,
                        vote_count=i, established_vote_count=i, top_score=float(i),
                        comment_count=i % 3)
            db.session.add(idea)
            db.session.flush()
            db.session.add_all([IdeaTag(idea_id=idea.id, tag=f"tag{i}"),
                                IdeaTag(idea_id=idea.id, tag="mobile")])
            if i < len(people):
                db.session.add(Vote(idea_id=world["idea"], user_id=people[i], importance=2,
                                    weight=2.0, why=f"Use case {i}", created_at=now))
            db.session.add_all([
                Comment(idea_id=world["idea"], author_id=author, body_md=f"Comment {i}",
                        body_html=f"<p>Comment {i}</p>", official=i % 5 == 0,
                        created_at=now),
                StatusChange(idea_id=world["idea"], actor_id=world["pat"],
                             from_status=Status.OPEN, to_status=Status.UNDER_REVIEW,
                             note_html=f"<p>Note {i}</p>", created_at=now)])
            if i % 2:  # a member who voted for the listed idea (their vote line and button)
                db.session.add(Vote(idea_id=idea.id, user_id=people[0], importance=1,
                                    weight=1.0, created_at=now))
        db.session.commit()


def _pages(app, world) -> list[str]:
    with app.app_context():
        slug = db.session.get(Idea, world["idea"]).slug
    return ["/ideas", "/ideas?sort=discussed&tag=mobile", f"/ideas/{world['idea']}-{slug}",
            "/ideas/ranking"]


def _bounds(url: str, visitor: bool) -> int:
    if url.startswith("/ideas/ranking"):
        return RANKING_VISITOR if visitor else RANKING_MEMBER
    if url.startswith("/ideas?"):
        return LIST_VISITOR if visitor else LIST_MEMBER
    if url == "/ideas":
        return LIST_VISITOR if visitor else LIST_MEMBER
    return IDEA_VISITOR if visitor else IDEA_MEMBER


@pytest.mark.parametrize("who", ["visitor", "member", "product"])
def test_ideas_pages_run_the_same_bounded_queries_with_few_or_many_rows(app, client, who):
    _no_page_cache(app)
    world = _world(app)
    _grow(app, world, 3, 0)
    if who != "visitor":
        email = "pat@example.com" if who == "product" else "p0@example.com"
        assert login(client, email).status_code == 302
        for url in _pages(app, world):  # the day's first visit is noted before counting
            client.get(url)
    few = {url: queries_for(app, client, url) for url in _pages(app, world)}
    _grow(app, world, 37, 3)
    many = {url: queries_for(app, client, url) for url in _pages(app, world)}
    assert few == many, (few, many)
    for url, count in many.items():
        bound = _bounds(url, who == "visitor") + (1 if who == "product" else 0)  # use cases
        assert count <= bound, (who, url, count, bound)
