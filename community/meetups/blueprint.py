"""The meetups domain's blueprints: ``groups`` (the groups' pages, directory, ambassadors and
health) and ``events`` (events, RSVPs, .ics files and calendar feeds). Every view module adds
its routes to one of these; ``init_app`` registers both (no view module registers anything
when imported)."""

from flask import Blueprint

groups_bp = Blueprint("groups", __name__)
events_bp = Blueprint("events", __name__)
