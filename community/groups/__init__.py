"""Groups: alumni-style circles of members. For now, membership (forum categories may be
restricted to a group; ``membership.py`` is the condition content imports); directory,
discussions and meetups come with the groups work."""

from __future__ import annotations

from flask import Flask

LAYER = "memberships"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import data
    from community.groups import models  # noqa: F401  (tables)
    from community.groups.cli import groups_cli
    from community.groups.membership import GROUPS

    app.cli.add_command(groups_cli)
    data.register_exporter("groups", lambda user: GROUPS.export(user.id))
    data.register_eraser("groups", lambda user: GROUPS.erase(user.id))
