"""The door on the sign-up path: the accounts' gate (``community/accounts/gates.py``) that the
trust domain registers. It gathers the recent counts the attempt shares, asks the pure rules
(``door.check_signup``), logs each refusal as a ``TrustEvent``, and records accepted sign-ups
(keyed hashes only) so the next attempt can be counted against them."""

from __future__ import annotations

from community.accounts.gates import SignupAttempt
from community.security import hash_ip, keyed_hash
from community.trust import door
from community.trust import service as trust
from community.trust.models import TrustEventKind


class Door:
    def check(self, attempt: SignupAttempt) -> list[door.Refusal]:
        _, net_hash = hash_ip(attempt.ip)
        counts = trust.recent_counts(
            net_hash=net_hash,
            device_hash=keyed_hash(attempt.device, "device") if attempt.device else None,
            domain=attempt.email_domain,
            name_stem=door.counter_stem(attempt.display_name),
            email_stem=door.counter_stem(attempt.email_normalized.partition("@")[0]),
            duplicate=attempt.duplicate_email,
        )
        rules = door.SignupAttempt(
            email_domain=attempt.email_domain, honeypot=attempt.honeypot,
            elapsed_seconds=attempt.elapsed_seconds, invited=attempt.invited)
        refusals = door.check_signup(rules, counts, trust.limits_from_config())
        for refusal in refusals:
            trust.log_event(TrustEventKind.SIGNUP_REFUSED, refusal.rule, ip=attempt.ip,
                            device=attempt.device, domain=attempt.email_domain,
                            detail=refusal.evidence)
        return refusals

    def accepted(self, attempt: SignupAttempt) -> None:
        trust.record_signup(
            ip=attempt.ip, device=attempt.device, domain=attempt.email_domain,
            name_stem=door.counter_stem(attempt.display_name),
            email_stem=door.counter_stem(attempt.email_normalized.partition("@")[0]),
            invited=attempt.invited)
