"""Trust and safety: the door on the sign-up path, its records, and the detectors that scan the
activity log and open flags (docs/TRUST.md). A platform service: it imports accounts, the
base and moderation (a platform service too), never a content domain."""

from __future__ import annotations

from flask import Flask

LAYER = "platform"  # docs/ARCHITECTURE.md: it imports only its layer and those below


def init_app(app: Flask) -> None:
    from community.accounts import gates
    from community.refusals import register_messages
    from community.trust import models, scan  # noqa: F401  (tables)
    from community.trust.cli import trust_cli
    from community.trust.gate import Door
    from community.trust.messages import REFUSALS

    gates.register_gate("door", Door())
    register_messages(REFUSALS)
    app.cli.add_command(trust_cli)
