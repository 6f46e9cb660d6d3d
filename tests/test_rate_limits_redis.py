"""With REDIS_URL set, rate limits are shared by every worker (two apps stand in for two
gunicorn workers) through the real Redis."""

import uuid

import pytest

from community import create_app
from community.config import TestConfig
from tests.conftest import login
from tests.requirements import REDIS_URL, redis_problem, require


@pytest.fixture
def redis_url():
    require(redis_problem() is None, redis_problem() or "")
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()


def test_login_limit_is_shared_between_workers_through_redis(redis_url, tmp_path):
    settings = dict(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url,
                    RATELIMIT_LOGIN="3 per minute", RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    worker_a = create_app(TestConfig(f"sqlite:///{tmp_path / 'a.db'}", **settings))
    worker_b = create_app(TestConfig(f"sqlite:///{tmp_path / 'a.db'}", **settings))
    from community.extensions import db

    with worker_a.app_context():
        db.create_all()
    statuses = []
    for worker in (worker_a, worker_b, worker_a, worker_b):
        statuses.append(login(worker.test_client(), "x@example.com", "wrong password").status_code)
    assert statuses == [422, 422, 422, 429]
    import redis

    keys = redis.Redis.from_url(redis_url).keys(f"*{settings['RATELIMIT_KEY_PREFIX']}*")
    assert keys, "the counters must live in Redis, not in a worker's memory"


def test_config_uses_redis_for_limits_when_redis_url_is_set(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    from community.config import Config

    assert Config().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    monkeypatch.delenv("REDIS_URL")
    assert Config().RATELIMIT_STORAGE_URI == "memory://"
