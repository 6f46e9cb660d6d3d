"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, abort, request

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


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
