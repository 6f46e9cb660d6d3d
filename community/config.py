"""Configuration read from the environment.

Every setting an operator may change is listed in README.md ("Configuration"). Defaults are
chosen so that a newcomer needs nothing: an SQLite database under ``instance/``, e-mail written
to ``instance/outbox/``, rate limits in memory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("CERCLE_INSTANCE_PATH", ROOT / "instance"))

ENVIRONMENTS = ("production", "development", "demo", "test")


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> tuple[str, ...]:
    raw = os.environ.get(name, default)
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


def secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else a random key kept in ``instance/secret_key``.

    Keeping it in a file (created once, mode 0600) means a newcomer's sessions and signed links
    survive a restart without anyone having to invent a secret.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'cercle.db'}"
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants psycopg 3 spelled out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings for a running site, read once from the environment at app creation."""

    def __init__(self) -> None:
        env = os.environ.get("CERCLE_ENV", "production").strip().lower()
        if env not in ENVIRONMENTS:
            raise RuntimeError(f"CERCLE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
        self.CERCLE_ENV = env
        self.INSTANCE_PATH = str(INSTANCE)
        self.SECRET_KEY = secret_key(INSTANCE)
        self.SQLALCHEMY_DATABASE_URI = database_url(INSTANCE)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # SQLite: seconds a write waits for the database's single write lock before the
        # request is retried, then answered "busy, try again" (503).
        self.DATABASE_BUSY_TIMEOUT = env_float("DATABASE_BUSY_TIMEOUT", 5.0)
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        self.CHECK_MIGRATIONS = env_bool("CERCLE_CHECK_MIGRATIONS", True)
        # The visitors' page cache (community/pagecache.py): on/off, the longest a kept page
        # lives (its tables' stamps expire it at once on a write), how many pages each
        # process keeps without Redis, and the largest page kept.
        self.PAGE_CACHE = env_bool("PAGE_CACHE", True)
        self.PAGE_CACHE_SECONDS = env_float("PAGE_CACHE_SECONDS", 60.0)
        self.PAGE_CACHE_ENTRIES = env_int("PAGE_CACHE_ENTRIES", 2000)
        self.PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 1_000_000)
        # Search results kept for a short while (community/search/cache.py): seconds (0: off)
        # and, without Redis, how many searches each process keeps.
        self.SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 30)
        self.SEARCH_CACHE_ENTRIES = env_int("SEARCH_CACHE_ENTRIES", 512)

        # Who counts as "Team" besides staff roles: members whose verified e-mail is at one of
        # these domains (comma-separated).
        self.COMPANY_DOMAINS = env_list("COMPANY_DOMAINS")
        self.SITE_NAME = os.environ.get("SITE_NAME", "Cercle")
        # The public address, for links in e-mails sent by commands (digests).
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

        # E-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in OUTBOX_DIR.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = env_int("MAIL_PORT", 587)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS", True)
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "cercle@localhost")
        self.OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE / "outbox"))

        # Links and sessions.
        self.VERIFY_MAX_AGE = env_int("VERIFY_MAX_AGE", 3 * 24 * 3600)
        self.RESET_MAX_AGE = env_int("RESET_MAX_AGE", 3600)
        secure = env_bool("SESSION_COOKIE_SECURE", env == "production")
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_DURATION = env_int("REMEMBER_DAYS", 30) * 24 * 3600
        self.PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
        self.PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", 0)

        # Rate limits (Flask-Limiter): memory by default, Redis when REDIS_URL is set.
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # Redis down must not lock people out: limits go on from each worker's memory (with a
        # logged warning) and return to Redis once it answers again; a lost connection
        # is noticed within half a second instead of hanging the request.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
        self.RATELIMIT_SIGNUP = os.environ.get("RATELIMIT_SIGNUP", "5 per minute;20 per hour")
        self.RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per minute;10 per hour")
        self.RATELIMIT_REPORTS = os.environ.get("RATELIMIT_REPORTS", "10 per minute;100 per day")
        self.RATELIMIT_AVATARS = os.environ.get("RATELIMIT_AVATARS", "10 per hour;30 per day")
        # The per-account brake on password guessing (community/accounts/brake.py): after this
        # many failures for one address in the window, browsers the account never logged in
        # from are refused; the owner's browsers are not.
        self.LOGIN_ACCOUNT_MAX_FAILURES = env_int("LOGIN_ACCOUNT_MAX_FAILURES", 10)
        self.LOGIN_ACCOUNT_WINDOW_SECONDS = env_int("LOGIN_ACCOUNT_WINDOW_SECONDS", 900)

        # The door: thresholds for refusing signups (see docs/TRUST.md).
        self.SIGNUP_MIN_SECONDS = env_float("SIGNUP_MIN_SECONDS", 3.0)
        self.SIGNUP_FORM_MAX_AGE = env_int("SIGNUP_FORM_MAX_AGE", 2 * 3600)
        self.SIGNUP_MAX_PER_NETWORK = env_int("SIGNUP_MAX_PER_NETWORK", 3)
        self.SIGNUP_MAX_PER_DEVICE = env_int("SIGNUP_MAX_PER_DEVICE", 3)
        self.SIGNUP_WINDOW_SECONDS = env_int("SIGNUP_WINDOW_SECONDS", 24 * 3600)
        self.SIGNUP_MAX_PER_DOMAIN = env_int("SIGNUP_MAX_PER_DOMAIN", 10)
        self.SIGNUP_DOMAIN_WINDOW_SECONDS = env_int("SIGNUP_DOMAIN_WINDOW_SECONDS", 600)
        self.SIGNUP_COUNTER_BATCH = env_int("SIGNUP_COUNTER_BATCH", 3)
        self.SIGNUP_COUNTER_WINDOW_SECONDS = env_int("SIGNUP_COUNTER_WINDOW_SECONDS", 24 * 3600)
        self.SIGNUP_RECORD_RETENTION_DAYS = env_int("SIGNUP_RECORD_RETENTION_DAYS", 30)
        # The activity log the trust detectors read (community/accounts/activity.py): kept
        # this long, then `flask trust purge` prunes it.
        self.ACTIVITY_RETENTION_DAYS = env_int("ACTIVITY_RETENTION_DAYS", 180)
        # `flask trust scan` (docs/TRUST.md): the least fused suspicion that opens a flag; a
        # full scan when none ran for this long; how far back new texts are compared; and,
        # with REDIS_URL, how often the scheduled job runs (0: not scheduled).
        self.TRUST_FLAG_AT = env_float("TRUST_FLAG_AT", 0.5)
        # Until a moderator decides, an account under an open flag scoring at least
        # TRUST_REDUCE_AT counts at most TRUST_REDUCED_WEIGHT in rankings and averages.
        self.TRUST_REDUCE_AT = env_float("TRUST_REDUCE_AT", 0.5)
        # Where a member report ranks in the flag queue, as if a detector had scored it.
        self.MODERATION_REPORT_SCORE = env_float("MODERATION_REPORT_SCORE", 0.5)
        self.TRUST_REDUCED_WEIGHT = env_float("TRUST_REDUCED_WEIGHT", 0.25)
        self.TRUST_FULL_SCAN_HOURS = env_int("TRUST_FULL_SCAN_HOURS", 24)
        self.TRUST_TEXT_WINDOW_DAYS = env_int("TRUST_TEXT_WINDOW_DAYS", 30)
        self.TRUST_SCAN_EVERY_SECONDS = env_int("TRUST_SCAN_EVERY_SECONDS", 900)
        self.TRUST_QUEUE = os.environ.get("TRUST_QUEUE", "cercle-trust")
        # Open-or-used invitation links a member may have, per trust level (new, basic,
        # member, regular): docs/TRUST.md.
        self.INVITES_BY_LEVEL = tuple(int(n) for n in env_list("INVITES_BY_LEVEL", "1,3,5,10"))
        self.INVITE_MAX_AGE_DAYS = env_int("INVITE_MAX_AGE_DAYS", 14)
        self.FOUNDING_MEMBERS = env_int("FOUNDING_MEMBERS", 100)
        # Groups: the trust level a verified member needs to create a group (until an admin
        # sets the policy on /groups/policy), and the e-mail invitations a manager may send a day.
        self.GROUP_CREATE_LEVEL = env_int("GROUP_CREATE_LEVEL", 1)
        self.GROUP_INVITES_PER_DAY = env_int("GROUP_INVITES_PER_DAY", 50)
        # Events' reminders (community/meetups/jobs.py): with REDIS_URL, how often the
        # scheduled job runs (0: not scheduled) and its RQ queue; without it, cron runs
        # `flask events remind`.
        self.EVENTS_REMIND_EVERY_SECONDS = env_int("EVENTS_REMIND_EVERY_SECONDS", 300)
        self.EVENTS_QUEUE = os.environ.get("EVENTS_QUEUE", "cercle-events")
        self.PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
        self.PASSWORD_MIN_SCORE = env_int("PASSWORD_MIN_SCORE", 3)

        # Ideas: ranking (see /ideas/ranking and community/ideas/ranking.py).
        self.TRENDING_HALF_LIFE_HOURS = env_float("TRENDING_HALF_LIFE_HOURS", 7 * 24.0)
        self.TRENDING_EPOCH = os.environ.get("TRENDING_EPOCH", "2026-11-01")
        self.ESTABLISHED_AFTER_DAYS = env_float("ESTABLISHED_AFTER_DAYS", 7.0)
        self.IDEAS_PER_PAGE = env_int("IDEAS_PER_PAGE", 25)

        # i18n
        self.LANGUAGES = ("en", "fr")
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "community" / "translations")


class TestConfig(Config):
    """Settings for the test-suite: in-memory SQLite unless a URL is given, no real waits."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, database_url: str = "sqlite://", **overrides) -> None:
        super().__init__()
        self.CERCLE_ENV = "test"
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.CHECK_MIGRATIONS = False
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.SIGNUP_MIN_SECONDS = 0.0
        self.MAIL_SERVER = ""
        for key, value in overrides.items():
            setattr(self, key, value)
