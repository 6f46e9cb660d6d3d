"""The roadmap domain's blueprints: ``roadmap`` (the board, the changelog and its feed, the
product team's side-by-side view and idea insight) and ``clubs`` (the clubs' pages, ballots
and requests). Every view module adds its routes to one of these; ``init_app`` registers both
(no view module registers anything when imported)."""

from flask import Blueprint

bp = Blueprint("roadmap", __name__)
clubs_bp = Blueprint("clubs", __name__)
