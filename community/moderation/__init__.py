"""Moderation: one flag queue (member reports and detector findings) and the audit log.

It depends on no domain: domains call its service (``open_flag``, ``record_action``) and teach
it how to show and hide their content with ``register_subject`` in their ``init_app``.
"""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts.models import Role
    from community.moderation import refusals, service, views  # noqa: F401  (routes)
    from community.moderation.blueprint import bp
    from community.navigation import Link, register_link, with_role

    app.register_blueprint(bp)
    service.register_export()  # the flags a member filed
    refusals.register()
    register_link(Link("moderation.index", _l("Moderation"), 60, with_role(Role.MODERATOR)))
