"""Site-wide pages: the home page, the health check, the language switch."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.core import views  # noqa: F401  (routes)
    from community.core.blueprint import bp

    app.register_blueprint(bp)
