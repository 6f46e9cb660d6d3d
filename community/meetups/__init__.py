"""Groups' pages and their meetups: the group pages (list, page, join, requests, invitations,
members, cover), the directory, each group's discussion category, events (RSVPs, waiting
list, reminders, .ics and calendar feeds), ambassadors and the group's health. Group
membership itself is ``community/groups`` (a lower layer, which content imports); everything
here that touches forums, notifications or events lives in this domain."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.meetups import (  # noqa: F401 (tables, routes)
        cli,
        export,
        models,
        notices_ambassadors,
        notices_events,
        notices_groups,
        profile_section,
        refusals_directory,
        refusals_events,
        refusals_groups,
        rsvp_data,
        searching,
        views_directory,
        views_events,
        views_groups,
        views_team,
    )
    from community.meetups.blueprint import events_bp, groups_bp
    from community.meetups.events import when_text
    from community.meetups.forms_groups import VISIBILITY_LABELS
    from community.meetups.groups import install_commands
    from community.meetups.tabs import group_tabs
    from community.navigation import Link, register_link

    app.register_blueprint(groups_bp)
    app.register_blueprint(events_bp)
    app.cli.add_command(cli.events_cli)  # flask events remind | schedule | worker
    for part in (refusals_groups, refusals_directory, refusals_events):
        part.register()
    notices_groups.register()  # group_request, group_joined, group_invited
    notices_events.register()  # event reminders, promotion, cancellation, changes
    notices_ambassadors.register()  # group_ambassador
    profile_section.register()  # on profiles: the groups the reader may see
    export.register()  # memberships, directory card and choices, join requests
    rsvp_data.register()  # RSVPs and the calendar feed: exported, erased with the account
    searching.register()  # groups, secret ones for their members only
    register_link(Link("groups.index", _l("Groups"), 50))
    install_commands()  # `flask groups create|add-member` make whole groups (category, owner)
    app.jinja_env.globals.update(
        event_when=when_text,  # an event's time, in its own zone
        group_tabs=group_tabs,  # the group pages' tab bar
        group_visibility_label=lambda group: str(VISIBILITY_LABELS[group.visibility]))
    from community.meetups import home  # its sections of the home page (community/home.py)
    home.register()
