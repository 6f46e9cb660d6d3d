"""Moderation: one flag queue (member reports and detector findings) and the audit log.

It depends on no domain: domains call its service (``open_flag``, ``record_action``) and teach
it how to show and hide their content with ``register_subject`` in their ``init_app``.
"""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.accounts.models import Role
    from community.moderation import (  # noqa: F401  (routes)
        actions,
        hidden,
        refusals,
        service,
        views,
        views_actions,
        views_report,
    )
    from community.moderation.blueprint import bp
    from community.moderation.forms import menu_badge_label
    from community.navigation import Link, register_link, with_role

    app.register_blueprint(bp)
    service.register_export()  # the flags a member filed
    refusals.register()
    actions.register()  # the words of the account actions' refusals
    # ("account", id): detectors flag accounts, members report profiles.
    service.register_subject(service.ACCOUNT, service.account_subject())
    # The number of flagged items waiting, beside the link (one COUNT, for moderators only).
    register_link(Link("moderation.index", _l("Moderation"), 60, with_role(Role.MODERATOR),
                       badge=lambda reader: service.open_subject_count(),
                       badge_label=menu_badge_label))
    # "Report" links on any page: {{ report_url("idea", idea.id) }} (an app built without
    # moderation has no such global: templates below it test ``report_url is defined``).
    app.jinja_env.globals["report_url"] = views_report.report_url
    # Why a moderator hid something, for pages that show it to its author and the moderators:
    # {{ hide_reason("review", review.id) }} (issue #15).
    app.jinja_env.globals["hide_reason"] = hidden.hide_reason
