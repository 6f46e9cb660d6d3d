"""The club pages' tab bar: which tabs the reader sees (the inside only for the club's members
and staff), each only once its page exists in this app."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from community.accounts.models import User
from community.clubs.models import Club
from community.roadmap import access

TABS = (
    ("overview", "clubs.show", _l("Overview"), False),
    ("members", "clubs.members", _l("Members"), True),
    ("ballot", "clubs.ballot", _l("Ballot"), False),
    ("requests", "clubs.requests", _l("What happened to our requests"), True),
)


def club_tabs(club: Club, reader: User | None) -> list[tuple[str, str, str]]:
    """(tab name, endpoint, label) for each tab ``reader`` may open on this club."""
    inside = access.sees_club_inside(reader, club)
    return [(name, endpoint, str(label)) for name, endpoint, label, private in TABS
            if endpoint in current_app.view_functions and (inside or not private)]
