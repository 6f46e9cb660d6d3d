"""Forums: categories, topics and replies, questions with accepted answers, and the FAQ."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts import profiles
    from community.forums import (  # noqa: F401  (tables, routes)
        access,
        activity,
        export,
        models,
        notices,
        refusals,
        searching,
        subjects,
        trust_sources,
        views,
        views_team,
    )
    from community.forums.blueprint import bp
    from community.forums.cli import forums_cli
    from community.navigation import Link, register_link

    app.register_blueprint(bp)
    app.cli.add_command(forums_cli)
    export.register()  # posts, helpful marks, watches; erases watches and reading positions
    refusals.register()
    subjects.register()  # posts, topics and FAQ entries in the moderation queue
    notices.register()  # replies, mentions, accepted answers
    searching.register()  # topics, replies, FAQ entries
    trust_sources.register()  # texts of posts, replies and helpful marks between members
    activity.register()  # topics and replies in the profile's recent activity
    profiles.register_section(profiles.Section("forums", "forums/_profile.html",
                                               views.profile_section))
    register_link(Link("forums.index", _l("Forums"), 10))
    register_link(Link("forums.faq", _l("FAQ"), 30))
    from community.forums import home  # its sections of the home page (community/home.py)
    home.register()
