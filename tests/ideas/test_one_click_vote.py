"""One-click voting over HTTP, on SQLite and PostgreSQL: the list's and the idea page's vote
button (a form without JS, JSON for the script), the author's own vote on submitting, the vote
line, the comment counts of "Most discussed", and the links above the list."""

from __future__ import annotations

import random
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import service, trust_sources
from community.ideas.models import Follow, Idea, Status, Vote
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, post_form, text
from tests.ideas.factories import get_idea, make_idea

JSON = {"Accept": "application/json"}


def votes(app):
    with app.app_context():
        return db.session.execute(sa.select(Vote.user_id, Vote.importance, Vote.why)
                                  .order_by(Vote.user_id)).all()


def flash_of(page: str) -> str:
    return " ".join(re.findall(r'<p class="flash[^"]*" role="status">([^<]*)</p>', page))


def quick_form(page: str, idea_id: int) -> tuple[str, dict[str, str]]:
    """The one-click form of this idea on the page: its action and hidden fields."""
    match = re.search(rf'<form method="post" action="(/ideas/{idea_id}/(?:un)?vote)" '
                      rf'class="vote-quick".*?</form>', page, re.S)
    assert match, "no vote button for this idea"
    return match.group(1), hidden_fields(match.group(0))


def click(client, page_url: str, idea_id: int, **kwargs):
    """Press the idea's vote button on the page at ``page_url`` as a browser would."""
    action, fields = quick_form(text(client.get(page_url)), idea_id)
    return client.post(action, data={**fields, "quick": "1"}, **kwargs)


@pytest.fixture
def ada(app):
    return make_user(app, "Ada Author", "ada@example.com")


def test_one_click_vote_from_the_list_counts_once_and_comes_back(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    response = click(auth, "/ideas?sort=new", idea_id)
    assert response.status_code == 302
    assert response.headers["Location"] == "/ideas?sort=new"
    assert votes(app) == [(member.id, 2, None)]  # "Important"
    assert get_idea(app, idea_id).vote_count == 1
    with app.app_context():
        assert db.session.get(Follow, (idea_id, member.id)) is not None
    page = text(auth.get(response.headers["Location"]))
    assert "Your vote is counted as “Important”." in flash_of(page)
    action, _ = quick_form(page, idea_id)
    assert action == f"/ideas/{idea_id}/unvote"  # pressed: a second click withdraws
    assert re.search(r'class="vote-button" aria-pressed="true"', page)
    assert '<strong class="vote-total">1 vote</strong>' in page


def test_a_second_click_withdraws_the_vote(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    click(auth, "/ideas", idea_id)
    response = click(auth, "/ideas", idea_id)
    assert response.status_code == 302 and response.headers["Location"] == "/ideas"
    assert votes(app) == [] and get_idea(app, idea_id).vote_count == 0
    page = text(auth.get("/ideas"))
    assert "Your vote is withdrawn." in flash_of(page)
    assert quick_form(page, idea_id)[0] == f"/ideas/{idea_id}/vote"
    assert 'aria-pressed="false"' in page


def test_a_repeated_cast_keeps_a_refined_vote(app, auth, member, ada):
    """A stale page (or a double click) posts the cast twice: the refined vote stays."""
    idea_id = make_idea(app, ada.id)
    stale_action, stale_fields = quick_form(text(auth.get("/ideas")), idea_id)
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "3", "why": "night shifts"},
              get_url=f"/ideas/{idea_id}-dark-mode")
    response = auth.post(stale_action, data={**stale_fields, "quick": "1"})
    assert response.status_code == 302
    assert votes(app) == [(member.id, 3, "night shifts")]
    idea = get_idea(app, idea_id)
    assert idea.vote_count == 1
    with app.app_context():
        assert service.stored(db.session.get(Idea, idea_id)) == service.counted(idea_id)


def test_the_idea_page_button_comes_back_to_the_idea(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    page = text(auth.get(f"/ideas/{idea_id}-dark-mode"))
    main = page[page.index('<main id="main">'):]
    # The vote button is the first thing one can focus in <main> (the keyboard path).
    first = re.search(r"<(a|button|input(?! type=\"hidden\")|select|textarea)\b[^>]*>", main)
    assert first.group(0).startswith('<button type="submit" name="quick"'), first.group(0)
    response = click(auth, f"/ideas/{idea_id}-dark-mode", idea_id, follow_redirects=True)
    assert response.request.path == f"/ideas/{idea_id}-dark-mode"
    assert votes(app) == [(member.id, 2, None)]
    # The refine form below shows the vote to change: importance and why.
    assert "<h2>Your vote</h2>" in text(response)
    assert '<input checked id="importance-1" name="importance"' in text(response)  # Important


def test_json_answer_swaps_the_button_and_the_line(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    action, fields = quick_form(text(auth.get("/ideas")), idea_id)
    response = auth.post(action, data={**fields, "quick": "1"}, headers=JSON)
    assert response.status_code == 200 and response.is_json
    answer = response.get_json()
    assert (answer["ok"], answer["voted"], answer["votes"]) == (True, True, 1)
    assert answer["message"].startswith("Your vote is counted")
    assert f'action="/ideas/{idea_id}/unvote"' in answer["html"]
    assert 'aria-pressed="true"' in answer["html"]
    assert f'id="vote-line-{idea_id}"' in answer["html"]
    assert '<strong class="vote-total">1 vote</strong>' in answer["html"]
    with auth.session_transaction() as session:
        assert "_flashes" not in session  # no message left over for the next page
    withdrawn = auth.post(f"/ideas/{idea_id}/unvote", data={**fields, "quick": "1"},
                          headers=JSON).get_json()
    assert (withdrawn["voted"], withdrawn["votes"]) == (False, 0)
    assert f'action="/ideas/{idea_id}/vote"' in withdrawn["html"]
    assert votes(app) == []


def test_json_answer_for_the_idea_page_carries_its_provenance(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    _, fields = quick_form(text(auth.get(f"/ideas/{idea_id}-dark-mode")), idea_id)
    answer = auth.post(f"/ideas/{idea_id}/vote", data={**fields, "quick": "1", "view": "detail"},
                       headers=JSON).get_json()
    assert 'data-view="detail"' in answer["html"]
    assert "1 vote" in answer["html"] and "0 from established members" in answer["html"]


def test_a_refused_one_click_vote_says_why_and_writes_nothing(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    action, fields = quick_form(text(auth.get("/ideas")), idea_id)
    with app.app_context():
        db.session.get(Idea, idea_id).status = Status.DECLINED
        db.session.commit()
    response = auth.post(action, data={**fields, "quick": "1"}, headers=JSON)
    assert response.status_code == 409
    assert response.get_json()["message"] == "This idea is closed: it can no longer be voted for."
    response = auth.post(action, data={**fields, "quick": "1"}, follow_redirects=True)
    assert "can no longer be voted for" in flash_of(text(response))
    assert votes(app) == []


def test_next_never_leads_off_the_site(app, auth, member, ada):
    idea_id = make_idea(app, ada.id)
    _, fields = quick_form(text(auth.get("/ideas")), idea_id)
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = auth.post(f"/ideas/{idea_id}/vote", data={**fields, "quick": "1",
                                                              "next": bad})
        assert response.headers["Location"] == f"/ideas/{idea_id}-dark-mode", bad


def test_one_click_vote_without_csrf_is_rejected(app, auth, ada):
    idea_id = make_idea(app, ada.id)
    response = auth.post(f"/ideas/{idea_id}/vote", data={"quick": "1", "next": "/ideas"})
    assert response.status_code == 400
    assert votes(app) == []


def test_visitors_get_a_link_to_log_in_and_come_back(app, client, ada):
    idea_id = make_idea(app, ada.id)
    page = text(client.get("/ideas?sort=new"))
    assert f'action="/ideas/{idea_id}/vote"' not in page and 'name="csrf_token"' not in page
    assert 'class="vote-button" href="/login?next=/ideas?sort%3Dnew"' in page
    detail = text(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert f'class="vote-button" href="/login?next=/ideas/{idea_id}-dark-mode"' in detail
    response = client.post(f"/ideas/{idea_id}/vote", data={"quick": "1"})
    assert response.status_code in (302, 400)  # no session: no token, no vote
    assert votes(app) == []


def test_unverified_members_get_the_existing_refusal(app, client, ada):
    make_user(app, "Una Unverified", "una@example.com", verified=False)
    idea_id = make_idea(app, ada.id)
    login(client, "una@example.com")
    response = click(client, "/ideas", idea_id)
    assert response.status_code == 302 and "/settings" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "Please confirm your e-mail address first" in page
    assert votes(app) == []


# ---- the author's vote ----

def test_the_author_votes_for_their_idea_on_submitting(app, auth, member):
    response = post_form(auth, "/ideas/new", {"title": "Export to CSV please", "submit": "1"})
    page = text(auth.get(response.headers["Location"]))
    assert votes(app) == [(member.id, 2, None)]
    with app.app_context():
        idea = db.session.scalar(sa.select(Idea))
        assert (idea.vote_count, idea.staff_vote_count) == (1, 0)
        assert service.stored(idea) == service.counted(idea.id)  # the recount agrees
        idea_id = idea.id
    assert '<strong class="vote-total">1 vote</strong>' in page
    assert 'aria-pressed="true"' in page  # their button shows pressed
    # Changeable like any vote, and withdrawable.
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "3", "why": "monthly reports"},
              get_url=f"/ideas/{idea_id}-export-to-csv-please")
    assert votes(app) == [(member.id, 3, "monthly reports")]
    post_form(auth, f"/ideas/{idea_id}/unvote", {},
              get_url=f"/ideas/{idea_id}-export-to-csv-please")
    assert votes(app) == [] and get_idea(app, idea_id).vote_count == 0


def test_the_authors_vote_weighs_by_trust_and_is_no_interaction(app):
    """A new account's vote for its own idea counts half, as any of its votes; the trust scan
    sees no voter -> author link from it; staff authors' votes are counted apart."""
    newcomer = make_user(app, "Nat New", "nat@example.com")
    team = make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    mine = make_idea(app, newcomer.id, "Newcomer idea", author_vote=True)
    theirs = make_idea(app, team.id, "Team idea", author_vote=True)
    with app.app_context():
        idea = db.session.get(Idea, mine)
        assert (idea.vote_count, idea.established_vote_count, idea.top_score) == (1, 0, 1.0)
        team_idea = db.session.get(Idea, theirs)
        assert (team_idea.vote_count, team_idea.staff_vote_count, team_idea.top_score) == (
            0, 1, 0.0)
        assert list(trust_sources.interactions()) == []


def test_an_unverified_author_casts_no_vote(app):
    una = make_user(app, "Una Unverified", "una@example.com", verified=False)
    idea_id = make_idea(app, una.id, author_vote=True)
    assert votes(app) == [] and get_idea(app, idea_id).vote_count == 0


# ---- what the list shows ----

def test_the_vote_line_reads_simply_with_the_provenance_below(app, client, ada):
    idea_id = make_idea(app, ada.id)
    for n in range(2):
        voter = make_user(app, f"Voter {n}", f"v{n}@example.com",
                          trust_level=2 if n else 0)
        with app.app_context():
            service.cast_vote(db.session.get(User, voter.id), db.session.get(Idea, idea_id),
                              2, None)
            db.session.commit()
    page = text(client.get("/ideas"))
    line = re.search(rf'<p class="vote-line provenance" id="vote-line-{idea_id}">(.*?)</p>',
                     page, re.S).group(1)
    assert '<strong class="vote-total">2 votes</strong>' in line
    assert re.search(r'<span class="vote-origin">.*1 from established members', line, re.S)
    detail = text(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert "2 votes · 1 from established members" in " ".join(
        re.sub(r"<[^>]+>", " ", detail).split())


def test_most_discussed_shows_comment_counts(app, client, ada):
    talked = make_idea(app, ada.id, "Much talked about")
    quiet = make_idea(app, ada.id, "Quiet idea here")
    with app.app_context():
        db.session.get(Idea, talked).comment_count = 3
        db.session.commit()
    page = text(client.get("/ideas?sort=discussed"))
    assert page.index("Much talked about") < page.index("Quiet idea here")
    assert f'/ideas/{talked}-much-talked-about#comments">3 comments</a>' in page
    assert f'/ideas/{quiet}-quiet-idea-here#comments">0 comments</a>' in page
    top = text(client.get("/ideas?sort=top"))
    assert "3 comments" in top and "0 comments" not in top  # elsewhere only when some


def test_the_list_links_to_my_ideas_and_to_how_ranking_works(app, client, auth):
    page = text(auth.get("/ideas"))
    assert '<a href="/ideas/mine">My ideas and votes</a>' in page
    assert '<a href="/ideas/ranking">How ideas are ranked</a>' in page
    visitor = app.test_client()
    page = text(visitor.get("/ideas"))
    assert '<a href="/ideas/ranking">How ideas are ranked</a>' in page
    assert 'href="/ideas/mine"' not in page  # it needs an account


# ---- concurrency ----

THREADS, OPERATIONS = 12, 30


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_concurrent_one_click_votes_keep_counters_equal_to_a_recount(app):
    """Members clicking vote and withdraw from two tabs at once (JSON and plain), with the
    refine form in between: no member ends with two votes, the counters equal a recount."""
    members = [make_user(app, f"Voter {chr(65 + i)}", f"voter{i}@example.com",
                         created_at=utcnow() - timedelta(days=30 * (i % 2)))
               for i in range(THREADS // 2)]
    ideas = [make_idea(app, members[0].id, f"Shared idea {n}", author_vote=True)
             for n in range(2)]
    clients = []
    for i in range(THREADS):
        client = app.test_client()
        login(client, f"voter{i % len(members)}@example.com")
        clients.append((client, hidden_fields(text(client.get("/ideas")))["csrf_token"]))
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        client, token = clients[index]
        rng = random.Random(index)
        start.wait()
        for _ in range(OPERATIONS):
            idea_id, roll = rng.choice(ideas), rng.random()
            headers = JSON if rng.random() < 0.5 else {}
            data = {"csrf_token": token, "quick": "1", "next": "/ideas"}
            if roll < 0.45:
                response = client.post(f"/ideas/{idea_id}/vote", data=data, headers=headers)
            elif roll < 0.85:
                response = client.post(f"/ideas/{idea_id}/unvote", data=data, headers=headers)
            else:
                response = client.post(f"/ideas/{idea_id}/vote", data={
                    "csrf_token": token, "importance": str(rng.randint(1, 3))})
            if response.status_code not in (200, 302):
                errors.append(f"{response.status_code} {text(response)[:200]}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        duplicates = db.session.execute(
            sa.select(Vote.idea_id, Vote.user_id).group_by(Vote.idea_id, Vote.user_id)
            .having(sa.func.count() > 1)).all()
        assert duplicates == []
        for idea_id in ideas:
            idea = db.session.get(Idea, idea_id)
            assert service.stored(idea) == service.counted(idea_id), idea_id
