"""The trust blueprint: the public /trust page (every view module adds its routes here; the
domain's ``init_app`` registers it)."""

from flask import Blueprint

bp = Blueprint("trust", __name__)
