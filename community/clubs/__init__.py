"""User clubs: customer organisations weighing in on priorities. For now, membership (forum
categories may be restricted to a club); the roadmap work adds the rest."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.clubs import models  # noqa: F401  (tables)
