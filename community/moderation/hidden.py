"""Why content was hidden, for its author: the reason a moderator gave when hiding it, read
back from the audit log (the last hiding action on the subject). Whoever shows hidden content
decides who may read the reason (its author and the moderators); this module only finds it."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from community.extensions import db
from community.moderation.models import AuditEntry


def _hiding_actions(subject_type: str) -> tuple[str, ...]:
    # A domain records "<type>.hide" when it hides; the queue records "flag.hide" with the same
    # note after calling the domain's hide.
    return (f"{subject_type}.hide", "flag.hide")


def hide_reasons(subject_type: str, ids: Iterable[int]) -> dict[int, str]:
    """``{id: reason}`` for these subjects' last hiding (an empty reason when none was given);
    one query however many ids."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    last = (sa.select(sa.func.max(AuditEntry.id))
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id.in_(ids),
                   AuditEntry.action.in_(_hiding_actions(subject_type)))
            .group_by(AuditEntry.subject_id))
    rows = db.session.execute(sa.select(AuditEntry.subject_id, AuditEntry.reason)
                              .where(AuditEntry.id.in_(last)))
    return {subject_id: reason or "" for subject_id, reason in rows}


def hide_reason(subject_type: str, subject_id: int) -> str:
    """The reason of one subject's last hiding, or an empty string."""
    return hide_reasons(subject_type, [subject_id]).get(subject_id, "")
