"""Trust use cases: hashing what identifies a visitor, judging signups, logging refusals."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from community.extensions import db
from community.security import hash_ip, keyed_hash
from community.timeutil import utcnow
from community.trust import door
from community.trust.models import SignupRecord, TrustEvent, TrustEventKind


def limits_from_config() -> door.DoorLimits:
    cfg = current_app.config
    return door.DoorLimits(
        min_seconds=cfg["SIGNUP_MIN_SECONDS"],
        max_per_network=cfg["SIGNUP_MAX_PER_NETWORK"],
        max_per_device=cfg["SIGNUP_MAX_PER_DEVICE"],
        max_per_domain=cfg["SIGNUP_MAX_PER_DOMAIN"],
        counter_batch=cfg["SIGNUP_COUNTER_BATCH"],
    )


def _count(column, value, seconds: int) -> int:
    if value is None:
        return 0
    since = utcnow() - timedelta(seconds=seconds)
    query = sa.select(sa.func.count()).where(column == value, SignupRecord.created_at >= since)
    return db.session.scalar(query)


def recent_counts(*, net_hash, device_hash, domain, name_stem, email_stem, duplicate):
    """Count accepted signups in the configured windows that share a trait with this one."""
    cfg = current_app.config
    window, counter_window = cfg["SIGNUP_WINDOW_SECONDS"], cfg["SIGNUP_COUNTER_WINDOW_SECONDS"]
    return door.RecentCounts(
        same_network=_count(SignupRecord.net_hash, net_hash, window),
        same_device=_count(SignupRecord.device_hash, device_hash, window),
        same_domain=_count(
            SignupRecord.email_domain, domain, cfg["SIGNUP_DOMAIN_WINDOW_SECONDS"]
        ),
        same_name_stem=_count(SignupRecord.name_stem, name_stem, counter_window),
        same_email_stem=_count(SignupRecord.email_stem, email_stem, counter_window),
        duplicate_email=duplicate,
    )


def log_event(kind: TrustEventKind, rule: str, *, ip=None, device=None, domain=None,
              detail: dict | None = None) -> TrustEvent:
    """Write one TrustEvent (hashed identifiers only) and return it."""
    ip_hash, net_hash = hash_ip(ip)
    event = TrustEvent(
        kind=kind,
        rule=rule,
        ip_hash=ip_hash,
        net_hash=net_hash,
        device_hash=keyed_hash(device, "device") if device else None,
        email_domain=domain,
        detail=detail or {},
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_signup(*, ip, device, domain, name_stem, email_stem, invited) -> SignupRecord:
    """Remember an accepted signup so that the velocity rules can count it."""
    _, net_hash = hash_ip(ip)
    record = SignupRecord(
        net_hash=net_hash,
        device_hash=keyed_hash(device, "device") if device else None,
        email_domain=domain,
        name_stem=name_stem,
        email_stem=email_stem,
        invited=invited,
    )
    db.session.add(record)
    db.session.flush()
    return record


def purge_signup_records(days: int) -> int:
    """Delete signup records older than ``days``; return how many went."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(sa.delete(SignupRecord).where(SignupRecord.created_at < cutoff))
    return result.rowcount or 0
