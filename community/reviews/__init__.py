"""Product reviews: admins list products; verified members rate and review them, once each;
the product page shows the trusted reviews' average and distribution, staff and discounted
reviews apart."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts import profiles, standing
    from community.accounts.models import Role
    from community.navigation import Link, register_link, with_role
    from community.reviews import (  # noqa: F401  (tables, routes)
        activity,
        export,
        models,
        queries,
        refusals,
        service,
        subjects,
        trust_sources,
        views,
        views_team,
    )
    from community.reviews.blueprint import bp
    from community.reviews.cli import reviews_cli
    from community.trust.provenance import register_discounted_counter

    app.register_blueprint(bp)
    app.cli.add_command(reviews_cli)
    export.register()  # reviews with their history, helpful marks given (no eraser: see there)
    refusals.register()
    subjects.register()  # reviews in the moderation queue; moderators hide them
    standing.register_reweigher("reviews", service.reweigh_authors)
    register_discounted_counter("reviews", queries.discounted_reviews)  # the public /trust page
    trust_sources.register()  # ratings, texts and helpful marks for the trust scan
    activity.register()  # reviews in the profile's recent activity
    profiles.register_section(profiles.Section("reviews", "reviews/_profile.html",
                                               export.profile_section))
    register_link(Link("reviews.index", _l("Reviews"), 35))
    register_link(Link("reviews.manage", _l("Products"), 60, with_role(Role.ADMIN)))
