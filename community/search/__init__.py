"""Search: one text index over what the domains register (how to index a kind, where a hit
leads, who may see it). It knows no domain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.search import models, views  # noqa: F401  (tables, routes)
    from community.search.blueprint import bp

    app.register_blueprint(bp)
