"""Ideas: member-ranked feature requests, votes with importance, priorities, triage."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts.models import Role
    from community.navigation import Link, members, register_link, with_role

    register_link(Link("ideas.index", _l("Ideas"), 20))
    register_link(Link("ideas.priorities_page", _l("My priorities"), 40, members))
    register_link(Link("ideas.triage_queue", _l("Triage"), 50, with_role(Role.PRODUCT)))
    from community.ideas import export, models, notices, views, views_member, views_team  # noqa
    from community.ideas import refusals
    from community.ideas.blueprint import bp
    from community.ideas.cli import ideas_cli
    from community.ideas.labels import importance_label, status_label
    from community.ideas.searching import register as register_search

    app.register_blueprint(bp)
    app.cli.add_command(ideas_cli)
    export.register()
    refusals.register()
    notices.register()
    register_search()
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["importance_label"] = importance_label
