"""A member's data is theirs: profile edits, the JSON export, and deletion.

Other domains add their part of the export with :func:`register_exporter` (ideas add the votes
a member cast, forums their posts), so the export stays complete as Cercle grows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from community import registry
from community.accounts import invitations, sessions
from community.accounts.models import User
from community.extensions import db
from community.timeutil import iso as _iso
from community.timeutil import utcnow

Exporter = Callable[[User], object]


def register_exporter(name: str, exporter: Exporter) -> None:
    """Add a section to every member's export (``exporter(user)`` returns JSON-able data)."""
    registry.table("exports")[name] = exporter


def register_eraser(name: str, eraser: Callable[[User], None]) -> None:
    """Add a step to account deletion: a domain removes what is personal and not a contribution
    (what the member watches or read, their memberships); contributions stay, anonymised."""
    registry.table("erasers")[name] = eraser


def register_profile_listener(name: str, listener: Callable[[User], None]) -> None:
    """Be told, in the same transaction, that a member's profile (their display name) changed:
    a domain that keeps a copy for searching (a group directory's search text) rewrites it."""
    registry.table("profile_listeners")[name] = listener


def update_profile(user: User, **fields: str | None) -> None:
    """Set the optional profile fields; empty strings are stored as nothing."""
    for name in ("display_name", "bio", "company", "location", "locale"):
        if name in fields:
            value = (fields[name] or "").strip() or None
            if name == "display_name" and value is None:
                continue  # a display name is required while the account exists
            setattr(user, name, value)
    db.session.flush()
    for listener in registry.table("profile_listeners").values():
        listener(user)


def _profile(user: User) -> dict:
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "email": user.email,
        "email_verified_at": _iso(user.email_verified_at),
        "role": user.role.value,
        "bio": user.bio,
        "company": user.company,
        "location": user.location,
        "locale": user.locale,
        "founding_number": user.founding_number,
        "created_at": _iso(user.created_at),
        "last_seen_at": _iso(user.last_seen_at),
        "previous_visit_at": _iso(user.previous_visit_at),
    }


def _invitations(user: User) -> list[dict]:
    return [
        {
            "note": i.note,
            "created_at": _iso(i.created_at),
            "expires_at": _iso(i.expires_at),
            "state": i.state,
            "used_at": _iso(i.used_at),
        }
        for i in invitations.invitations_of(user)
    ]


def register() -> None:
    """The accounts' own sections of the export."""
    register_exporter("profile", _profile)
    register_exporter("invitations_sent", _invitations)


def export_member_data(user: User) -> dict:
    """Everything the member wrote and did, as one JSON-able document."""
    # /2: memberships in "clubs" and "groups" (with join dates), once in "groups_and_clubs".
    document = {"format": "cercle-export/2", "exported_at": _iso(utcnow())}
    for name, exporter in registry.table("exports").items():
        document[name] = exporter(user)
    return document


def delete_account(user: User) -> None:
    """Remove the member's personal data; what they wrote stays, shown as "deleted member"."""
    for invitation in invitations.invitations_of(user):
        if invitation.state == "open":
            invitation.revoked_at = utcnow()
    user.display_name = None
    user.email = None
    user.email_normalized = None
    user.bio = user.company = user.location = user.locale = None
    user.password_hash = "!deleted"
    user.session_nonce = secrets.token_hex(8)
    sessions.end_all_sessions(user)
    user.handle = f"deleted-{user.id}"
    user.founding_number = None
    user.last_seen_at = user.previous_visit_at = None
    user.deleted_at = utcnow()
    for eraser in registry.table("erasers").values():
        eraser(user)
    db.session.flush()
