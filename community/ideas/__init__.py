"""Ideas: member-ranked feature requests, votes with importance, priorities, triage."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.ideas import export, models, views, views_member, views_team  # noqa: F401
    from community.ideas.blueprint import bp
    from community.ideas.cli import ideas_cli
    from community.ideas.labels import importance_label, status_label

    app.register_blueprint(bp)
    app.cli.add_command(ideas_cli)
    export.register()
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["importance_label"] = importance_label
