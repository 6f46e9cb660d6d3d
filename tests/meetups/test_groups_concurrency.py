"""Races through the app, on PostgreSQL (where two transactions truly run at once): managers
answering the same join requests together, the group's two owners leaving at the same moment,
and many members joining at once. No 500, every request answered once, a group never left
without an owner, and the member count always the true count."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.groups.membership import GROUPS
from community.groups.models import GroupJoinRequest, GroupMember, GroupRole
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.meetups.factories import MANAGER, OWNER, PRIVATE, make_group, member_count

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _clients(app, emails: list[str]):
    clients = []
    for email in emails:
        client = app.test_client()
        login(client, email)
        token = hidden_fields(text(client.get("/groups")))["csrf_token"]
        clients.append((client, token))
    return clients


def _run(workers) -> None:
    threads = [threading.Thread(target=work) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _true_count(app, slug: str) -> int:
    with app.app_context():
        group = GROUPS.find(slug)
        return db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
            GroupMember.group_id == group.id))


def test_two_managers_approving_the_same_requests_answer_each_once(app):
    olive = make_user(app, "Olive", "olive@example.com")
    manon = make_user(app, "Manon", "manon@example.com")
    slug = make_group(app, olive.id, "Race Group", PRIVATE, members=[(manon.id, MANAGER)])
    askers = [make_user(app, f"Asker {n}", f"asker{n}@example.com").id for n in range(8)]
    with app.app_context():
        group_id = GROUPS.find(slug).id
        requests = []
        for user_id in askers:
            request = GroupJoinRequest(group_id=group_id, user_id=user_id)
            db.session.add(request)
            db.session.flush()
            requests.append(request.id)
        db.session.commit()
    clients = _clients(app, ["olive@example.com", "manon@example.com"] * 2)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(index: int):
        def work():
            client, token = clients[index]
            start.wait()
            for request_id in requests:
                answer = "approve" if index < 2 else "decline"
                response = client.post(f"/groups/{slug}/requests/{request_id}/{answer}",
                                       data={"csrf_token": token})
                statuses.append(response.status_code)
        return work

    _run([worker(i) for i in range(len(clients))])
    assert statuses and all(status < 500 for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupJoinRequest)) == 0
        members = set(db.session.scalars(sa.select(GroupMember.user_id).where(
            GroupMember.group_id == group_id)))
        assert members <= set(askers) | {olive.id, manon.id}
    assert member_count(app, slug) == _true_count(app, slug)


def test_two_owners_leaving_together_leave_the_group_one_owner(app):
    olive = make_user(app, "Olive", "olive@example.com")
    oscar = make_user(app, "Oscar", "oscar@example.com")
    slug = make_group(app, olive.id, "Race Group", members=[(oscar.id, OWNER)])
    clients = _clients(app, ["olive@example.com", "oscar@example.com"] * 3)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(index: int):
        def work():
            client, token = clients[index]
            start.wait()
            response = client.post(f"/groups/{slug}/leave", data={"csrf_token": token})
            statuses.append(response.status_code)
        return work

    _run([worker(i) for i in range(len(clients))])
    assert statuses and all(status < 500 for status in statuses), statuses
    with app.app_context():
        owners = db.session.scalars(sa.select(GroupMember.user_id).where(
            GroupMember.role == GroupRole.OWNER)).all()
        assert len(owners) == 1
    assert member_count(app, slug) == _true_count(app, slug) == 1


def test_many_members_joining_at_once_are_all_counted(app):
    owner = make_user(app, "Olive", "olive@example.com")
    slug = make_group(app, owner.id, "Race Group")
    emails = [make_user(app, f"Joiner {n}", f"joiner{n}@example.com").email for n in range(8)]
    clients = _clients(app, emails)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(index: int):
        def work():
            client, token = clients[index]
            start.wait()
            response = client.post(f"/groups/{slug}/join", data={"csrf_token": token})
            statuses.append(response.status_code)
        return work

    _run([worker(i) for i in range(len(clients))])
    assert statuses and all(status < 500 for status in statuses), statuses
    assert member_count(app, slug) == _true_count(app, slug) == 9
