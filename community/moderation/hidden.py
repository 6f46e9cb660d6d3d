"""Why content is hidden, in words its author may read: the kinds of report that led a
moderator to hide it ("Spam or advertising", "Off topic"), read back from the audit log.

Only the report kinds are ever shown, never a moderator's note: notes were written for the
other moderators ("Note (kept in the audit log)") and may name reporters or other accounts.
The newest of the subject's hide / unhide / restore entries decides: content shown again and
later hidden some other way (a suspension writes no hide entry) gives no stale reason; a hide
without reports (a moderator's own judgement) gives an empty reason, and the page says only
that a moderator hid it. Whoever shows hidden content decides who may read this (its author
and the moderators); this module only finds it, in one query however many subjects."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from community.extensions import db
from community.moderation.forms import REASON_LABELS
from community.moderation.models import AuditEntry, FlagReason


def _actions(subject_type: str) -> tuple[str, ...]:
    # A domain records "<type>.hide" / "<type>.unhide"; the queue records "flag.hide" (with the
    # reports' kinds in its data) after calling the domain's hide, and "flag.restore".
    return (f"{subject_type}.hide", f"{subject_type}.unhide", "flag.hide", "flag.restore")


def _words(data: dict | None) -> str:
    counts = (data or {}).get("reasons") or {}
    kinds = sorted(counts, key=lambda k: (-int(counts[k] or 0), k))
    labels = [str(REASON_LABELS[FlagReason(k)]) for k in kinds
              if k in FlagReason._value2member_map_ and FlagReason(k) is not FlagReason.DETECTOR]
    return ", ".join(labels)


def hide_reasons(subject_type: str, ids: Iterable[int]) -> dict[int, str]:
    """``{id: reason}`` for these subjects, as their author may read it (see above); an empty
    reason when the last action was no hide after reports."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    last = (sa.select(sa.func.max(AuditEntry.id))
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id.in_(ids),
                   AuditEntry.action.in_(_actions(subject_type)))
            .group_by(AuditEntry.subject_id))
    rows = db.session.execute(sa.select(AuditEntry.subject_id, AuditEntry.action,
                                        AuditEntry.data).where(AuditEntry.id.in_(last)))
    return {subject_id: _words(data) if action == "flag.hide" else ""
            for subject_id, action, data in rows}


def hide_reason(subject_type: str, subject_id: int) -> str:
    """One subject's reason, or an empty string."""
    return hide_reasons(subject_type, [subject_id]).get(subject_id, "")
