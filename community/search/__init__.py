"""Search: one text index over what the domains register (how to index a kind, where a hit
leads, who may see it). It knows no domain."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.search import cache, models, views  # noqa: F401  (tables, routes)
    from community.search.blueprint import bp
    from community.search.cli import search_cli

    cache.init_app(app)  # SEARCH_CACHE_SECONDS, SEARCH_CACHE_ENTRIES: community/config.py

    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
