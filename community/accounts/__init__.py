"""Accounts: members, sessions, the sign-up path (with gates other domains put on it), profile
pages (with sections other domains add), the member's export and deletion (with parts other
domains add). The lowest domain: it imports only the base layer."""

from __future__ import annotations

from flask import Flask

LAYER = "accounts"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import (  # noqa: F401
        activity,
        avatars,
        brake,
        context,
        data,
        names,
        views,
        views_settings,
    )
    from community.accounts.blueprint import bp
    from community.accounts.cli import users
    from community.accounts.sessions import load_member
    from community.extensions import login_manager

    app.register_blueprint(bp)
    app.before_request(views.note_session_use)
    app.before_request(context.note_origin)
    app.cli.add_command(users)
    brake.init_app(app)
    data.register()
    data.register_exporter("activity", activity.export)
    data.register_eraser("activity", activity.erase)
    avatars.init_app(app)  # pictures in the export and deletion; ``member_avatar``
    app.jinja_env.globals["member_name"] = names.member_name  # _macros/people.html
    login_manager.user_loader(load_member)
    app.context_processor(context.for_templates)
