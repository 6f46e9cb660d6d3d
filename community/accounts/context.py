"""What every page's layout needs from accounts (the language picker and the log-out button),
and what the activity log needs from the request (where it came from)."""

from __future__ import annotations

import secrets

from flask import current_app, g, request

from community.accounts.activity import DEVICE_COOKIE
from community.accounts.forms import LANGUAGE_CHOICES
from community.accounts.models import Role


def for_templates() -> dict:
    # The layout's two small forms (language, log out) are written in base.html with the
    # request's one CSRF token, for members only (a token puts a cookie on the response):
    # visitors' pages stay cookie-free and cacheable; their language picker is a GET that
    # only sets a cookie. No form objects: they cost more than the rest of the header.
    return {
        "current_page": request.full_path if request.query_string else request.path,
        "language_choices": LANGUAGE_CHOICES,
        "roles": Role,
    }


def note_origin() -> None:
    """Note where the request came from (its address, behind the proxy fix, and the device
    cookie) for ``activity.record``, which hashes it only if the request writes a row."""
    g.origin_seen = (request.remote_addr, request.cookies.get(DEVICE_COOKIE))


def device_for_new_browser() -> str | None:
    """A device id for a browser that sent no device cookie (None if it sent one), noted at
    once as this request's origin, so that a row the request writes (its log-in) already
    carries its hash. ``give_device`` puts it in the response."""
    if request.cookies.get(DEVICE_COOKIE):
        return None
    device = secrets.token_urlsafe(16)
    g.origin_seen = (request.remote_addr, device)
    g.pop("origin", None)  # hashed again, with the device, on next use
    return device


def give_device(response, device: str | None):
    """Set the device cookie (a year, HTTP only) when ``device_for_new_browser`` made one."""
    if device:
        response.set_cookie(DEVICE_COOKIE, device, max_age=365 * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
