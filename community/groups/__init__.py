"""Groups: alumni-style circles of members: their rows (``models.py``), who sees what
(``access.py``), the membership condition content imports (``membership.py``) and the
directory (``directory.py``). The pages, events and discussions are ``community/meetups``."""

from __future__ import annotations

from flask import Flask

LAYER = "memberships"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import data
    from community.groups import directory, models  # noqa: F401  (tables)
    from community.groups.cli import groups_cli

    app.cli.add_command(groups_cli)
    directory.install()  # new memberships get their search text
    data.register_profile_listener("group_directories", directory.refresh_member)
    # The member's data (memberships with their directory choices, the directory card, join
    # requests; erased with the account, each group recounted and kept with an owner) is
    # registered by community/meetups/export.py, which also sees the groups' events.
