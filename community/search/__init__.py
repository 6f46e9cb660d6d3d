"""Search: one text index over what the domains register (how to index a kind, where a hit
leads, who may see it). It knows no domain."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.config import env_int
    from community.search import cache, models, views  # noqa: F401  (tables, routes)
    from community.search.blueprint import bp
    from community.search.cli import search_cli

    # The results cache (cache.py): seconds an entry lives (0: off), entries per worker
    # without Redis. Read here unless the configuration already holds them.
    app.config.setdefault("SEARCH_CACHE_SECONDS",
                          env_int("SEARCH_CACHE_SECONDS", cache.DEFAULT_SECONDS))
    app.config.setdefault("SEARCH_CACHE_ENTRIES",
                          env_int("SEARCH_CACHE_ENTRIES", cache.DEFAULT_ENTRIES))
    cache.init_app(app)

    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
