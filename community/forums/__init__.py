"""Forums: categories, topics and replies, questions with accepted answers, and the FAQ."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.navigation import Link, register_link

    register_link(Link("forums.index", _l("Forums"), 10))
    register_link(Link("forums.faq", _l("FAQ"), 30))
    from community.accounts import profiles
    from community.forums import export, models, notices, refusals, subjects, views, views_team  # noqa
    from community.forums.blueprint import bp
    from community.forums.cli import forums_cli
    from community.forums.searching import register as register_search

    app.register_blueprint(bp)
    app.cli.add_command(forums_cli)
    export.register()
    refusals.register()
    subjects.register()
    notices.register()
    register_search()
    profiles.register_section(profiles.Section("forums", "forums/_profile.html",
                                               views.profile_section))
