"""Demo data, only ever in demo mode (CERCLE_ENV=demo), where every page says so."""

from __future__ import annotations

from flask import current_app

from community.accounts.models import User
from community.accounts.passwords import hash_password
from community.accounts.service import make_handle
from community.extensions import db
from community.timeutil import utcnow
from community.trust import service as trust
from community.trust.models import TrustEventKind

DEMO_MEMBERS = (
    ("Camille Durand", "Lyon", "Atelier Durand", "Runs a small print shop; uses Cercle daily."),
    ("Sam Okafor", "London", "Okafor Logistics", "Ops lead. Wants better exports."),
    ("Inès Moreau", "Montréal", "", "Freelance designer."),
)


class DemoRefused(RuntimeError):
    """Demo data asked for outside demo mode."""


def seed_demo(actor: str = "cli") -> list[User]:
    """Create demo members (flagged is_demo) in demo mode; refuse and log anywhere else."""
    env = current_app.config["CERCLE_ENV"]
    if env != "demo":
        trust.log_event(TrustEventKind.DEMO_REFUSED, "demo_outside_demo_mode",
                        detail={"env": env, "actor": actor})
        raise DemoRefused(
            f"Demo data is refused in CERCLE_ENV={env}: it would fill a real community with "
            "fake members. Use CERCLE_ENV=demo on a separate database."
        )
    created = []
    for name, location, company, bio in DEMO_MEMBERS:
        email = f"{make_handle(name)}@demo.invalid"
        user = User(
            handle=make_handle(name), display_name=name, email=email, email_normalized=email,
            email_verified_at=utcnow(), password_hash=hash_password("demo-" + email),
            location=location, company=company or None, bio=bio, is_demo=True,
        )
        db.session.add(user)
        created.append(user)
    db.session.flush()
    return created
