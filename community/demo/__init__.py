"""Demo data, only ever in demo mode (``flask demo seed``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.demo.cli import demo

    app.cli.add_command(demo)
