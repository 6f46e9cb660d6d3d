"""Invitations to a group by e-mail, on SQLite and PostgreSQL: the e-mail and its single-use
link (secret groups too), expiry, the notification to a member with that address, the same
answer whether an address has an account or not, only a hash of the address kept, and the
daily limit."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.groups.models import GroupInvitation
from community.notify import service as notify_service
from community.timeutil import utcnow
from tests import helpers
from tests.conftest import login, make_user
from tests.helpers import links_in, mails_to, path_of, post_form
from tests.meetups.factories import MANAGER, MEMBER, SECRET, make_group, member_count, roles


def text(response) -> str:
    return html.unescape(helpers.text(response))


def as_user(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def shown_notifications(app, user_id: int) -> list[str]:
    with app.test_request_context():
        return [shown.text for _n, shown in notify_service.recent(db.session.get(User, user_id))]


def setup(app, visibility=SECRET):
    owner = make_user(app, "Olga Owner", "olga@example.com")
    manager = make_user(app, "Max Manager", "max@example.com")
    member = make_user(app, "Mia Member", "mia@example.com")
    guest = make_user(app, "Gus Guest", "Gus@Example.com")
    slug = make_group(app, owner.id, "Lyon Users", visibility,
                      members=[(manager.id, MANAGER), (member.id, MEMBER)])
    return slug, manager, member, guest


def invite(client, slug: str, address: str):
    return post_form(client, f"/groups/{slug}/invite", {"action": "email", "email": address})


def invitation_path(outbox, address: str) -> str:
    [message] = mails_to(outbox, address)
    assert "Lyon Users" in message["Subject"]
    [link] = [link for link in links_in(message) if "/groups/invitations/" in link]
    return path_of(link)


def test_an_invitation_to_a_member_mails_a_single_use_link_to_a_secret_group(app, outbox):
    slug, manager, _member, guest = setup(app)
    manager_client = as_user(app, manager.email)
    response = invite(manager_client, slug, "gus@example.COM ")
    assert response.status_code == 302
    assert "An invitation is on its way" in text(manager_client.get(response.headers["Location"]))
    path = invitation_path(outbox, "gus@example.COM")
    assert shown_notifications(app, guest.id) == [
        "Max Manager invited you to the group Lyon Users: the link is in the e-mail we sent you."]
    client = as_user(app, "Gus@Example.com")
    page = text(client.get(path))
    assert "Lyon Users" in page and "Be kind." in page
    assert post_form(client, path, {}).status_code == 302
    assert roles(app, slug)[guest.id] is MEMBER and member_count(app, slug) == 4
    # used once: gone
    other = make_user(app, "Ola Other", "ola@example.com")
    other_client = as_user(app, other.email)
    assert other_client.get(path).status_code == 404
    assert post_form(other_client, path, {}, get_url="/groups").status_code == 404
    assert other.id not in roles(app, slug)


def test_the_answer_is_the_same_whether_or_not_an_account_exists(app, outbox):
    slug, manager, _member, _guest = setup(app)
    client = as_user(app, manager.email)
    answers = []
    for address in ("gus@example.com", "nobody@example.com"):
        response = invite(client, slug, address)
        assert response.status_code == 302
        page = text(client.get(response.headers["Location"])).replace(address, "@")
        # the form token carries a timestamp: it differs when the second turns
        answers.append(re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", page))
    assert answers[0] == answers[1]
    assert len(mails_to(outbox, "nobody@example.com")) == 1


def test_only_a_keyed_hash_of_the_address_is_kept_and_a_new_invitation_replaces_the_old(
        app, outbox):
    slug, manager, _member, _guest = setup(app)
    client = as_user(app, manager.email)
    invite(client, slug, "someone@example.com")
    first = invitation_path(outbox, "someone@example.com")
    with app.app_context():  # a day later (an address is invited once a day per group)
        db.session.execute(sa.update(GroupInvitation).values(
            created_at=utcnow() - timedelta(days=1, seconds=1)))
        db.session.commit()
    invite(client, slug, "SOMEONE@example.com")
    with app.app_context():
        rows = db.session.execute(sa.select(GroupInvitation)).scalars().all()
        assert len(rows) == 1
        assert all("someone" not in str(value) for value in vars(rows[0]).values())
    stranger = make_user(app, "Sam Stranger", "sam@example.com")
    assert as_user(app, stranger.email).get(first).status_code == 404  # replaced


def test_an_invitation_expires_after_fourteen_days(app, outbox):
    slug, manager, _member, guest = setup(app)
    invite(as_user(app, manager.email), slug, guest.email)
    path = invitation_path(outbox, guest.email)
    with app.app_context():
        db.session.execute(sa.update(GroupInvitation).values(
            expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    client = as_user(app, guest.email)
    assert client.get(path).status_code == 404
    assert guest.id not in roles(app, slug)
    assert shown_notifications(app, guest.id) == []  # the invitation is over


def test_members_outsiders_and_visitors_do_not_invite(app, outbox, client):
    slug, _manager, member, guest = setup(app, "public")
    for reader in (as_user(app, member.email), as_user(app, guest.email)):
        assert invite(reader, slug, "x@example.com").status_code == 403
    assert client.get(f"/groups/{slug}/invite").status_code == 302
    assert mails_to(outbox, "x@example.com") == []


def test_a_bad_address_is_refused_beside_the_field(app, outbox):
    slug, manager, _member, _guest = setup(app)
    client = as_user(app, manager.email)
    for address in ("", "not an address", "a@" + "b" * 300 + ".com", "x\r\nBcc: y@z.com"):
        response = invite(client, slug, address)
        assert response.status_code == 422, address
    assert helpers.read_outbox(outbox) == []


def test_invitations_are_limited_per_day(make_app, tmp_path):
    app = make_app(GROUP_INVITES_PER_DAY=2)
    slug, manager, _member, _guest = setup(app)
    client = as_user(app, manager.email)
    for number in range(2):
        assert invite(client, slug, f"p{number}@example.com").status_code == 302
    response = invite(client, slug, "p9@example.com")
    assert "You sent 2 invitations today" in text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupInvitation)) == 2
    assert response.status_code == 422


def test_an_unverified_member_cannot_accept(app, outbox):
    slug, manager, _member, _guest = setup(app)
    make_user(app, "Una Verified", "una@example.com", verified=False)
    invite(as_user(app, manager.email), slug, "una@example.com")
    path = invitation_path(outbox, "una@example.com")
    client = as_user(app, "una@example.com")
    post_form(client, path, {})
    assert len(roles(app, slug)) == 3
