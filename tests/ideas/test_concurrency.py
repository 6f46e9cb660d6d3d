"""20 threads x 50 votes/unvotes on the same ideas through the app, on PostgreSQL: afterwards
the counters equal a recount and no member has two votes."""

import random
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.ideas import service
from community.ideas.models import Idea, Vote
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.ideas.factories import make_idea

THREADS, OPERATIONS, MEMBERS = 20, 50, 10


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_concurrent_votes_keep_counters_equal_to_a_recount(app):
    members = [make_user(app, f"Voter {chr(65 + i)}", f"voter{i}@example.com",
                         created_at=utcnow() - timedelta(days=30 * (i % 2)))
               for i in range(MEMBERS)]
    ideas = [make_idea(app, members[0].id, f"Shared idea {n}") for n in range(3)]
    clients = []
    for i in range(THREADS):  # two threads per member: the same member races with itself
        client = app.test_client()
        login(client, f"voter{i % MEMBERS}@example.com")
        token = hidden_fields(text(client.get("/ideas")))["csrf_token"]
        clients.append((client, token))
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        client, token = clients[index]
        rng = random.Random(index)
        start.wait()
        for _ in range(OPERATIONS):
            idea_id = rng.choice(ideas)
            if rng.random() < 0.6:
                data = {"csrf_token": token, "importance": str(rng.randint(1, 3))}
                response = client.post(f"/ideas/{idea_id}/vote", data=data)
            else:
                response = client.post(f"/ideas/{idea_id}/unvote", data={"csrf_token": token})
            if response.status_code != 302:
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
        total_votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
        assert total_votes > 0
        for idea_id in ideas:
            idea = db.session.get(Idea, idea_id)
            assert service.stored(idea) == service.counted(idea_id), idea_id
