"""User clubs: customer organisations weighing in on priorities. For now, membership (forum
categories may be restricted to a club; ``membership.py`` is the condition content imports);
the roadmap work adds the rest."""

from __future__ import annotations

from flask import Flask

LAYER = "memberships"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import data
    from community.clubs import models  # noqa: F401  (tables)
    from community.clubs.cli import clubs_cli
    from community.clubs.membership import CLUBS

    app.cli.add_command(clubs_cli)
    data.register_exporter("clubs", lambda user: CLUBS.export(user.id, "organisation"))
    data.register_eraser("clubs", lambda user: CLUBS.erase(user.id))
