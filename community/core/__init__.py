"""Site-wide pages: the home page (its sections come from the domains, ``community/home.py``),
the health check, the language switch; and the members' visits the home page counts from."""

from __future__ import annotations

from flask import Flask

LAYER = "content"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.core import views  # routes, and the visit hook
    from community.core.blueprint import bp

    app.register_blueprint(bp)
    app.before_request(views.note_member_visit)  # a member's visits, noted once an hour
