"""Notifications: in-app rows, e-mailed at once or in a daily digest. Each domain that notifies
registers its kinds (how to word them, where they lead, who may still see them); notify knows
no domain."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from community.notify import models, views  # noqa: F401  (tables, routes)
    from community.notify.blueprint import bp
    from community.notify.cli import notify_cli
    from community.notify.service import unread_count

    app.register_blueprint(bp)
    app.cli.add_command(notify_cli)

    @app.context_processor
    def unread():
        return {"unread_count": unread_count(current_user)
                if current_user.is_authenticated else 0}
