"""Cercle: a community and co-creation platform. ``create_app`` wires it together."""

from __future__ import annotations

import importlib
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from community import database, freshness, ids, pagecache, security
from community.config import ROOT, Config
from community.extensions import db

# The domains, lowest layer first (docs/ARCHITECTURE.md). Each is a package whose
# ``init_app(app)`` registers what it brings: blueprint, CLI group, its part of a member's
# export and deletion, moderation subjects, notification and search kinds, profile sections,
# refusal messages. A new domain is its folder plus one line here.
DOMAINS = (
    "community.accounts",
    "community.trust",
    "community.moderation",
    "community.notify",
    "community.search",
    "community.clubs",
    "community.groups",
    "community.ideas",
    "community.forums",
    "community.reviews",
    "community.roadmap",
    "community.meetups",
    "community.demo",
    "community.core",
)


class Cercle(Flask):
    """Flask, with a request that lost a race with a concurrent write (in a ``before_request``
    hook, such as loading the member, or in its view) run again as a writer
    (``community/database.py``): members see their change saved, never a 500."""

    def preprocess_request(self):
        return database.run_retrying(super().preprocess_request, db.session.rollback)

    def dispatch_request(self):
        return database.run_retrying(super().dispatch_request, db.session.rollback)

    def process_response(self, response):
        """The complete response (its cookies included) is what the visitors' page cache
        decides on keeping (``community/pagecache.py``)."""
        return pagecache.keep(super().process_response(response))


def create_app(config: object | None = None, domains: tuple[str, ...] = DOMAINS) -> Flask:
    """Build the app: configuration, extensions, error pages, then each domain's ``init_app``
    (``domains`` is for tests that plug in a domain of their own)."""
    app = Cercle(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config or Config())
    ids.init_app(app)  # before the blueprints: their <int:…> routes use its converter
    logging.basicConfig(level=logging.INFO)
    if app.config["PROXY_FIX_X_FOR"]:
        n = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    security.init_body_limit(app)  # first: before CSRF or anything reads the body
    _init_extensions(app)
    pagecache.init_app(app)  # after the rate limits: a kept page is still a request counted

    from community import errors, forms, templating

    forms.init_app(app)
    errors.init_error_handlers(app)
    security.init_security_headers(app)
    templating.init_templating(app)
    with app.app_context():  # registries live on the app (community/registry.py)
        for name in domains:
            importlib.import_module(name).init_app(app)

    if app.config["CHECK_MIGRATIONS"]:
        from community import dbcheck

        if not dbcheck.is_maintenance_command():
            with app.app_context():
                try:
                    dbcheck.check_migrated(db.engine)
                finally:
                    # Forked workers (gunicorn) must not inherit this connection.
                    db.engine.dispose()
    return app


def _init_extensions(app: Flask) -> None:
    from community import i18n
    from community.extensions import babel, csrf, db, limiter, login_manager, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # No server-side prepared statements (psycopg prepares a query after 5 runs): their
        # generic plans cannot see a search's words, and PostgreSQL then chose a GIN bitmap
        # over 700,000 rows for a common word (2.7 s instead of 14 ms at 1M posts). Custom
        # plans cost a little planning on every query; they also work behind PgBouncer.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("prepare_threshold", None)
    db.init_app(app)
    with app.app_context():
        database.init_engine(db.engine, app.config["DATABASE_BUSY_TIMEOUT"])
        freshness.init_engine(app, db.engine, db.metadata)
    from community.search.models import include_name, include_object

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_object=include_object, include_name=include_name)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
