"""Per-app registries: what the domains teach the platform in their ``init_app``.

Each registry is a dict kept on the app (``app.extensions``), so two apps in one process (the
tests build many, some with a domain of their own) never see each other's registrations.
``create_app`` runs every domain's ``init_app`` inside the app's context; a registry is read
inside a request, a command or a job, so always in an app context too.
"""

from __future__ import annotations

from flask import current_app

_KEY = "cercle.registries"


def table(name: str) -> dict:
    """The current app's registry called ``name`` (created empty on first use)."""
    return current_app.extensions.setdefault(_KEY, {}).setdefault(name, {})
