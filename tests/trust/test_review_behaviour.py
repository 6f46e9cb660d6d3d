"""Review behaviour, on constructed products: a fresh account's extreme review against a
product its established reviewers agree on is caught; the same words from a long-standing
reviewer, or a fair review from a newcomer, are not. Each signal is checked at its edge."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors import reviews
from community.trust.detectors.events import Account, Rating
from community.trust.detectors.reviews import ReviewBook, Settings, detect, score

T0 = datetime(2026, 1, 5, 12, 0)
PRODUCT = 1
S = Settings()


class World:
    """Accounts and ratings built up by a test, with fresh ids."""

    def __init__(self):
        self.accounts: dict[int, Account] = {}
        self.ratings: list[Rating] = []

    def account(self, created_at=T0, **flags) -> int:
        account_id = len(self.accounts) + 1
        self.accounts[account_id] = Account(id=account_id, created_at=created_at, **flags)
        return account_id

    def rate(self, account_id, stars, at, product=PRODUCT, launched=None) -> int:
        review_id = len(self.ratings) + 1
        self.ratings.append(Rating(review_id, account_id, product, stars, at, launched))
        return review_id

    def book(self, settings=S) -> ReviewBook:
        return ReviewBook(self.ratings, self.accounts, settings)

    def signals(self, review_id, until=None, settings=S):
        book = self.book(settings)
        index = next(i for i, r in enumerate(book.ratings) if r.review_id == review_id)
        return book.signals(index, until or book.ratings[index].at)

    def online(self, review_id, settings=S):
        book = self.book(settings)
        index = next(i for i, r in enumerate(book.ratings) if r.review_id == review_id)
        return book.online[index]


def established_crowd(world, stars=(5, 4, 5, 4), at=T0, product=PRODUCT):
    """Reviewers with a track record (a review of another product a year before) rating
    ``product``: their reviews there are trusted."""
    for n, value in enumerate(stars):
        account = world.account(created_at=at - timedelta(days=400))
        world.rate(account, 4, at - timedelta(days=365), product=99)
        world.rate(account, value, at + timedelta(hours=n), product=product)


def test_a_fresh_account_sinking_a_well_rated_product_is_caught():
    world = World()
    established_crowd(world)
    fresh = world.account(created_at=T0 + timedelta(days=2))
    review = world.rate(fresh, 1, T0 + timedelta(days=2))
    (finding,) = detect(world.ratings, world.accounts, T0 + timedelta(days=60))
    assert finding.detector == "review_behaviour"
    assert finding.subjects == (("review", review), ("account", fresh), ("product", PRODUCT))
    assert finding.evidence["rating"] == 1
    assert finding.evidence["other_reviews"] == 0
    assert finding.evidence["newness"] == 1.0
    assert finding.score >= S.report_at


def test_the_same_review_from_a_long_standing_reviewer_is_an_opinion():
    world = World()
    established_crowd(world)
    veteran = world.account(created_at=T0 - timedelta(days=900))
    for n in range(8):
        world.rate(veteran, 4, T0 - timedelta(days=100 * n + 1), product=50 + n)
    world.rate(veteran, 1, T0 + timedelta(days=2))
    assert detect(world.ratings, world.accounts, T0 + timedelta(days=60)) == []


def test_a_fair_review_from_a_newcomer_is_not_flagged():
    world = World()
    established_crowd(world)
    fresh = world.account(created_at=T0 + timedelta(days=2))
    world.rate(fresh, 4, T0 + timedelta(days=2))
    assert detect(world.ratings, world.accounts, T0 + timedelta(days=60)) == []


@pytest.mark.parametrize("others, same_day, age_days, expected", [
    (0, False, 0, 1.0),  # a brand-new account with no other review
    (1, False, 0, 0.5 / 1.5),  # one other review, another day
    (1, True, 0.25, 0.5 / (1.0 + 0.25 / 180)),  # one other review the same day: half
    (2, False, 0, 0.5 / 2.5),
    (0, False, 180, 0.5 / 1.5),  # 180 days of membership count as one review
    (0, False, 90, 0.5 / 1.0),
])
def test_newness_counts_the_track_record(others, same_day, age_days, expected):
    world = World()
    at = T0 + timedelta(days=age_days)
    # The other reviews come before the account's creation date here, so that only
    # ``age_days`` counts as membership.
    account = world.account(created_at=T0)
    for n in range(others):
        when = at - timedelta(hours=1 + n) if same_day else at - timedelta(days=1 + n)
        world.rate(account, 4, when, product=10 + n)
    review = world.rate(account, 4, at)
    assert world.signals(review).newness == pytest.approx(expected)
    assert world.signals(review).other_reviews == others


def test_the_trusted_mean_ignores_first_reviews_staff_and_discounted_accounts():
    world = World()
    established_crowd(world, stars=(4, 4, 4))  # three trusted 4s; global trusted mean 4
    for flags in ({"staff": True}, {"discounted": True}):
        insider = world.account(created_at=T0 - timedelta(days=400), **flags)
        world.rate(insider, 4, T0 - timedelta(days=300), product=98)
        world.rate(insider, 1, T0 + timedelta(hours=5))
    for n in range(5):  # a fresh crowd of 5s, each on its first review
        world.rate(world.account(created_at=T0), 5, T0 + timedelta(hours=6 + n))
    review = world.rate(world.account(created_at=T0), 2, T0 + timedelta(days=1))
    signals = world.signals(review)
    # Trusted ratings: three 4s on the product, 4s elsewhere, so the prior mean is 4 too.
    assert signals.trusted_mean == pytest.approx(4.0)
    assert signals.deviation == pytest.approx(2 / 4)
    assert signals.extremity == pytest.approx(0.5)


def test_the_trusted_mean_shrinks_to_the_global_mean():
    world = World()
    veteran = world.account(created_at=T0 - timedelta(days=400))
    world.rate(veteran, 4, T0 - timedelta(days=300), product=98)  # global trusted: none yet
    world.rate(veteran, 2, T0)  # trusted (second review): product 2, global (2)
    review = world.rate(world.account(), 5, T0 + timedelta(days=1))
    # Global trusted mean 2 (one trusted rating), product: (2 + 3 * 2) / (1 + 3) = 2.
    assert world.signals(review).trusted_mean == pytest.approx(2.0)
    empty = World()
    alone = empty.rate(empty.account(), 5, T0)
    assert empty.signals(alone).trusted_mean == pytest.approx(S.default_mean)


def test_decision_time_sees_up_to_the_horizon_and_no_further():
    world = World()
    account = world.account()
    review = world.rate(account, 5, T0)
    world.rate(account, 4, T0 + timedelta(days=10), product=2)
    world.rate(account, 4, T0 + timedelta(days=40), product=3)
    assert world.online(review) == world.signals(review, T0).suspicion
    assert world.signals(review, T0).other_reviews == 0
    assert world.signals(review, T0 + timedelta(days=30)).other_reviews == 1
    assert world.signals(review, T0 + timedelta(days=41)).other_reviews == 2
    # A time before the review is clamped to the review's own time.
    assert world.signals(review, T0 - timedelta(days=5)).other_reviews == 0
    _, decided = score(world.ratings, world.accounts, T0 + timedelta(days=400))
    assert decided[review].other_reviews == 1  # 30 days after it, not 400


def test_now_caps_the_horizon():
    world = World()
    account = world.account()
    review = world.rate(account, 5, T0)
    world.rate(account, 4, T0 + timedelta(days=10), product=2)
    _, decided = score(world.ratings, world.accounts, T0 + timedelta(days=5))
    assert decided[review].other_reviews == 0


@pytest.mark.parametrize("count, expected", [(2, False), (3, True)])
def test_an_all_extreme_history_needs_history_min_reviews(count, expected):
    world = World()
    account = world.account()
    ids = [world.rate(account, 5, T0 + timedelta(days=n), product=n) for n in range(count)]
    assert world.signals(ids[-1]).all_extreme is expected


def test_one_moderate_review_breaks_an_extreme_history():
    world = World()
    account = world.account()
    world.rate(account, 5, T0, product=1)
    world.rate(account, 3, T0 + timedelta(days=1), product=2)
    last = world.rate(account, 1, T0 + timedelta(days=2), product=3)
    assert world.signals(last).all_extreme is False


def test_several_reviews_the_same_day():
    world = World()
    account = world.account()
    first = world.rate(account, 5, T0, product=1)
    second = world.rate(account, 5, T0 + timedelta(hours=3), product=2)
    other_day = world.rate(account, 5, T0 + timedelta(days=1, hours=1), product=3)
    assert world.signals(first, T0 + timedelta(days=1)).same_day is True  # the second known
    assert world.online(first) == pytest.approx(world.signals(first, T0).suspicion)
    assert world.signals(second).same_day is True
    assert world.signals(other_day, T0 + timedelta(days=1, hours=1)).same_day is False


def test_early_reviews_by_rank_and_by_launch():
    world = World()
    ids = [world.rate(world.account(), 4, T0 + timedelta(days=n)) for n in range(7)]
    flags = [world.signals(i).early for i in ids]
    assert flags == [True] * S.early_count + [False] * (7 - S.early_count)
    launched = T0 - timedelta(days=S.early_days)
    world.rate(world.account(), 4, T0 + timedelta(days=10), product=5, launched=T0)
    late = world.rate(world.account(), 4, T0 + timedelta(days=S.early_days, seconds=1),
                      product=5, launched=T0)
    edge = world.rate(world.account(), 4, T0 + timedelta(days=S.early_days), product=6,
                      launched=T0)
    assert launched < T0
    for n in range(S.early_count):  # fill product 5 and 6 so the rank rule does not apply
        world.rate(world.account(), 4, T0 - timedelta(days=n + 1), product=5)
        world.rate(world.account(), 4, T0 - timedelta(days=n + 1), product=6)
    assert world.signals(late).early is False
    assert world.signals(edge).early is True


def test_context_rises_on_a_product_drawing_suspicious_reviews():
    world = World()
    established_crowd(world, product=PRODUCT)
    established_crowd(world, product=2)
    for n in range(8):  # product 2 draws a crowd of fresh one-star accounts
        world.rate(world.account(created_at=T0 + timedelta(days=1)), 1,
                   T0 + timedelta(days=1, hours=n), product=2)
    quiet = world.rate(world.account(created_at=T0 + timedelta(days=3)), 1,
                       T0 + timedelta(days=3), product=PRODUCT)
    attacked = world.rate(world.account(created_at=T0 + timedelta(days=3)), 1,
                          T0 + timedelta(days=3), product=2)
    assert world.signals(attacked).context > 0.5 > world.signals(quiet).context
    assert world.signals(attacked).suspicion > world.signals(quiet).suspicion


def test_suspicion_is_the_documented_formula():
    world = World()
    established_crowd(world, stars=(4, 4, 4))
    review = world.rate(world.account(), 1, T0 + timedelta(days=1))
    signals = world.signals(review)
    history = S.history_weight * (signals.same_day + signals.all_extreme + signals.early)
    raw = signals.newness * (S.base + signals.deviation + signals.extremity
                             + signals.context + history)
    assert signals.suspicion == pytest.approx(min(1.0, raw / S.ceiling))
    assert S.ceiling == pytest.approx(S.base + 3 + 3 * S.history_weight)
    assert 0.0 <= signals.suspicion <= 1.0


@pytest.mark.parametrize("report_at, found", [(0.3, 1), (0.99, 0)])
def test_report_at_is_the_edge_of_a_finding(report_at, found):
    world = World()
    established_crowd(world)
    world.rate(world.account(), 1, T0 + timedelta(days=2))
    settings = Settings(report_at=report_at)
    findings = detect(world.ratings, world.accounts, T0 + timedelta(days=60), settings)
    assert len(findings) == found


def test_a_finding_at_exactly_report_at_is_kept():
    world = World()
    established_crowd(world)
    review = world.rate(world.account(), 1, T0 + timedelta(days=2))
    _, decided = score(world.ratings, world.accounts, T0 + timedelta(days=60))
    exact = decided[review].suspicion
    (finding,) = detect(world.ratings, world.accounts, T0 + timedelta(days=60),
                        Settings(report_at=exact))
    assert finding.score == round(exact, 3)
    assert detect(world.ratings, world.accounts, T0 + timedelta(days=60),
                  Settings(report_at=exact + 1e-9)) == []


def test_evidence_is_plain_and_complete():
    world = World()
    review = world.rate(world.account(), 5, T0)
    evidence = world.signals(review).evidence()
    assert set(evidence) == {"other_reviews", "account_age_days", "newness", "trusted_mean",
                             "deviation", "extremity", "context", "same_day", "all_extreme",
                             "early"}
    assert reviews.NAME == "review_behaviour"
