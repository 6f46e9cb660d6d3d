"""The cheap detectors, run on write in the writer's transaction: an impossible testimonial is
flagged the moment it is posted, and a burst the moment a subject's votes outrun their own
baseline. The scan (``trust/scan.py``) finds the same things later; a flag opened here is the
same flag it refreshes (``open_detector_flag`` under the detector name ``trust``).

Content domains call in (``after_text`` from reviews and posts, ``after_vote`` from ideas);
trust imports none of them. Each check costs at most a couple of indexed queries: the burst
counter reads the subject's last window from the activity log first, and only when that window
holds enough votes does it read the baseline and run the detector.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from community.accounts.activity import Activity, ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.moderation import service as moderation
from community.timeutil import utcnow
from community.trust import pipeline
from community.trust.combiner import Combined
from community.trust.detectors import bursts, testimonials
from community.trust.scan import FLAG_DETECTOR

BURST_KINDS = (ActivityKind.VOTE_CAST, ActivityKind.REVIEW_WRITTEN)


def _flag(subject: tuple[str, int], findings) -> None:
    if not findings:
        return
    combined = Combined(findings)
    suspicion = combined.own(subject)
    if suspicion < current_app.config["TRUST_FLAG_AT"]:
        return
    evidence = {**combined.evidence(subject, suspicion), "on_write": True}
    moderation.open_detector_flag(FLAG_DETECTOR, subject[0], subject[1], round(suspicion, 3),
                                  evidence)


def after_text(subject: tuple[str, int], author: User, text: str,
               product_launched_at: datetime | None = None,
               at: datetime | None = None, claimed_since: datetime | None = None) -> None:
    """Check a new or edited text (and a review's "using it since") for an impossible claim
    of use."""
    found = testimonials.detect([testimonials.Testimonial(
        subject=subject, account_id=author.id, text=text, written_at=at or utcnow(),
        account_created_at=author.created_at, product_launched_at=product_launched_at,
        claimed_since=claimed_since)])
    _flag(subject, found)


def after_vote(subject: tuple[str, int], now: datetime | None = None) -> None:
    """The burst counter: when the subject's last window holds ``min_events`` votes, run the
    burst detector over its window and baseline."""
    settings = pipeline.Settings().bursts
    now = now or utcnow()
    window_start = now - settings.window
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.subject_type == subject[0], Activity.subject_id == subject[1],
        Activity.kind.in_(BURST_KINDS), Activity.at >= window_start))
    if recent < settings.min_events:
        return
    rows = db.session.execute(
        sa.select(Activity.user_id, Activity.at, User.created_at)
        .join(User, User.id == Activity.user_id)
        .where(Activity.subject_type == subject[0], Activity.subject_id == subject[1],
               Activity.kind.in_(BURST_KINDS),
               Activity.at >= window_start - settings.baseline)
        .order_by(Activity.at))
    actions = [bursts.Action(subject, user_id, at, created) for user_id, at, created in rows]
    _flag(subject, bursts.detect(actions, settings))
