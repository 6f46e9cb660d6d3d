"""The product team's actions and the closed loop, over HTTP, per role."""

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import Role
from community.extensions import db
from community.ideas.models import Comment, Follow, Idea, PriorityEntry, Status, Vote
from community.notify.models import Notification
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import mails_to, post_form, text
from tests.ideas.factories import get_idea, make_idea


def team(app):
    make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)
    client = app.test_client()
    login(client, "pat@example.com")
    return client


def detail_url(app, idea_id):
    return f"/ideas/{idea_id}-{get_idea(app, idea_id).slug}"


def vote(client, app, idea_id, importance="2", why=""):
    return post_form(client, f"/ideas/{idea_id}/vote", {"importance": importance, "why": why},
                     get_url=detail_url(app, idea_id))


def test_members_cannot_triage(app, auth, member):
    idea_id = make_idea(app, member.id)
    assert auth.get("/triage").status_code == 403
    response = post_form(auth, f"/ideas/{idea_id}/status", {"status": "planned"},
                         get_url=detail_url(app, idea_id))
    assert response.status_code == 403
    assert get_idea(app, idea_id).status is Status.OPEN
    assert auth.get("/triage/export.csv").status_code == 403


def test_triage_queue_lists_new_ideas_for_the_product_team(app, member):
    make_idea(app, member.id, "Waiting for triage")
    assert "Waiting for triage" in text(team(app).get("/triage"))


def test_declining_requires_a_public_reason(app, member):
    idea_id = make_idea(app, member.id)
    pat = team(app)
    response = post_form(pat, f"/ideas/{idea_id}/status", {"status": "declined", "note": ""},
                         get_url=detail_url(app, idea_id), follow_redirects=True)
    assert "needs a public explanation" in text(response)
    assert get_idea(app, idea_id).status is Status.OPEN
    post_form(pat, f"/ideas/{idea_id}/status",
              {"status": "declined", "note": "It would slow every page for everyone."},
              get_url=detail_url(app, idea_id))
    assert get_idea(app, idea_id).status is Status.DECLINED
    assert "slow every page" in text(app.test_client().get(detail_url(app, idea_id)))


def test_status_change_notifies_voters_in_app_and_by_email(app, auth, member, outbox):
    idea_id = make_idea(app, member.id)
    voter = make_user(app, "Val Voter", "val@example.com", email_digest="instant")
    val = app.test_client()
    login(val, "val@example.com")
    vote(val, app, idea_id)
    post_form(team(app), f"/ideas/{idea_id}/status", {"status": "planned", "note": "Q3"},
              get_url=detail_url(app, idea_id))
    page = text(val.get("/"))
    assert 'class="badge badge-count"' in page
    assert "is now: Planned" in text(val.get("/notifications"))
    assert len(mails_to(outbox, "val@example.com")) == 1  # instant
    assert mails_to(outbox, "alice@example.com") == []     # the author is on "daily"
    result = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert "1 digests sent" in result.output
    assert len(mails_to(outbox, "alice@example.com")) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == voter.id)) == 1


def test_one_click_unfollow_stops_notifications(app, member):
    idea_id = make_idea(app, member.id)
    alice = app.test_client()
    login(alice)
    post_form(alice, f"/ideas/{idea_id}/follow", {"stop": "1"}, get_url=detail_url(app, idea_id))
    post_form(team(app), f"/ideas/{idea_id}/status", {"status": "planned"},
              get_url=detail_url(app, idea_id))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_merge_moves_votes_keeping_the_higher_importance(app, member):
    target = make_idea(app, member.id, "Dark mode everywhere")
    duplicate = make_idea(app, member.id, "Night theme please")
    both = make_user(app, "Bo Both", "bo@example.com", created_at=utcnow() - timedelta(days=60))
    only = make_user(app, "On Ly", "only@example.com", created_at=utcnow() - timedelta(days=60))
    for email, votes_ in (("bo@example.com", [(target, "1"), (duplicate, "3")]),
                          ("only@example.com", [(duplicate, "2")])):
        client = app.test_client()
        login(client, email)
        for idea_id, importance in votes_:
            vote(client, app, idea_id, importance, why="night work")
    alice = app.test_client()
    login(alice)
    post_form(alice, f"/ideas/{duplicate}/comments", {"body": "Same as mine"},
              get_url=detail_url(app, duplicate))
    pat = team(app)
    response = post_form(pat, f"/ideas/{duplicate}/merge", {"target": str(target)},
                         get_url=detail_url(app, duplicate))
    assert response.status_code == 302
    with app.app_context():
        rows = dict(db.session.execute(sa.select(Vote.user_id, Vote.importance).where(
            Vote.idea_id == target)).all())
        assert rows == {both.id: 3, only.id: 2}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(
            Vote.idea_id == duplicate)) == 0
        assert db.session.scalar(sa.select(Comment.idea_id)) == target
        merged = db.session.get(Idea, duplicate)
        assert merged.status is Status.MERGED and merged.merged_into_id == target
        kept = db.session.get(Idea, target)
        assert (kept.vote_count, kept.top_score) == (2, 3.0 + 2.0)
        assert db.session.get(Follow, (target, only.id)) is not None
    redirect = app.test_client().get(f"/ideas/{duplicate}")
    assert redirect.status_code == 301 and f"/ideas/{target}" in redirect.headers["Location"]


def test_vote_on_merged_idea_is_refused(app, member):
    target = make_idea(app, member.id, "Dark mode everywhere")
    duplicate = make_idea(app, member.id, "Night theme please")
    post_form(team(app), f"/ideas/{duplicate}/merge", {"target": str(target)},
              get_url=detail_url(app, duplicate))
    alice = app.test_client()
    login(alice)
    post_form(alice, f"/ideas/{duplicate}/vote", {"importance": "2"},
              get_url=detail_url(app, target))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 0


def test_official_response_is_pinned_and_only_for_the_team(app, auth, member):
    idea_id = make_idea(app, member.id)
    response = post_form(auth, f"/ideas/{idea_id}/comments", {"body": "me too", "official": "y"},
                         get_url=detail_url(app, idea_id))
    assert response.status_code == 403
    post_form(auth, f"/ideas/{idea_id}/comments", {"body": "First comment"},
              get_url=detail_url(app, idea_id))
    post_form(team(app), f"/ideas/{idea_id}/comments",
              {"body": "We are looking at it.", "official": "y"}, get_url=detail_url(app, idea_id))
    page = text(app.test_client().get(detail_url(app, idea_id)))
    assert page.index("We are looking at it.") < page.index("First comment")
    assert "Official response" in page
    assert get_idea(app, idea_id).comment_count == 2


def test_shipped_idea_asks_voters_and_shows_their_answers(app, auth, member):
    idea_id = make_idea(app, member.id)
    vote(auth, app, idea_id)
    post_form(team(app), f"/ideas/{idea_id}/status", {"status": "shipped", "note": "In 2.4"},
              get_url=detail_url(app, idea_id))
    assert "shipped. Did it solve your need?" in text(auth.get("/notifications"))
    post_form(auth, f"/ideas/{idea_id}/outcome", {"outcome": "partly"},
              get_url=detail_url(app, idea_id))
    assert "Partly: 1" in text(app.test_client().get(detail_url(app, idea_id)))


def test_csv_export_has_counts_and_whys_and_neutralizes_formulas(app, auth, member):
    idea_id = make_idea(app, member.id, "=HYPERLINK(evil)")
    vote(auth, app, idea_id, "3", why="for month-end")
    response = team(app).get("/triage/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "title", "status", "votes"]
    assert rows[1][1] == "'=HYPERLINK(evil)" and rows[1][3] == "1"
    assert rows[1][-1] == "for month-end"


def test_bulk_status_change(app, member):
    ids = [make_idea(app, member.id, f"Bulk idea {n}") for n in "ABC"]
    pat = team(app)
    post_form(pat, "/triage/bulk", {"ideas": [str(ids[0]), str(ids[1])],
                                    "status": "under_review"}, get_url="/triage")
    assert [get_idea(app, i).status for i in ids] == [
        Status.UNDER_REVIEW, Status.UNDER_REVIEW, Status.OPEN]


def test_priorities_reorder_and_borda_aggregate(app, auth, member):
    ids = [make_idea(app, member.id, f"Priority idea {n}") for n in "ABC"]
    with app.app_context():
        db.session.execute(sa.update(type(member)).values(
            created_at=utcnow() - timedelta(days=30), trust_level=2))
        db.session.commit()
    for idea_id in ids:
        post_form(auth, "/priorities", {"action": "add", "idea": str(idea_id)},
                  get_url="/priorities")
    assert [get_idea(app, i).priority_score for i in ids] == [10.0, 9.0, 8.0]
    post_form(auth, "/priorities", {"action": "up", "idea": str(ids[2])}, get_url="/priorities")
    assert [get_idea(app, i).priority_score for i in ids] == [10.0, 8.0, 9.0]
    post_form(auth, "/priorities", {"action": "order", "order": f"{ids[2]},{ids[0]}"},
              get_url="/priorities")
    assert [get_idea(app, i).priority_score for i in ids] == [9.0, 0.0, 10.0]
    page = text(app.test_client().get("/ideas?sort=priorities"))
    assert page.index("Priority idea C") < page.index("Priority idea A")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityEntry)) == 2


def test_priorities_hold_at_most_ten(app, auth, member):
    ids = [make_idea(app, member.id, f"Many ideas {n}") for n in "ABCDEFGHIJK"]
    post_form(auth, "/priorities", {"action": "order", "order": ",".join(map(str, ids))},
              get_url="/priorities")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityEntry)) == 0


def test_my_ideas_and_votes_show_current_status(app, auth, member):
    idea_id = make_idea(app, member.id, "Mine to follow")
    post_form(team(app), f"/ideas/{idea_id}/status", {"status": "in_progress"},
              get_url=detail_url(app, idea_id))
    page = text(auth.get("/ideas/mine"))
    assert "Mine to follow" in page and "In progress" in page


def test_status_feed_is_atom_and_escapes_titles(app, member):
    idea_id = make_idea(app, member.id, "Tags <b>& ampersands</b>")
    post_form(team(app), f"/ideas/{idea_id}/status", {"status": "planned", "note": "Soon"},
              get_url=detail_url(app, idea_id))
    response = app.test_client().get("/feeds/status.atom")
    assert response.mimetype == "application/atom+xml"
    body = text(response)
    assert "<feed" in body and "&lt;b&gt;&amp; ampersands" in body and "Planned" in body


def test_ranking_page_explains_the_rules(client):
    page = text(client.get("/ideas/ranking"))
    assert "Borda" in page and "168 hours" in page


def test_product_team_reads_the_voters_why_members_do_not(app, auth, member):
    idea_id = make_idea(app, member.id)
    vote(auth, app, idea_id, "3", why="we close the books at night")
    assert "we close the books at night" in text(team(app).get(detail_url(app, idea_id)))
    assert "we close the books at night" not in text(app.test_client().get(
        detail_url(app, idea_id)))
