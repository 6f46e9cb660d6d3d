"""Groups: alumni-style circles of members. For now, membership (forum categories may be
restricted to a group); directory, discussions and meetups come with the groups work."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from community.groups import models  # noqa: F401  (tables)
