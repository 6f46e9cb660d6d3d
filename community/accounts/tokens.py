"""Signed, expiring tokens (itsdangerous): e-mail verification, e-mail change, password reset
links, the signup form's start time and the log-in brake's device cookie."""

from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY, CHANGE_EMAIL, RESET, FORM_START = "verify-email", "change-email", "reset-password", "form"
DEVICE = "trusted-device"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"cercle-{salt}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict | None:
    """The payload of a valid, unexpired token for this purpose, else None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, UnicodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def form_start_token() -> str:
    """A signed timestamp put in the signup form when it is shown."""
    return make_token(FORM_START, {"t": time.time()})


def seconds_since_form_start(token: str | None) -> float | None:
    """Seconds since the form was shown, or None if the token is missing, forged or stale."""
    if not token:
        return None
    payload = read_token(FORM_START, token, current_app.config["SIGNUP_FORM_MAX_AGE"])
    if not payload or not isinstance(payload.get("t"), int | float):
        return None
    return max(0.0, time.time() - payload["t"])
