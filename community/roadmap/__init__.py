"""Roadmap and user clubs: the clubs' pages, ballots and requests; the public roadmap and the
changelog; the product team's side-by-side view of the crowd, the priorities and the clubs,
and the insight on each idea. Clubs' membership itself is ``community/clubs`` (a lower layer,
which content imports); everything here that touches ideas or forums lives in this domain."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.navigation import Link, register_link
    from community.roadmap import (  # noqa: F401 (tables, routes)
        export,
        models,
        notices_clubs,
        notices_roadmap,
        refusals,
        searching,
        views_ballots,
        views_clubs,
        views_product,
        views_requests,
        views_roadmap,
    )
    from community.roadmap import items as roadmap_items
    from community.roadmap.blueprint import bp, clubs_bp
    from community.roadmap.tabs import club_tabs

    app.register_blueprint(bp)
    app.register_blueprint(clubs_bp)
    refusals.register()
    notices_clubs.register()  # club_request, club_joined
    notices_roadmap.register()  # roadmap_linked, roadmap_moved, club_shipped
    export.register()  # pending join requests: exported, erased with the account
    searching.register()  # roadmap items, members-only ones for members
    register_link(Link("roadmap.board", _l("Roadmap"), 25))
    register_link(Link("clubs.index", _l("Clubs"), 45))
    app.jinja_env.globals.update(club_tabs=club_tabs,  # the club pages' tab bar
                                 roadmap_where=roadmap_items.where_of,
                                 roadmap_status=roadmap_items.status_of,
                                 roadmap_excerpt=roadmap_items.excerpt)
    from community.roadmap import home  # its sections of the home page (community/home.py)
    home.register()
