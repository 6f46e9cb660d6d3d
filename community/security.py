"""Security headers on every response; request bodies kept within MAX_CONTENT_LENGTH; where a
"next" link may lead."""

from __future__ import annotations

import hashlib
import hmac
import io
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request

from community.netaddr import network_of

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_body_limit(app: Flask) -> None:
    """Refuse a body over MAX_CONTENT_LENGTH with 413, whatever its transfer encoding.

    Werkzeug refuses a declared Content-Length over the limit, but a chunked body (no
    Content-Length) is only cut at the limit, and the truncated form was processed (a 3 MB
    body with the fields first saved a vote). Such a body is read here, up to one byte past
    the limit, before anything parses it; within the limit it is handed on with its length.
    Must be registered before every other ``before_request`` (CSRF reads the form).
    """

    @app.before_request
    def refuse_large_bodies():
        environ = request.environ
        if (request.content_length is not None or "wsgi.input_terminated" not in environ
                or environ.get("cercle.body_read")):
            return  # a declared length is checked by Werkzeug; no length means no body
        limit = app.config["MAX_CONTENT_LENGTH"]
        body = environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            abort(413)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["cercle.body_read"] = True  # hooks run again after a lost race


def init_security_headers(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        # No URL in Cercle contains NUL, and PostgreSQL refuses it in text: a path or query
        # string carrying one is refused here, rather than failing deep in a query. (Form
        # fields refuse control characters with a field error instead, keeping the input.)
        if "\x00" in request.path:
            abort(400)
        if request.method in ("GET", "HEAD") and any("\x00" in v for v in request.args.values()):
            abort(400)

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def safe_next(target: str | None) -> str | None:
    """A local path to go back to, never another site (open redirects) nor a header break."""
    if not target or target.startswith("//") or "\\" in target or len(target) > 2000:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


# ---- keyed hashes: addresses and devices are never stored in clear ----

def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of a value with a key derived from SECRET_KEY for this purpose."""
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, f"cercle:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def hash_ip(ip: str | None) -> tuple[str | None, str | None]:
    """(hash of the address, hash of its /24 or /48 network); (None, None) if unparsable."""
    if not ip:
        return None, None
    try:
        network = network_of(ip)
    except ValueError:
        return None, None
    return keyed_hash(ip, "ip"), keyed_hash(network, "net")
