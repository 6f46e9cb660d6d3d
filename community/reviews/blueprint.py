"""The reviews blueprint: every view module of the domain adds its routes to this one object,
and the domain's ``init_app`` registers it (no view module registers anything when imported)."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)
