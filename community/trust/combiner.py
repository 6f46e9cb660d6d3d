"""The combiner: every detector's findings about a subject fused into one suspicion per review,
vote and account, in [0, 1]. Unsupervised score fusion, nothing learned from labels.

Each finding counts as an independent piece of evidence that alone could convict, discounted
by how much its detector is trusted to mean what it says (``CONFIDENCE``). Pieces are fused by
a noisy-OR, ``1 - prod(1 - confidence * score)``: one strong sign is enough, and weak signs
add up less than linearly, so ten faint hints never outweigh one near-proof. Per detector only
its strongest finding about a subject counts (one ring seen twice is one ring).

What an account did is carried to what it wrote and cast: a review's suspicion fuses its own
findings with its account's at ``CARRY``, and a vote's the findings that name both its account
and its subject (a burst, a ring pushing that idea) with its account's at ``CARRY``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from community.trust.detectors import Finding

# How far each detector's word is taken: a near-proof (a claimed use longer than the product
# has existed) is taken at face value; behavioural signs, which honest members sometimes
# show, a little less.
CONFIDENCE = {
    "impossible_testimonial": 1.0,
    "review_behaviour": 1.0,
    "near_duplicate": 0.9,
    "sockpuppets": 0.9,
    "co_voting_ring": 0.9,
    "burst": 0.9,
}
DEFAULT_CONFIDENCE = 0.7
CARRY = 0.8  # how much of an account's suspicion its reviews and votes inherit
MAX_FINDINGS_IN_EVIDENCE = 10  # a flag's evidence lists this many findings, strongest first

Subject = tuple[str, int]


def noisy_or(scores: Iterable[float]) -> float:
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - min(1.0, max(0.0, score))
    return 1.0 - remaining


class Combined:
    """The fused suspicions of a set of findings."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        # subject -> detector -> strongest score
        self.by_subject: dict[Subject, dict[str, float]] = defaultdict(dict)
        self.findings: dict[Subject, list[Finding]] = defaultdict(list)
        for finding in findings:
            for subject in finding.subjects:
                best = self.by_subject[subject].get(finding.detector, 0.0)
                self.by_subject[subject][finding.detector] = max(best, finding.score)
                self.findings[subject].append(finding)

    def own(self, subject: Subject) -> float:
        """The subject's suspicion from the findings that name it."""
        return noisy_or(CONFIDENCE.get(detector, DEFAULT_CONFIDENCE) * score
                        for detector, score in self.by_subject.get(subject, {}).items())

    def account(self, account_id: int) -> float:
        return self.own(("account", account_id))

    def review(self, review_id: int, account_id: int | None = None) -> float:
        """A review's own findings, with its account's (every detector that named the account
        other than through this very review) carried at CARRY."""
        own = self.own(("review", review_id))
        if account_id is None:
            return own
        review_detectors = set(self.by_subject.get(("review", review_id), {}))
        carried = noisy_or(
            CONFIDENCE.get(detector, DEFAULT_CONFIDENCE) * score
            for detector, score in self.by_subject.get(("account", account_id), {}).items()
            if detector not in review_detectors)
        return noisy_or((own, CARRY * carried))

    def vote(self, account_id: int, subject: Subject) -> float:
        """A vote's suspicion: findings naming both its account and its subject, and its
        account's own at CARRY."""
        both = [f for f in self.findings.get(("account", account_id), [])
                if subject in f.subjects]
        direct = noisy_or(CONFIDENCE.get(f.detector, DEFAULT_CONFIDENCE) * f.score
                          for f in both)
        return noisy_or((direct, CARRY * self.account(account_id)))

    def evidence(self, subject: Subject, suspicion: float) -> dict:
        """What a flag on ``subject`` shows: its suspicion, the leading detector, and the
        strongest findings naming it with their own evidence (plain, JSON-able)."""
        findings = sorted(self.findings.get(subject, []), key=lambda f: -f.score)
        return {
            "suspicion": round(suspicion, 3),
            "lead": findings[0].detector if findings else None,
            "findings": [{"detector": f.detector, "score": f.score,
                          "subjects": [list(s) for s in f.subjects], "evidence": f.evidence}
                         for f in findings[:MAX_FINDINGS_IN_EVIDENCE]],
        }

    def accounts(self) -> dict[int, float]:
        return {sid: self.own(("account", sid)) for (kind, sid) in self.by_subject
                if kind == "account"}

    def subjects(self) -> dict[Subject, float]:
        return {subject: self.own(subject) for subject in self.by_subject}
