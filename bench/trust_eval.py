"""How well the trust detectors find fake reviews, on real labeled data.

    .venv/bin/python bench/trust_eval.py [CSV] [--horizon-days 30] [--no-split]

CSV defaults to ``../shared/data/yelpchi/reviews.csv`` (columns
``event_seq,ts,account,product,segment,rating,is_spam,text``; any file with those columns is
scored alone). The file is replayed in time order as accounts (created at their first review)
and reviews, through the detector and combiner code ``flask trust scan`` runs
(``community/trust/pipeline.py``). The labels are read only to measure: nothing is fitted.

Each review is scored twice:

- **online**: from events up to its own time only, as a check on write sees it;
- **at decision time**: from events up to ``--horizon-days`` after it (a scan re-scores recent
  content as evidence accumulates; a moderator decides within that window), never later.

For each it prints ROC AUC, average precision, precision at the top 100 and 1,000, recall at
the flag threshold, and the same per detector; then the figures on each half of a split by
product fixed before any result was looked at (a product's half is the parity of the first
byte of SHA-256 of its id in the file); and last one line ``AUC=0.xxx AP=0.xxx`` for the
online score on the whole file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from community.trust import pipeline  # noqa: E402
from community.trust.combiner import Combined  # noqa: E402
from community.trust.detectors import reviews  # noqa: E402
from community.trust.detectors.events import Account, Rating, Text  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "yelpchi" / "reviews.csv"


# --- measures (no scikit-learn: rank statistics by hand) -------------------------------

def roc_auc(scores: list[float], labels: list[int]) -> float:
    """The probability that a random positive outranks a random negative (ties count half)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def ranked(scores: list[float], labels: list[int]) -> list[int]:
    """Labels from the most to the least suspicious (ties in file order: no tie favours a
    label)."""
    return [labels[i] for i in sorted(range(len(scores)), key=lambda i: -scores[i])]


def average_precision(scores: list[float], labels: list[int]) -> float:
    hits, total = 0, 0.0
    for position, label in enumerate(ranked(scores, labels), 1):
        if label:
            hits += 1
            total += hits / position
    return total / hits if hits else float("nan")


def precision_at(scores: list[float], labels: list[int], k: int) -> float:
    top = ranked(scores, labels)[:k]
    return sum(top) / len(top) if top else float("nan")


def recall_at(scores: list[float], labels: list[int], threshold: float) -> tuple[float, int]:
    flagged = [y for s, y in zip(scores, labels, strict=True) if s >= threshold]
    positives = sum(labels)
    return (sum(flagged) / positives if positives else float("nan")), len(flagged)


# --- replay ------------------------------------------------------------------------------

class Replay:
    """The file as Cercle events: accounts, reviews and their texts, ids re-keyed by first
    appearance (an id's value is never a feature)."""

    def __init__(self, path: Path) -> None:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        rows.sort(key=lambda r: r["ts"])  # by time only; never event_seq within a day
        account_ids: dict[str, int] = {}
        product_ids: dict[str, int] = {}
        self.product_keys: dict[int, str] = {}
        self.accounts: dict[int, Account] = {}
        self.ratings: list[Rating] = []
        self.texts: list[Text] = []
        self.labels: dict[int, int] = {}
        for review_id, row in enumerate(rows, 1):
            at = datetime.fromisoformat(row["ts"])
            account = account_ids.setdefault(row["account"], len(account_ids) + 1)
            product = product_ids.setdefault(row["product"], len(product_ids) + 1)
            self.product_keys[product] = row["product"]
            self.accounts.setdefault(account, Account(id=account, created_at=at))
            self.ratings.append(Rating(review_id=review_id, account_id=account,
                                       product_id=product, rating=int(row["rating"]), at=at))
            if (row.get("text") or "").strip():
                self.texts.append(Text(("review", review_id), account, at, row["text"]))
            self.labels[review_id] = int(row["is_spam"])
        self.end = max(r.at for r in self.ratings)

    def half(self, product_id: int) -> str:
        digest = hashlib.sha256(self.product_keys[product_id].encode()).digest()
        return "A" if digest[0] % 2 == 0 else "B"


def _finding_time(finding) -> datetime:
    """When the last event a finding rests on happened (what a scan at that time knows)."""
    evidence = finding.evidence
    for key in ("last_at", "to", "written_at"):
        if evidence.get(key):
            return datetime.fromisoformat(evidence[key])
    return datetime.min


def score(replay: Replay, horizon: timedelta) -> dict[str, dict[int, float]]:
    """Per review id: the combined score online and at decision time, and each detector's."""
    settings = pipeline.Settings()
    book = reviews.ReviewBook(replay.ratings, replay.accounts, settings.reviews)
    inputs = pipeline.Inputs(accounts=replay.accounts, ratings=replay.ratings,
                             texts=replay.texts)
    # Every detector but review behaviour, over the whole file once; a review then sees only
    # the findings whose last event it may know (its own time, or its horizon).
    others = [f for f in pipeline.findings(inputs, replay.end, settings, skip=(reviews.NAME,))]
    others.sort(key=_finding_time)
    times = [_finding_time(f) for f in others]
    by_account: dict[int, list[int]] = defaultdict(list)  # finding positions per account
    by_review: dict[int, list[int]] = defaultdict(list)
    for position, finding in enumerate(others):
        for kind, sid in finding.subjects:
            if kind == "account":
                by_account[sid].append(position)
            elif kind == "review":
                by_review[sid].append(position)

    def known(rating: Rating, until: datetime) -> list:
        limit = bisect_right(times, until)
        positions = {p for p in by_account.get(rating.account_id, []) if p < limit}
        positions |= {p for p in by_review.get(rating.review_id, []) if p < limit}
        return [others[p] for p in sorted(positions)]

    out: dict[str, dict[int, float]] = defaultdict(dict)
    for index, rating in enumerate(book.ratings):
        subjects = (("review", rating.review_id), ("account", rating.account_id))
        online_behaviour = book.online[index]
        later = book.signals(index, min(replay.end, rating.at + horizon)).suspicion
        for label, behaviour, until in (("online", online_behaviour, rating.at),
                                        ("decision", later, rating.at + horizon)):
            found = known(rating, until)
            own = pipeline.finding_for(reviews.NAME, subjects, behaviour)
            combined = Combined([own, *found])
            out[label][rating.review_id] = combined.review(rating.review_id, rating.account_id)
            if label == "decision":
                out[reviews.NAME][rating.review_id] = behaviour
                for finding in found:
                    key = finding.detector
                    out[key][rating.review_id] = max(out[key].get(rating.review_id, 0.0),
                                                     finding.score)
    return out


def report(name: str, scores: dict[int, float], labels: dict[int, int], ids: list[int],
           threshold: float) -> tuple[float, float]:
    s = [scores.get(i, 0.0) for i in ids]
    y = [labels[i] for i in ids]
    auc, ap = roc_auc(s, y), average_precision(s, y)
    recall, flagged = recall_at(s, y, threshold)
    print(f"  {name:24s} AUC={auc:.3f} AP={ap:.3f} P@100={precision_at(s, y, 100):.3f} "
          f"P@1000={precision_at(s, y, 1000):.3f} recall@{threshold:g}={recall:.3f} "
          f"({flagged} flagged)")
    return auc, ap


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", default=str(DEFAULT_CSV))
    parser.add_argument("--horizon-days", type=int, default=30)
    parser.add_argument("--no-split", action="store_true", help="skip the per-half figures")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    replay = Replay(Path(args.csv))
    scores = score(replay, timedelta(days=args.horizon_days))
    labels = replay.labels
    ids = [r.review_id for r in replay.ratings]
    threshold = pipeline.Settings().flag_at
    base_rate = sum(labels.values()) / len(labels)
    print(f"{len(ids)} reviews, {len(replay.accounts)} accounts, "
          f"{len({r.product_id for r in replay.ratings})} products, base rate {base_rate:.3f}, "
          f"{len(replay.texts)} texts; scored in {time.perf_counter() - started:.1f} s")
    print("Online (events up to each review's own time):")
    online = report("combined", scores["online"], labels, ids, threshold)
    print(f"At decision time (events up to {args.horizon_days} days after each review):")
    report("combined", scores["decision"], labels, ids, threshold)
    for detector in sorted(k for k in scores if k not in ("online", "decision")):
        report(detector, scores[detector], labels, ids, threshold)
    if not args.no_split:
        halves = defaultdict(list)
        for rating in replay.ratings:
            halves[replay.half(rating.product_id)].append(rating.review_id)
        for half in sorted(halves):
            part = halves[half]
            products = len({r.product_id for r in replay.ratings
                            if replay.half(r.product_id) == half})
            print(f"Products half {half} ({products} products, {len(part)} reviews):")
            report("online", scores["online"], labels, part, threshold)
            report("decision", scores["decision"], labels, part, threshold)
    print(f"AUC={online[0]:.3f} AP={online[1]:.3f}")


if __name__ == "__main__":
    main()
