"""Roadmap and user clubs: the clubs' pages, ballots and requests; the public roadmap and the
changelog; the product team's side-by-side view of the crowd, the priorities and the clubs,
and the insight on each idea. Clubs' membership itself is ``community/clubs`` (a lower layer,
which content imports); everything here that touches ideas or forums lives in this domain."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.roadmap import models, refusals  # noqa: F401 (tables)
    from community.roadmap.blueprint import bp, clubs_bp

    # ---- clubs: views_clubs, notices_clubs, export ----
    # ---- ballots, side by side, insight: views_ballots, views_product ----
    # ---- roadmap items and changelog: views_roadmap, notices_roadmap, searching ----
    # ---- requests: views_requests ----

    app.register_blueprint(bp)
    app.register_blueprint(clubs_bp)
    refusals.register()
