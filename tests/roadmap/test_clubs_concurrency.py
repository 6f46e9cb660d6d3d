"""Races through the app, on PostgreSQL (where two transactions truly run at once): managers
answering the same join requests together, and the club's two owners leaving at the same
moment. No 500, every request answered once, and a club never left without an owner."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.clubs.membership import CLUBS
from community.clubs.models import ClubMember, ClubRole, JoinRequest
from community.extensions import db
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _club(app, roles: dict[str, ClubRole]) -> dict[str, int]:
    users = {name: make_user(app, name.title(), f"{name}@example.com").id for name in roles}
    with app.app_context():
        club = CLUBS.create("Race Club", "race-club")
        for name, role in roles.items():
            CLUBS.add(club, users[name], role=role)
        db.session.commit()
    return users


def _clients(app, emails: list[str]):
    clients = []
    for email in emails:
        client = app.test_client()
        login(client, email)
        token = hidden_fields(text(client.get("/clubs/race-club")))["csrf_token"]
        clients.append((client, token))
    return clients


def _run(workers) -> None:
    threads = [threading.Thread(target=work) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_managers_answering_the_same_requests_at_once_answer_each_once(app):
    _club(app, {"olive": ClubRole.OWNER, "manon": ClubRole.MANAGER})
    askers = [make_user(app, f"Asker {n}", f"asker{n}@example.com").id for n in range(8)]
    with app.app_context():
        club_id = CLUBS.find("race-club").id
        requests = []
        for user_id in askers:
            request = JoinRequest(club_id=club_id, user_id=user_id)
            db.session.add(request)
            db.session.flush()
            requests.append(request.id)
        db.session.commit()
    # Four clients (each manager twice) approve or decline every request, all at once.
    clients = _clients(app, ["olive@example.com", "manon@example.com"] * 2)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(index: int):
        def work():
            client, token = clients[index]
            start.wait()
            for request_id in requests:
                answer = "approve" if index % 2 == 0 else "decline"
                response = client.post(
                    f"/clubs/race-club/join-requests/{request_id}/{answer}",
                    data={"csrf_token": token})
                statuses.append(response.status_code)
        return work

    _run([worker(i) for i in range(len(clients))])
    assert statuses and all(status < 500 for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinRequest)) == 0
        members = set(db.session.scalars(sa.select(ClubMember.user_id).where(
            ClubMember.club_id == club_id)))
        # Each asker was either approved once (a member) or declined (not one): never twice.
        assert members <= set(askers) | {db.session.scalar(
            sa.select(User.id).where(User.email == e)) for e in
            ("olive@example.com", "manon@example.com")}


def test_two_owners_leaving_together_leave_the_club_one_owner(app):
    _club(app, {"olive": ClubRole.OWNER, "oscar": ClubRole.OWNER})
    clients = _clients(app, ["olive@example.com", "oscar@example.com"] * 3)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def worker(index: int):
        def work():
            client, token = clients[index]
            start.wait()
            response = client.post("/clubs/race-club/leave", data={"csrf_token": token})
            statuses.append(response.status_code)
        return work

    _run([worker(i) for i in range(len(clients))])
    assert statuses and all(status < 500 for status in statuses), statuses
    with app.app_context():
        owners = db.session.scalars(sa.select(ClubMember.user_id).where(
            ClubMember.role == ClubRole.OWNER)).all()
        assert len(owners) == 1
