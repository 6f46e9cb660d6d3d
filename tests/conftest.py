"""Fixtures: an app per test on a fresh database, SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import tempfile

# Before the app is imported: its configuration is read from the environment.
os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["CERCLE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="cercle-test-instance-")
for _name in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "CERCLE_ENV", "COMPANY_DOMAINS"):
    os.environ.pop(_name, None)

from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from community import create_app  # noqa: E402
from community.accounts.models import Role, User  # noqa: E402
from community.accounts.passwords import hash_password  # noqa: E402
from community.config import TestConfig  # noqa: E402
from community.extensions import db as _db  # noqa: E402
from community.timeutil import utcnow  # noqa: E402
from tests import helpers  # noqa: E402
from tests.requirements import (  # noqa: E402
    POSTGRES_URL,
    postgres_database,
    postgres_problem,
    require,
)

GOOD_PASSWORD = "violet otter canoe harbour"
_GOOD_HASH: list[str] = []
_PG_SCHEMA_READY: list[bool] = []
_PG_RUN_URL: list[str] = []


def postgres_run_url() -> str:
    """A database of this test run's own (created on first use, dropped at exit), so two runs
    on one server — a developer's and CI's, or parallel sessions — never TRUNCATE each other."""
    if not _PG_RUN_URL:
        import atexit

        url, drop = postgres_database(POSTGRES_URL, f"cercle_test_{os.getpid()}")
        atexit.register(drop)
        _PG_RUN_URL.append(url)
    return _PG_RUN_URL[0]


def good_hash() -> str:
    """One scrypt hash of GOOD_PASSWORD, reused by factories (hashing costs ~50 ms)."""
    if not _GOOD_HASH:
        _GOOD_HASH.append(hash_password(GOOD_PASSWORD))
    return _GOOD_HASH[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Every database-backed test runs once on SQLite and once on PostgreSQL."""
    if request.param == "postgresql":
        require(postgres_problem() is None, postgres_problem() or "")
    return request.param


def _reset_postgres(app) -> None:
    with app.app_context():
        if not _PG_SCHEMA_READY:
            _db.drop_all()
            with _db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            _db.create_all()
            _PG_SCHEMA_READY.append(True)
        tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def make_app(backend, tmp_path):
    """Build an app on this test's fresh database, with optional config overrides."""
    built = []

    def factory(**overrides):
        overrides.setdefault("OUTBOX_DIR", str(tmp_path / "outbox"))
        url = postgres_run_url() if backend == "postgresql" else "sqlite://"
        app = create_app(TestConfig(url, **overrides))
        if backend == "postgresql":
            _reset_postgres(app)
        else:
            with app.app_context():
                _db.create_all()
        built.append(app)
        return app

    yield factory
    for app in built:
        dispose(app)


def file_app(path, **overrides):
    """An app on an SQLite file (WAL; each thread its own connection), its tables created."""
    app = create_app(TestConfig(f"sqlite:///{path}", **overrides))
    with app.app_context():
        _db.create_all()
    return app


def dispose(app) -> None:
    """A test's last step with an app: its session ended, its connections closed."""
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def ctx(app):
    """An application context, for calling services and reading the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app, tmp_path):
    from pathlib import Path

    return Path(app.config["OUTBOX_DIR"])


def make_user(app, name="Alice Martin", email="alice@example.com", *, verified=True,
              role=Role.MEMBER, **fields) -> User:
    """A member in the database (committed, so HTTP requests see it). An account created more
    than a week ago stands for an established member (trust level member) unless the test
    gives its ``trust_level``: the tests written before trust levels age an account for that."""
    created_at = fields.get("created_at")
    if created_at is not None and "trust_level" not in fields and verified \
            and utcnow() - created_at >= timedelta(days=7):
        fields["trust_level"] = 2
    with app.app_context():
        from community.accounts.emails import normalize_email

        user = User(
            handle=fields.pop("handle", None) or name.lower().replace(" ", "-"),
            display_name=name, email=email, email_normalized=normalize_email(email),
            password_hash=good_hash(), role=role,
            email_verified_at=utcnow() if verified else None, **fields,
        )
        _db.session.add(user)
        _db.session.commit()
        _db.session.refresh(user)
        _db.session.expunge(user)
        return user


@pytest.fixture
def member(app):
    return make_user(app)


@pytest.fixture
def moderator(app):
    return make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)


@pytest.fixture
def product(app):
    return make_user(app, "Pat Product", "pat@example.com", role=Role.PRODUCT)


def login(client, email="alice@example.com", password=GOOD_PASSWORD, **extra):
    return helpers.post_form(client, "/login", {"email": email, "password": password, **extra})


@pytest.fixture
def auth(client, member):
    """The client, logged in as ``member``."""
    response = login(client)
    assert response.status_code == 302, helpers.text(response)
    return client
