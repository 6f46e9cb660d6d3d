"""Trust and safety: the door on the sign-up path, its records, and (later) the detectors that
scan the activity log. A platform service: it imports accounts and the base, no content."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import gates
    from community.refusals import register_messages
    from community.trust import models  # noqa: F401  (tables)
    from community.trust.cli import trust_cli
    from community.trust.gate import Door
    from community.trust.messages import REFUSALS

    gates.register_gate("door", Door())
    register_messages(REFUSALS)
    app.cli.add_command(trust_cli)
