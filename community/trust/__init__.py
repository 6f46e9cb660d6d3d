"""Trust and safety: the door on the sign-up path, its records, and the detectors that scan the
activity log and open flags (docs/TRUST.md). A platform service: it imports accounts, the
base and moderation (a platform service too), never a content domain."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts import gates
    from community.navigation import Link, register_link
    from community.refusals import register_messages
    from community.trust import (  # noqa: F401  (tables)
        models,
        scan,
        views_member,  # noqa: F401  (/settings/standing)
    )
    from community.trust.blueprint import bp
    from community.trust.cli import trust_cli
    from community.trust.gate import Door
    from community.trust.labels import level_label
    from community.trust.messages import REFUSALS
    from community.trust.views import note_visit  # and the /trust page's route

    app.register_blueprint(bp)
    gates.register_gate("door", Door())
    register_messages(REFUSALS)
    app.cli.add_command(trust_cli)
    app.jinja_env.globals["trust_level_label"] = level_label  # one name per level
    app.before_request(note_visit)  # a day visited, and the level, on the first visit a day
    # The public figures (/trust), for everyone, last in the menu; content domains give their
    # discounted counts (``provenance.register_discounted_counter``).
    register_link(Link("trust.figures", _l("Trust figures"), 90))
