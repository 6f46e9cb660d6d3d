"""Groups: alumni-style circles of members. For now, membership (forum categories may be
restricted to a group; ``membership.py`` is the condition content imports); directory,
discussions and meetups come with the groups work."""

from __future__ import annotations

from flask import Flask

LAYER = "memberships"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.groups import models  # noqa: F401  (tables)
    from community.groups.cli import groups_cli

    app.cli.add_command(groups_cli)
    # The member's data (memberships with their directory choices, the directory card, join
    # requests; erased with the account, each group recounted and kept with an owner) is
    # registered by community/meetups/export.py, which also sees the groups' events.
