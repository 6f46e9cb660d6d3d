"""The sign-up path's hooks: who may come in is decided by the domains that register a gate.

Accounts know how to create a member; they do not know the door's rules. The trust domain
registers its door here (``community/trust/__init__.py``); a gate sees each sign-up attempt,
says which rules refuse it, and hears about each accepted sign-up (to count it). Refusals are
reported by rule name; their messages are refusal codes ``"signup.<rule>"`` that the gate's
domain registers (``community/refusals.py``). A refusal by ``duplicate_email`` is never told:
it looks like a success to the visitor, and the owner of the address is mailed instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from community import registry

DUPLICATE_EMAIL = "duplicate_email"


@dataclass(frozen=True)
class SignupAttempt:
    """What a gate may look at: the form as sent, and where it came from (hashed by gates)."""

    display_name: str
    email: str
    email_normalized: str
    email_domain: str
    honeypot: str
    elapsed_seconds: float | None  # since the form was served; None when its token is bad
    ip: str | None
    device: str | None
    invited: bool
    duplicate_email: bool  # an account already uses this mailbox


class GateRefusal(Protocol):
    rule: str


class SignupGate(Protocol):
    def check(self, attempt: SignupAttempt) -> list[GateRefusal]: ...

    def accepted(self, attempt: SignupAttempt) -> None: ...


def register_gate(name: str, gate: SignupGate) -> None:
    """Put a gate on the sign-up path (once per name; registering again replaces it)."""
    registry.table("signup_gates")[name] = gate


def check(attempt: SignupAttempt) -> list[GateRefusal]:
    refusals: list[GateRefusal] = []
    for gate in registry.table("signup_gates").values():
        refusals.extend(gate.check(attempt))
    return refusals


def accepted(attempt: SignupAttempt) -> None:
    for gate in registry.table("signup_gates").values():
        gate.accepted(attempt)
