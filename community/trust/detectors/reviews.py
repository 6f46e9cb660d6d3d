"""Review behaviour: how the fake-review literature tells a bought or seeded review from a real
one when the text says little (Jindal & Liu 2008; Mukherjee et al. 2013; Rayana & Akoglu 2015).

Pure: ratings and accounts in, one suspicion per review out. The ratings are sorted by time
once (O(n log n)); every feature then reads per-account and per-product arrays through prefix
sums and binary search (O(log n) a review), so a whole scan is O(n log n).

What it weighs, for a review by account *a* of product *p* with rating *x* at time *t*:

- **newness** of the account, ``k / (e + k)`` where the establishment *e* is the account's
  other reviews plus its age in units of ``age_unit``: a single-review account that has just
  arrived is 1, an account with a track record tends to 0. It multiplies everything else:
  an extreme rating from a long-standing reviewer is an opinion, from a fresh account it is
  the signature of a bought review.
- **deviation** from the product's *trusted* mean, ``|x - m_p| / 4``: the mean of the other
  ratings of *p* by established accounts (not on their first review, not staff, not
  discounted), shrunk towards the trusted mean of every product (``mean_strength`` pseudo
  ratings), so a fake crowd cannot move the yardstick it is measured against.
- **extremity**, ``|x - 3| / 2``: one or five stars.
- **context**, propagation over the account-product graph in one pass (the spirit of SpEagle
  and REV2, without labels): the mean suspicion of the product's other reviews. A product
  being pushed or attacked draws many suspicious reviews; one odd review of a quiet product
  does not.
- **history**: several reviews by the account on one day; an all-extreme history (at least
  ``history_min`` reviews, every one 1 or 5 stars); an early review (among the product's first
  ``early_count``, or within ``early_days`` of its launch).

``suspicion = newness * (base + deviation + extremity + context + history) / ceiling``, in
[0, 1]. Each review is scored twice over the same arrays: **online** (only what came before
it: the check a write can run) and **at decision time** (what is known up to ``horizon``
after it, never later: a scan re-scores recent reviews as evidence accumulates). Nothing is
learned from labels; ``bench/trust_eval.py`` measures the result on labeled data.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from community.trust.detectors import Finding
from community.trust.detectors.events import Account, Rating

NAME = "review_behaviour"


@dataclass(frozen=True)
class Settings:
    newness_k: float = 0.5  # establishment at which newness is 1/2... of a brand-new account
    age_unit: timedelta = timedelta(days=180)  # this much membership counts as one review
    mean_strength: float = 3.0  # pseudo-ratings pulling a product's trusted mean to the global
    default_mean: float = 3.7  # the global trusted mean before any trusted rating is seen
    base: float = 0.1  # what newness alone is worth, before any other sign
    same_day_worth: float = 0.5  # a review on a day the account already reviewed on
    context_strength: float = 2.0  # pseudo-reviews pulling a product's context to typical
    history_weight: float = 0.25  # each history sign (same day, all extreme, early)
    history_min: int = 3  # reviews needed before "all extreme" means anything
    early_count: int = 5
    early_days: int = 30
    horizon: timedelta = timedelta(days=30)  # how far after a review a decision may look
    report_at: float = 0.5  # the least suspicion that becomes a finding

    @property
    def ceiling(self) -> float:
        return self.base + 3 + 3 * self.history_weight


@dataclass(frozen=True)
class Signals:
    """One review's features at a given time, with its suspicion."""

    review_id: int
    newness: float
    other_reviews: int
    account_age_days: int
    trusted_mean: float
    deviation: float
    extremity: float
    context: float
    same_day: bool
    all_extreme: bool
    early: bool
    suspicion: float

    def evidence(self) -> dict:
        return {
            "other_reviews": self.other_reviews, "account_age_days": self.account_age_days,
            "newness": round(self.newness, 3), "trusted_mean": round(self.trusted_mean, 2),
            "deviation": round(self.deviation, 3), "extremity": self.extremity,  # 0, 0.5 or 1
            "context": round(self.context, 3), "same_day": self.same_day,
            "all_extreme": self.all_extreme, "early": self.early,
        }


class _Series:
    """One account's or one product's reviews in time order, with prefix sums."""

    __slots__ = ("times", "indexes", "trusted_sum", "trusted_count", "score_sum", "extreme",
                 "days")

    def __init__(self) -> None:
        self.times: list[datetime] = []
        self.indexes: list[int] = []
        self.trusted_sum = [0.0]
        self.trusted_count = [0]
        self.score_sum = [0.0]
        self.extreme = [0]
        self.days = [0]  # distinct calendar days among the first k entries


class ReviewBook:
    """Every rating, in time order, and the arrays the features read."""

    def __init__(self, ratings: Iterable[Rating], accounts: Mapping[int, Account],
                 settings: Settings = Settings()) -> None:
        self.s = settings
        self.ratings = sorted(ratings, key=lambda r: (r.at, r.review_id))
        self.accounts = accounts
        self.by_account: dict[int, _Series] = defaultdict(_Series)
        self.by_product: dict[int, _Series] = defaultdict(_Series)
        self.trusted: list[bool] = []
        self.online: list[float] = []
        self.global_sum = [0.0]  # trusted ratings of every product, in time order
        self.global_count = [0]
        self.global_score = [0.0]  # online suspicions of every review, in time order
        self.global_times: list[datetime] = []
        self._build()

    # --- building: one pass in time order, scoring each review online -------------------

    def _build(self) -> None:
        for index, rating in enumerate(self.ratings):
            account = self.accounts.get(rating.account_id)
            mine = self.by_account[rating.account_id]
            trusted = (len(mine.times) > 0 and not (account and (account.staff
                                                                  or account.discounted)))
            self.trusted.append(trusted)
            signals = self._signals(index, rating.at, online=True)
            self.online.append(signals.suspicion)
            extreme = rating.rating in (1, 5)
            for series in (mine, self.by_product[rating.product_id]):
                new_day = not series.times or series.times[-1].date() != rating.at.date()
                series.days.append(series.days[-1] + new_day)
                series.times.append(rating.at)
                series.indexes.append(index)
                series.trusted_sum.append(series.trusted_sum[-1]
                                          + (rating.rating if trusted else 0))
                series.trusted_count.append(series.trusted_count[-1] + trusted)
                series.score_sum.append(series.score_sum[-1] + signals.suspicion)
                series.extreme.append(series.extreme[-1] + extreme)
            self.global_times.append(rating.at)
            self.global_sum.append(self.global_sum[-1] + (rating.rating if trusted else 0))
            self.global_count.append(self.global_count[-1] + trusted)
            self.global_score.append(self.global_score[-1] + signals.suspicion)

    # --- the features ----------------------------------------------------------------

    def signals(self, index: int, until: datetime) -> Signals:
        """The review's signals from everything known at ``until`` (never before the review
        itself: a review is always judged with what came before it)."""
        return self._signals(index, max(until, self.ratings[index].at))

    def _signals(self, index: int, until: datetime, *, online: bool = False) -> Signals:
        s, rating = self.s, self.ratings[index]
        account = self.accounts.get(rating.account_id)
        mine = self.by_account[rating.account_id]
        product = self.by_product[rating.product_id]
        # How many of each series' entries are known at ``until``. Online, while the book is
        # being built, the series hold only the reviews before this one, all known; at
        # decision time they hold every review, this one (``self_in``) included.
        self_in = 0 if online else 1
        known_mine = bisect_right(mine.times, until)
        known_product = bisect_right(product.times, until)
        known_global = bisect_right(self.global_times, until)
        other = known_mine - self_in
        same_day = self._same_day(mine, rating, known_mine, self_in)
        # A track record is built over days, not in one sitting: the account's other reviews
        # written on a day it already reviewed on count for ``same_day_worth`` of one.
        other_days = mine.days[known_mine] - (1 if (same_day or self_in) else 0)
        track = other_days + s.same_day_worth * (other - other_days)

        created = account.created_at if account else (mine.times[0] if mine.times
                                                      else rating.at)
        membership = rating.at - min(created, rating.at)
        establishment = track + membership / s.age_unit
        newness = s.newness_k / (establishment + s.newness_k)

        trusted_self = self_in and self.trusted[index]  # this review, if it counted
        g_count = self.global_count[known_global] - trusted_self
        g_sum = self.global_sum[known_global] - (rating.rating if trusted_self else 0)
        global_mean = g_sum / g_count if g_count else s.default_mean
        t_sum = product.trusted_sum[known_product] - (rating.rating if trusted_self else 0)
        t_count = product.trusted_count[known_product] - trusted_self
        trusted_mean = (t_sum + s.mean_strength * global_mean) / (t_count + s.mean_strength)
        deviation = abs(rating.rating - trusted_mean) / 4
        extremity = abs(rating.rating - 3) / 2

        others = known_product - self_in
        own_score = self.online[index] if self_in else 0.0
        score_sum = product.score_sum[known_product] - own_score
        global_score = self.global_score[known_global] - own_score
        if global_score > 0:
            typical = global_score / (known_global - self_in)
            # The product's reviews against every product's, shrunk to "typical" (1/2) when
            # the product has few: 1/2 for a product like the others, towards 1 for one
            # drawing far more suspicious reviews.
            mean = (score_sum + s.context_strength * typical) / (others + s.context_strength)
            context = mean / (mean + typical)
        else:
            context = 0.5  # nothing suspicious known yet (the first review of all): neutral

        extremes = mine.extreme[known_mine] + (rating.rating in (1, 5) and not self_in)
        all_extreme = other + 1 >= s.history_min and extremes == other + 1
        rank = bisect_left(product.indexes, index)  # the product's reviews before this one
        launched = rating.product_launched_at
        early = rank < s.early_count or (
            launched is not None and rating.at - launched <= timedelta(days=s.early_days))

        history = s.history_weight * (same_day + all_extreme + early)
        raw = newness * (s.base + deviation + extremity + context + history)
        return Signals(
            review_id=rating.review_id, newness=newness, other_reviews=other,
            account_age_days=membership.days, trusted_mean=trusted_mean, deviation=deviation,
            extremity=extremity, context=context, same_day=same_day, all_extreme=all_extreme,
            early=early, suspicion=min(1.0, raw / s.ceiling))

    @staticmethod
    def _same_day(mine: _Series, rating: Rating, known: int, self_in: int) -> bool:
        """Whether, among the account's first ``known`` reviews, another one (than this
        review, counted ``self_in`` times there) falls on the review's calendar day."""
        start = datetime.combine(rating.at.date(), datetime.min.time())
        lo = bisect_left(mine.times, start)  # at or before this review, so within ``known``
        hi = bisect_left(mine.times, start + timedelta(days=1), 0, known)
        return hi - lo > self_in


def score(ratings: Iterable[Rating], accounts: Mapping[int, Account], now: datetime,
          settings: Settings = Settings()) -> tuple[ReviewBook, dict[int, Signals]]:
    """Every review's signals at decision time: what is known up to ``horizon`` after it, and
    never after ``now``."""
    book = ReviewBook(ratings, accounts, settings)
    signals = {}
    for index, rating in enumerate(book.ratings):
        signals[rating.review_id] = book.signals(
            index, min(now, rating.at + settings.horizon))
    return book, signals


def detect(ratings: Iterable[Rating], accounts: Mapping[int, Account], now: datetime,
           settings: Settings = Settings()) -> list[Finding]:
    """A finding per review whose suspicion at decision time reaches ``report_at``."""
    book, signals = score(ratings, accounts, now, settings)
    findings = []
    for rating in book.ratings:
        found = signals[rating.review_id]
        if found.suspicion >= settings.report_at:
            findings.append(Finding(
                detector=NAME,
                # The review only: its author is named in the evidence, so one odd review
                # does not make its account suspect (account detectors do that).
                subjects=(("review", rating.review_id),),
                score=round(found.suspicion, 3),
                evidence={"rating": rating.rating, "account": rating.account_id,
                          "product": rating.product_id, **found.evidence()}))
    return findings
