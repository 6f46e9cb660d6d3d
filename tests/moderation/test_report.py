"""Members report any idea, comment, post, review or profile on one page
(``/moderation/report/<type>/<id>``): each reason, once, never their own, with a rate limit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.ideas import triage
from community.ideas.models import Idea
from community.moderation.models import Flag, FlagKind, FlagReason, FlagState
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.forums.conftest import forum, new_reply, new_topic  # noqa: F401  (fixture)
from tests.helpers import hidden_fields, post_form, text
from tests.ideas.factories import make_idea
from tests.reviews.factories import make_product, make_review

KINDS = ("idea", "comment", "post", "review", "account")
REASONS = ("spam", "abuse", "fake", "other")


@pytest.fixture
def world(app, forum):  # noqa: F811  (the forums' fixture)
    """Bob wrote one of everything; his account is the "account" subject."""
    bob = make_user(app, "Bob Stone", "bob@example.com", handle="bob")
    idea = make_idea(app, bob.id, title="Dark mode everywhere")
    with app.app_context():
        comment = triage.add_comment(db.session.get(User, bob.id), db.session.get(Idea, idea),
                                     "Me too, and a sepia theme.").id
        db.session.commit()
    topic = new_topic(app, bob.id, forum.general)
    post = new_reply(app, bob.id, topic, "Buy cheap watches at example.com")
    review = make_review(app, bob.id, make_product(app))
    return {"idea": idea, "comment": comment, "post": post, "review": review,
            "account": bob.id, "bob": bob}


def reporters(app, n: int) -> list[tuple[User, object]]:
    """``n`` members, each logged in on a client of their own."""
    found = []
    for i in range(n):
        someone = make_user(app, f"Reporter {i}", f"reporter{i}@example.com",
                            handle=f"reporter-{i}")
        client = app.test_client()
        assert login(client, f"reporter{i}@example.com").status_code == 302
        found.append((someone, client))
    return found


def url(kind: str, subject_id: int) -> str:
    return f"/moderation/report/{kind}/{subject_id}"


def flags(app) -> list[tuple]:
    with app.app_context():
        return [(f.kind, f.subject_type, f.subject_id, f.reporter_id, f.reason, f.note, f.state)
                for f in db.session.scalars(sa.select(Flag).order_by(Flag.id))]


@pytest.mark.parametrize("kind", KINDS)
def test_members_report_each_kind_with_each_reason(app, world, moderator, kind):
    subject = world[kind]
    people = reporters(app, len(REASONS))
    for (_someone, client), reason in zip(people, REASONS, strict=True):
        page = client.get(url(kind, subject))
        assert page.status_code == 200
        html = text(page)
        assert 'type="radio"' in html and 'name="note"' in html
        assert 'value="off_topic"' not in html  # kept for old reports, no longer offered
        response = post_form(client, url(kind, subject),
                             {"reason": reason, "note": f"{reason} <b>here</b>"})
        assert response.status_code == 302, text(response)
        assert "Thank you: the moderators will look at it." in text(
            client.get(response.headers["Location"], follow_redirects=True))
    expected = [(FlagKind.MEMBER_REPORT, kind, subject, someone.id, FlagReason(reason),
                 f"{reason} <b>here</b>", FlagState.OPEN)
                for (someone, _client), reason in zip(people, REASONS, strict=True)]
    assert flags(app) == expected
    mod = app.test_client()
    login(mod, "mo@example.com")
    queue = text(mod.get(f"/moderation/flags?subject_type={kind}"))
    assert "4 open flags" in queue
    for label in ("Spam or advertising", "Abusive or disrespectful",
                  "Fake: not a real person, or not a genuine opinion", "Something else"):
        assert label in queue
    assert "&lt;b&gt;here&lt;/b&gt;" in queue and "<b>here" not in queue
    # Only the forums and reviews can hide what they show; ideas and accounts cannot.
    assert ('value="hide"' in queue) == (kind in ("post", "review"))


def test_the_page_shows_public_subjects_and_only_links_to_the_others(app, world, auth):
    idea = text(auth.get(url("idea", world["idea"])))
    assert "Report an idea" in idea and "Dark mode everywhere" in idea
    comment = text(auth.get(url("comment", world["comment"])))
    assert "Report a comment" in comment and "sepia theme" in comment
    assert f'#comment-{world["comment"]}"' in comment
    account = text(auth.get(url("account", world["account"])))
    assert "Report a member" in account and "Bob Stone" in account and 'href="/u/bob"' in account
    # A post may sit in a club's category: its words are shown where the forums check access.
    post = text(auth.get(url("post", world["post"])))
    assert "Report a forum post" in post and "cheap watches" not in post
    assert f'href="/p/{world["post"]}"' in post
    assert "bob@example.com" not in account + post + idea + comment


def test_a_second_report_says_so(app, world, auth, member):
    first = post_form(auth, url("idea", world["idea"]), {"reason": "spam"})
    assert first.status_code == 302
    again = auth.get(url("idea", world["idea"]))
    assert again.status_code == 200
    page = text(again)
    assert "You have already flagged this: the moderators will look at it." in page
    assert 'name="reason"' not in page
    # Sent anyway (a second tab): a clear message, no 500, still one flag.
    token = hidden_fields(text(auth.get(url("comment", world["comment"]))))["csrf_token"]
    second = auth.post(url("idea", world["idea"]), data={"csrf_token": token, "reason": "abuse"})
    assert second.status_code == 302
    assert "You have already flagged this" in text(
        auth.get(second.headers["Location"], follow_redirects=True))
    assert [(f[1], f[4]) for f in flags(app)] == [("idea", FlagReason.SPAM)]


@pytest.mark.parametrize("path", ["/moderation/report/gadget/1", "/moderation/report/idea/999",
                                  "/moderation/report/comment/999",
                                  "/moderation/report/account/999",
                                  "/moderation/report/post/999", "/moderation/report/review/999",
                                  "/moderation/report/IDEA/1", "/moderation/report/idea/0",
                                  f"/moderation/report/idea/{2**63}"])
def test_unknown_subjects_are_404(app, world, auth, path):
    assert auth.get(path).status_code == 404
    assert post_form(auth, path, {"reason": "spam"}, get_url="/settings").status_code == 404
    assert flags(app) == []


def test_a_deleted_account_cannot_be_reported(app, world, auth):
    with app.app_context():
        db.session.get(User, world["account"]).deleted_at = utcnow()
        db.session.commit()
    assert auth.get(url("account", world["account"])).status_code == 404


def test_nobody_reports_their_own_content_or_profile(app, world):
    bob = app.test_client()
    login(bob, "bob@example.com")
    for kind in ("idea", "comment", "account"):
        response = bob.get(url(kind, world[kind]))
        assert response.status_code == 403
        assert "You cannot report your own content or your own profile." in text(response)
        token = hidden_fields(text(bob.get("/settings")))["csrf_token"]
        assert bob.post(url(kind, world[kind]), data={
            "csrf_token": token, "reason": "spam"}).status_code == 403
    assert flags(app) == []


@pytest.mark.parametrize("data", [
    {"reason": "spam", "note": "x" * 501},
    {"reason": "spam", "note": "é" * 501},
    {"reason": "off_topic"},
    {"reason": "detector"},
    {"reason": "bogus"},
    {"reason": ""},
    {},
    {"reason": "spam", "note": "control \x1b[31m characters"},
    {"reason": "spam", "note": "\u202eevil"},
])
def test_bad_input_is_the_form_again_with_an_error(app, world, auth, data):
    response = post_form(auth, url("idea", world["idea"]), data)
    assert response.status_code == 422
    page = text(response)
    assert 'class="errors"' in page and 'name="reason"' in page
    assert flags(app) == []


def test_a_note_of_500_characters_on_several_lines_is_kept(app, world, auth):
    note = ("line one\r\n" + "y" * 490)[:500]
    assert post_form(auth, url("review", world["review"]),
                     {"reason": "fake", "note": note}).status_code == 302
    assert flags(app)[0][5] == note.replace("\r\n", "\n")


def test_without_a_csrf_token_nothing_is_reported(app, world, auth):
    response = auth.post(url("idea", world["idea"]), data={"reason": "spam"})
    assert response.status_code == 400
    assert "This form has expired or was sent from elsewhere." in text(response)
    assert flags(app) == []


def test_visitors_are_sent_to_log_in(app, world, client):
    response = client.get(url("idea", world["idea"]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unverified_members_confirm_their_address_first(app, world):
    make_user(app, "Una Verified", "una@example.com", verified=False)
    una = app.test_client()
    login(una, "una@example.com")
    response = una.get(url("idea", world["idea"]))
    assert response.status_code == 302 and "/settings" in response.headers["Location"]


def test_report_links_show_to_members_on_others_content_only(app, world, auth):
    idea_page = f"/ideas/{world['idea']}"
    page = text(auth.get(idea_page, follow_redirects=True))
    assert f'href="/moderation/report/idea/{world["idea"]}"' in page
    assert f'href="/moderation/report/comment/{world["comment"]}"' in page
    assert f'id="comment-{world["comment"]}"' in page
    profile = text(auth.get("/u/bob"))
    assert f'href="/moderation/report/account/{world["account"]}"' in profile
    assert "Report this member" in profile
    own = text(auth.get("/u/alice-martin"))
    assert "/moderation/report/" not in own
    visitor = app.test_client()  # ``auth`` is the ``client`` fixture, logged in
    anonymous = text(visitor.get(idea_page, follow_redirects=True)) + text(visitor.get("/u/bob"))
    assert "/moderation/report/" not in anonymous
    bob = app.test_client()
    login(bob, "bob@example.com")
    mine = text(bob.get(idea_page, follow_redirects=True))
    assert "/moderation/report/idea/" not in mine and "/moderation/report/comment/" not in mine


def test_reports_are_rate_limited_per_member(make_app, backend):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REPORTS="2 per minute")
    bob = make_user(app, "Bob Stone", "bob@example.com", handle="bob")
    ideas = [make_idea(app, bob.id, title=f"Idea number {n}") for n in range(3)]
    make_user(app)
    alice = app.test_client()
    assert login(alice, "alice@example.com").status_code == 302
    answers = [post_form(alice, url("idea", i), {"reason": "spam"}).status_code for i in ideas]
    assert answers == [302, 302, 429]
    assert alice.get(url("idea", ideas[2])).status_code == 200  # reading is not limited
    assert len(flags(app)) == 2
