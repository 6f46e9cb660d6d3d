"""One answer to a failed CSRF check, on every action: 400 with the message, never a redirect.

The app-wide CSRFProtect checks every POST before its view runs (``community/errors.py``
answers its error), so a view has no CSRF branch of its own. This test walks every POST rule
of the URL map, so a new route is covered the day it is added: a logged-in admin posts to it
without a token, at an address built from real rows (an idea, a topic and its reply, a
category, a FAQ entry, a flag, an invitation, a reset link...).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.accounts import invitations, tokens
from community.accounts.models import Role, User
from community.clubs.membership import CLUBS as clubs
from community.extensions import db
from community.forums import admin as forum_admin
from community.forums import qa
from community.forums import service as forums
from community.groups.membership import GROUPS as groups
from community.ideas import service as ideas
from community.ideas.models import Idea
from community.moderation import service as moderation
from tests.conftest import login, make_user
from tests.helpers import text

CSRF_MESSAGE = "This form has expired or was sent from elsewhere."
# Path arguments that are not rows: the value each such route expects.
ACTIONS = {"forums.moderate_topic": "lock", "forums.moderate_post": "hide"}


def _real_rows(app, admin_id: int, member_id: int) -> dict[str, dict[str, object]]:
    """Rows for every kind of path argument, by blueprint (``"*"`` for all of them)."""
    with app.app_context():
        admin, member = db.session.get(User, admin_id), db.session.get(User, member_id)
        category = forum_admin.create_category("General", slug="general")
        topic = forums.create_topic(member, category, "How do I export?", "Where is it?",
                                    is_question=True)
        reply = forums.reply(admin, topic, "Settings, then Export.")
        qa.accept_answer(member, reply)
        entry = qa.promote_to_faq(admin, reply, "How do I export?", "Settings.", category)
        moderation.open_flag(member, "post", reply.id, "spam")
        idea = ideas.create_idea(member, "Dark mode", "Please.", None, [], author_vote=False)
        invitation, _token = invitations.create_invitation(admin)
        club, group = clubs.create("Acme", "acme"), groups.create("Readers", "readers")
        db.session.commit()
        shared = {
            "idea_id": idea.id, "topic_id": topic.id, "post_id": reply.id,
            "category_id": category.id, "entry_id": entry.id, "subject_type": "post",
            "subject_id": reply.id, "invitation_id": invitation.id, "slug": category.slug,
            "user_id": member.id, "handle": member.handle,
            "token": tokens.make_token(tokens.RESET, {"uid": admin.id,
                                                      "ph": admin.password_hash[-12:]}),
        }
        return {"*": shared, "clubs": {"slug": club.slug}, "groups": {"slug": group.slug}}


def _address(app, rule, rows) -> str:
    """The rule's URL with real values (an unknown argument gets 1 or "x": the check comes
    before the view, so even then a POST without a token must answer 400)."""
    blueprint = rule.endpoint.split(".")[0]
    values = {}
    for name in rule.arguments:
        if name == "action":
            values[name] = ACTIONS.get(rule.endpoint, "x")
        elif name in rows.get(blueprint, {}):
            values[name] = rows[blueprint][name]
        elif name in rows["*"]:
            values[name] = rows["*"][name]
        else:
            values[name] = 1 if type(rule._converters[name]).__name__ == "IdConverter" else "x"
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    assert app.config["WTF_CSRF_ENABLED"]
    return app


def test_every_post_without_a_token_answers_400_with_the_message(csrf_app):
    app = csrf_app
    admin = make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    member = make_user(app, "Alice Martin", "alice@example.com")
    rows = _real_rows(app, admin.id, member.id)
    client = app.test_client()
    assert login(client, "ada@example.com").status_code == 302
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(rules) > 30
    answers = {}
    for rule in rules:
        url = _address(app, rule, rows)
        response = client.post(url, data={})
        if response.status_code != 400 or CSRF_MESSAGE not in text(response):
            answers[f"{rule.endpoint} {url}"] = (response.status_code,
                                                 response.headers.get("Location"))
    assert answers == {}, "these POSTs without a CSRF token did not answer 400 with the message"
    # Nothing ran: the admin is still logged in (no logout), the idea has no vote.
    assert client.get("/settings").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(Idea.vote_count)) == 0
