"""A member's own standing: their trust level, why, and what the next level needs."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from community.trust import leveling
from community.trust.blueprint import bp
from community.trust.levels import THRESHOLDS
from community.trust.weights import LEVEL_WEIGHTS


@bp.route("/settings/standing")
@login_required
def standing():
    """Your trust level, what it lets you do and weigh, and what the next one needs."""
    current, following = leveling.explain(current_user)
    return render_template("trust/standing.html", current=current, following=following,
                           weights=LEVEL_WEIGHTS, thresholds=THRESHOLDS)
