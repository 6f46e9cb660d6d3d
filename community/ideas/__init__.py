"""Ideas: member-ranked feature requests, votes with importance, priorities, triage."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts import standing
    from community.accounts.models import Role
    from community.ideas import (  # noqa: F401 (routes)
        activity,
        buttons,
        export,
        models,
        notices,
        queries,
        refusals,
        searching,
        service,
        subjects,
        trust_sources,
        views,
        views_categories,
        views_member,
        views_team,
        views_vote,
    )
    from community.ideas.blueprint import bp
    from community.ideas.cli import ideas_cli
    from community.ideas.labels import importance_label, status_label
    from community.navigation import Link, members, register_link, with_role
    from community.trust.provenance import register_discounted_counter

    app.register_blueprint(bp)
    app.cli.add_command(ideas_cli)
    export.register()  # votes, priorities, ideas and comments in a member's export
    refusals.register()
    notices.register()  # status changes, answers, merges, shipping
    searching.register()  # ideas by title and description
    trust_sources.register()  # texts of ideas and comments, votes for others' ideas
    subjects.register()  # ideas and comments in the moderation queue and the report page
    activity.register()  # ideas in the profile's recent activity
    standing.register_reweigher("ideas", service.reweigh_members)  # votes and priorities
    register_discounted_counter("ideas", queries.discounted_votes)  # the public /trust page
    register_link(Link("ideas.index", _l("Ideas"), 20))
    register_link(Link("ideas.priorities_page", _l("My priorities"), 40, members))
    register_link(Link("ideas.triage_queue", _l("Triage"), 50, with_role(Role.PRODUCT)))
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["vote_button"] = buttons.vote_button
    app.jinja_env.globals["vote_words"] = buttons.vote_words
    app.jinja_env.globals["vote_line"] = buttons.vote_line
    app.jinja_env.globals["importance_label"] = importance_label
    app.jinja_env.globals["idea_provenance"] = queries.provenance  # the idea page's line
    from community.ideas import home  # its sections of the home page (community/home.py)
    home.register()
