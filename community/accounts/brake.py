"""The per-account brake on password guessing: OWASP's "device cookies".

A browser where a member logged in (or reset their password) holds a signed cookie naming them:
their id and a random nonce. Failed log-ins for an address from browsers without a valid cookie
for that account are counted per address, under a keyed hash of the normalised address whether
or not an account uses it (so the brake tells nobody which addresses exist). After
LOGIN_ACCOUNT_MAX_FAILURES of them in LOGIN_ACCOUNT_WINDOW_SECONDS, such browsers are refused
without the password being checked, from any address; the owner's browsers log in as usual, so
a guesser with many addresses is slowed to a crawl but cannot lock the owner out. A browser's
own failures are counted against its cookie: past the same limit the cookie stops lifting the
brake, so a stolen cookie does not buy unlimited guesses either.

The counts live in the rate-limit storage (Redis with REDIS_URL, memory otherwise) through the
``limits`` library Flask-Limiter uses, in a moving window: they expire by themselves, every
worker shares them through Redis, and a guessing run writes nothing to the database. While Redis
is unreachable they go on in each worker's memory, as Flask-Limiter's own limits do
(docs/RELIABILITY.md): nobody is locked out, and the brake still holds.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from community.accounts import service, tokens
from community.accounts.emails import normalize_email
from community.accounts.models import User
from community.accounts.passwords import verify_password
from community.security import keyed_hash

log = logging.getLogger(__name__)

COOKIE = "cercle_trusted_device"
COOKIE_MAX_AGE = 365 * 24 * 3600
_COUNTERS = "cercle_login_brake"
_NAMESPACE = "cercle-login-failures"


@dataclass(frozen=True)
class LoginCheck:
    user: User | None = None  # the member, when the password was right
    braked: bool = False  # refused by the brake, the password unchecked


class _Counters:
    """Failure counts in the rate-limit storage, or in this worker's memory while the storage
    is unreachable; it is tried again after 1, 2, 4… seconds (at most a minute)."""

    def __init__(self, uri: str, options: dict) -> None:
        self._shared = MovingWindowRateLimiter(
            storage_from_string(uri, wrap_exceptions=True, **options))
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._retry_at, self._pause = 0.0, 1.0

    def below(self, limit: RateLimitItem, *key: str) -> bool:
        """Fewer than ``limit`` failures counted under ``key`` in the window."""
        return self._run("test", limit, key)

    def count(self, limit: RateLimitItem, *key: str) -> None:
        self._run("hit", limit, key)

    def _run(self, method: str, limit: RateLimitItem, key: tuple[str, ...]) -> bool:
        if time.monotonic() >= self._retry_at:
            try:
                result = getattr(self._shared, method)(limit, *key)
            except StorageError as error:
                log.warning("log-in brake: rate-limit storage unreachable (%s); counting in "
                            "this worker's memory for %.0f s", error, self._pause)
                self._retry_at = time.monotonic() + self._pause
                self._pause = min(self._pause * 2, 60.0)
            else:
                self._pause = 1.0
                return result
        return getattr(self._memory, method)(limit, *key)


def init_app(app: Flask) -> None:
    """Open this app's failure counters in the rate-limit storage."""
    app.extensions[_COUNTERS] = _Counters(app.config["RATELIMIT_STORAGE_URI"],
                                          app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))


def _trusted_nonce(device_cookie: str | None, user: User | None, counters: _Counters,
                   limit: RateLimitItem) -> str | None:
    """The nonce of this browser's device cookie if it is valid for ``user`` and not itself
    over the failure limit; else None (the browser counts as new)."""
    payload = tokens.read_token(tokens.DEVICE, device_cookie or "", COOKIE_MAX_AGE)
    if user is None or not payload or payload.get("uid") != user.id \
            or payload.get("s") != user.session_nonce:
        return None
    nonce = str(payload.get("n"))
    return nonce if counters.below(limit, _NAMESPACE, "device", nonce) else None


def check_login(email: str, password: str, device_cookie: str | None) -> LoginCheck:
    """Check a log-in through the brake (module docstring); count it if the password is wrong."""
    cfg = current_app.config
    counters = current_app.extensions[_COUNTERS]
    limit = RateLimitItemPerSecond(cfg["LOGIN_ACCOUNT_MAX_FAILURES"],
                                   cfg["LOGIN_ACCOUNT_WINDOW_SECONDS"])
    user = service.find_by_email(email) if "@" in email else None
    nonce = _trusted_nonce(device_cookie, user, counters, limit)
    if nonce:
        counter = (_NAMESPACE, "device", nonce)
    else:
        counter = (_NAMESPACE, "account", keyed_hash(normalize_email(email), "login"))
        if not counters.below(limit, *counter):
            return LoginCheck(braked=True)
    if verify_password(user.password_hash if user else None, password):
        return LoginCheck(user=user)
    counters.count(limit, *counter)
    return LoginCheck()


def trust_browser(response, user: User) -> None:
    """Give this browser a device cookie for the member (a log-in or a password reset)."""
    # "s": the member's session nonce, which a password change or reset renews: a device
    # cookie stolen before then stops lifting the brake.
    value = tokens.make_token(tokens.DEVICE, {"uid": user.id, "s": user.session_nonce,
                                              "n": secrets.token_urlsafe(12)})
    response.set_cookie(COOKIE, value, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
