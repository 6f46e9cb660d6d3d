"""Moderation: one flag queue (member reports and detector findings) and the audit log.

It depends on no domain: domains call its service (``open_flag``, ``record_action``) and teach
it how to show and hide their content with ``register_subject`` in their ``init_app``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.moderation import service, views  # noqa: F401  (routes)
    from community.moderation.blueprint import bp

    app.register_blueprint(bp)
    service.register_export()
