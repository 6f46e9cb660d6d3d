"""Server-side sessions: one row per logged-in browser, so that logging out really ends it.

Flask-Login keeps an id in the session cookie and, with "remember me", in a long-lived cookie:
``"<user id>:<session nonce>:<token>"``. The token is random and the database keeps only its
SHA-256 (``MemberSession``), as Discourse's user_auth_tokens and GitHub's sessions do. An id
loads its member only while the row exists and was used within REMEMBER_DAYS, so:

* logging out deletes this browser's row: every copy of its session or "remember me" cookie,
  wherever it was taken, stops working;
* "Log out everywhere", a password change and account deletion delete all the member's rows;
* ``purge_idle_sessions`` (daily) deletes the rows idle for longer than REMEMBER_DAYS, which
  the loader already refuses.

Like services, these functions flush and never commit: the caller commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g

from community.accounts import activity
from community.accounts.models import MemberSession, User
from community.extensions import db
from community.timeutil import utcnow

# last_seen_at is written at most this often: one write an hour per browser, not one per page.
SEEN_RESOLUTION = timedelta(hours=1)
_SESSION_ID = re.compile(r"([0-9]{1,18}):([^:]{1,32}):([A-Za-z0-9_-]{32,64})")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_cutoff():
    """Sessions last used before this have ended: REMEMBER_DAYS, the remember cookie's life."""
    return utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])


def start_session(user: User) -> None:
    """Open a session for this browser; ``login_user(user)`` then carries its token in the id.
    Each session opened is a log-in in the activity log (after the right password, or on the
    first opening of the verification link in the browser that signed up): a failed log-in
    opens none, so writes no row."""
    token = secrets.token_urlsafe(32)
    db.session.add(MemberSession(user_id=user.id, token_hash=_digest(token)))
    activity.record(user.id, activity.ActivityKind.LOGIN)
    db.session.flush()
    user.session_token = token


# Built once: every signed-in request runs it (building and keying it cost more than the query).
_LOAD_MEMBER = (
    sa.select(User, MemberSession)
    .join(MemberSession, MemberSession.user_id == User.id)
    .where(User.id == sa.bindparam("user_id"), User.session_nonce == sa.bindparam("nonce"),
           User.deleted_at.is_(None), User.suspended_at.is_(None),
           MemberSession.token_hash == sa.bindparam("digest"),
           MemberSession.last_seen_at > sa.bindparam("cutoff")))


def load_member(session_id: str) -> User | None:
    """Flask-Login's user loader: the member whose open session this id names, else None.

    One query reads the member with the session row; ids of the older "id:nonce" form, or of
    a deleted, logged-out or idle session, load nobody.
    """
    match = _SESSION_ID.fullmatch(session_id)
    if match is None:
        return None
    user_id, nonce, token = match.groups()
    found = db.session.execute(_LOAD_MEMBER, {
        "user_id": int(user_id), "nonce": nonce, "digest": _digest(token),
        "cutoff": _idle_cutoff()}).first()
    if found is None:
        return None
    user, g.member_session = found
    user.session_token = token
    return user


def note_use() -> bool:
    """Move the loaded session's last use to now if it is an hour old; True if it moved."""
    member_session = g.get("member_session")
    now = utcnow()
    if member_session is None or now - member_session.last_seen_at < SEEN_RESOLUTION:
        return False
    member_session.last_seen_at = now
    db.session.flush()
    return True


def end_session(user: User) -> None:
    """Log this browser out for good: its row goes, and every copy of its cookies with it."""
    db.session.execute(sa.delete(MemberSession).where(
        MemberSession.user_id == user.id,
        MemberSession.token_hash == _digest(user.session_token or ""),
    ))


def end_all_sessions(user: User) -> int:
    """Log the member out on every browser (this one included); return how many ended."""
    result = db.session.execute(sa.delete(MemberSession).where(MemberSession.user_id == user.id))
    return result.rowcount


def purge_idle_sessions() -> int:
    """Delete the sessions unused for longer than REMEMBER_DAYS; return how many."""
    result = db.session.execute(
        sa.delete(MemberSession).where(MemberSession.last_seen_at <= _idle_cutoff())
    )
    return result.rowcount
