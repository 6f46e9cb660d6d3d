"""Forums: categories, topics and replies, questions with accepted answers, and the FAQ."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.accounts import profiles
    from community.forums import export, models, notices, subjects, views, views_team  # noqa
    from community.forums.blueprint import bp
    from community.forums.cli import forums_cli

    app.register_blueprint(bp)
    app.cli.add_command(forums_cli)
    export.register()
    subjects.register()
    notices.register()
    profiles.register_section(profiles.Section("forums", "forums/_profile.html",
                                               views.profile_section))
