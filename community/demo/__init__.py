"""Demo data, only ever in demo mode (``flask demo seed``)."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.demo.cli import demo

    app.cli.add_command(demo)
