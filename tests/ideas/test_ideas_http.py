"""Ideas over HTTP, per role, on SQLite and PostgreSQL."""

from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.ideas.models import Idea, Status, Vote
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import post_form, text
from tests.ideas.factories import get_idea, make_idea


def votes(app):
    with app.app_context():
        return db.session.execute(sa.select(Vote.user_id, Vote.importance, Vote.why)).all()


def test_member_submits_an_idea_and_follows_it(app, auth):
    response = post_form(auth, "/ideas/new", {
        "title": "Export to CSV please", "body": "**Monthly** reports", "tags": "Export, reports",
        "submit": "1"})
    assert response.status_code == 302
    page = text(auth.get(response.headers["Location"]))
    assert "Export to CSV please" in page and "<strong>Monthly</strong>" in page
    with app.app_context():
        idea = db.session.scalar(sa.select(Idea))
        assert [t.tag for t in idea.tags] == ["export", "reports"]


def test_check_for_duplicates_shows_similar_ideas_without_submitting(app, auth, member):
    make_idea(app, member.id, "Dark mode for the mobile app", "A dark theme at night.")
    make_idea(app, member.id, "Export invoices as PDF", "For accounting.")
    response = post_form(auth, "/ideas/new", {"title": "Mobile app: dark mode", "check": "1"})
    page = text(response)
    assert "Similar ideas already exist" in page and "Dark mode for the mobile app" in page
    assert "Export invoices as PDF" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 2


def test_similar_suggestions_work_across_french_and_english(app, client, member):
    make_idea(app, member.id, "Mode sombre pour l'application mobile", "Thème sombre.")
    found = client.get("/ideas/similar", query_string={"title": "mobile application dark mode"})
    assert [i["title"] for i in found.get_json()] == ["Mode sombre pour l'application mobile"]


def test_vote_with_importance_and_why_then_change_and_withdraw(app, auth, member):
    idea_id = make_idea(app, member.id)
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "3", "why": "night shifts"},
              get_url=f"/ideas/{idea_id}-dark-mode")
    assert votes(app) == [(member.id, 3, "night shifts")]
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "1", "why": ""},
              get_url=f"/ideas/{idea_id}-dark-mode")
    assert votes(app) == [(member.id, 1, None)]
    post_form(auth, f"/ideas/{idea_id}/unvote", {}, get_url=f"/ideas/{idea_id}-dark-mode")
    assert votes(app) == []
    assert get_idea(app, idea_id).vote_count == 0


def test_unverified_member_cannot_vote(app, client, member):
    idea_id = make_idea(app, member.id)
    make_user(app, "Una V", "una@example.com", verified=False)
    login(client, "una@example.com")
    response = post_form(client, f"/ideas/{idea_id}/vote", {"importance": "2"}, get_url="/")
    assert response.status_code == 302 and "/settings" in response.headers["Location"]
    assert votes(app) == []


def test_staff_votes_are_shown_apart_and_do_not_count(app, client, member):
    idea_id = make_idea(app, member.id)
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    login(client, "pat@example.com")
    post_form(client, f"/ideas/{idea_id}/vote", {"importance": "3"},
              get_url=f"/ideas/{idea_id}-dark-mode")
    idea = get_idea(app, idea_id)
    assert (idea.vote_count, idea.staff_vote_count, idea.top_score) == (0, 1, 0.0)
    assert "1 from the team, counted apart" in text(client.get(f"/ideas/{idea_id}-dark-mode"))


def test_provenance_counts_established_members(app, client):
    old = make_user(app, "Old Timer", "old@example.com", created_at=utcnow() - timedelta(days=90))
    make_user(app, "New Comer", "new@example.com")
    idea_id = make_idea(app, old.id)
    for email in ("old@example.com", "new@example.com"):
        voter = app.test_client()
        login(voter, email)
        post_form(voter, f"/ideas/{idea_id}/vote", {"importance": "2"},
                  get_url=f"/ideas/{idea_id}-dark-mode")
    page = text(client.get(f"/ideas/{idea_id}-dark-mode"))
    assert "2 votes" in page and "1 from established members" in page
    assert get_idea(app, idea_id).top_score == 2 * 1.0 + 2 * 0.5


def test_vote_on_missing_idea_is_404_and_writes_nothing(auth):
    response = post_form(auth, "/ideas/999/vote", {"importance": "2"}, get_url="/ideas")
    assert response.status_code == 404


def test_vote_on_closed_idea_is_refused_with_a_message(app, auth, member):
    idea_id = make_idea(app, member.id)
    with app.app_context():
        db.session.get(Idea, idea_id).status = Status.DECLINED
        db.session.commit()
    response = post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "2"},
                         get_url=f"/ideas/{idea_id}-dark-mode", follow_redirects=True)
    assert "can no longer be voted for" in text(response)
    assert votes(app) == []


def test_bad_importance_is_refused_and_nothing_written(app, auth, member):
    idea_id = make_idea(app, member.id)
    for value in ("0", "4", "", "critical", "2; DROP TABLE votes"):
        post_form(auth, f"/ideas/{idea_id}/vote", {"importance": value},
                  get_url=f"/ideas/{idea_id}-dark-mode")
    assert votes(app) == []


def test_vote_without_csrf_is_rejected(app, auth, member):
    idea_id = make_idea(app, member.id)
    assert auth.post(f"/ideas/{idea_id}/vote", data={"importance": "2"}).status_code == 400
    assert votes(app) == []


def test_lists_order_by_each_ranking(app, client, member):
    a = make_idea(app, member.id, "First idea title")
    b = make_idea(app, member.id, "Second idea title")
    with app.app_context():
        db.session.get(Idea, a).top_score = 5
        db.session.get(Idea, b).top_score = 9
        db.session.get(Idea, a).comment_count = 4
        db.session.commit()
    top = text(client.get("/ideas?sort=top"))
    assert top.index("Second idea title") < top.index("First idea title")
    discussed = text(client.get("/ideas?sort=discussed"))
    assert discussed.index("First idea title") < discussed.index("Second idea title")
    new = text(client.get("/ideas?sort=new"))
    assert new.index("Second idea title") < new.index("First idea title")


def test_filter_ideas_i_voted_for(app, auth, member):
    a = make_idea(app, member.id, "Voted idea here")
    make_idea(app, member.id, "Other idea here")
    post_form(auth, f"/ideas/{a}/vote", {"importance": "2"},
              get_url=f"/ideas/{a}-voted-idea-here")
    page = text(auth.get("/ideas?mine=1"))
    assert "Voted idea here" in page and "Other idea here" not in page


def test_old_slug_redirects_to_the_canonical_url(app, client, member):
    idea_id = make_idea(app, member.id)
    response = client.get(f"/ideas/{idea_id}-old-title")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/ideas/{idea_id}-dark-mode")


def test_idea_markdown_is_sanitized(app, auth):
    post_form(auth, "/ideas/new", {"title": "Sanitize this please",
                                   "body": "<script>alert(1)</script> [x](javascript:alert(1))",
                                   "submit": "1"})
    with app.app_context():
        html = db.session.scalar(sa.select(Idea.body_html))
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:", "")


def test_trusted_votes_only_view_ignores_new_accounts(app, client):
    old = make_user(app, "Old Timer", "old@example.com", created_at=utcnow() - timedelta(days=90))
    make_user(app, "New Comer", "new@example.com")
    crowd = make_idea(app, old.id, "Loved by new accounts")
    trusted = make_idea(app, old.id, "Loved by established")
    for email, idea_id, importance in (("new@example.com", crowd, "3"),
                                       ("old@example.com", trusted, "1")):
        voter = app.test_client()
        login(voter, email)
        slug = get_idea(app, idea_id).slug
        post_form(voter, f"/ideas/{idea_id}/vote", {"importance": importance},
                  get_url=f"/ideas/{idea_id}-{slug}")
    top = text(client.get("/ideas?sort=top"))
    assert top.index("Loved by new accounts") < top.index("Loved by established")
    trusted_page = text(client.get("/ideas?sort=trusted"))
    assert trusted_page.index("Loved by established") < trusted_page.index("Loved by new")


def test_export_includes_votes_and_ideas(app, auth, member):
    idea_id = make_idea(app, member.id)
    post_form(auth, f"/ideas/{idea_id}/vote", {"importance": "3", "why": "nights"},
              get_url=f"/ideas/{idea_id}-dark-mode")
    document = auth.get("/settings/export").get_json()
    assert document["votes"][0]["importance"] == 3 and document["votes"][0]["why"] == "nights"
    assert document["ideas_proposed"][0]["title"] == "Dark mode"


def test_category_filter(app, auth, member):
    app.test_cli_runner().invoke(args=["ideas", "add-category", "mobile", "Mobile app"])
    post_form(auth, "/ideas/new", {"title": "Offline mode please", "category": "1",
                                   "submit": "1"})
    make_idea(app, member.id, "Uncategorised idea")
    page = text(auth.get("/ideas?category=1"))
    assert "Offline mode please" in page and "Uncategorised idea" not in page
