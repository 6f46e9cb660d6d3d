"""Review behaviour, on constructed products: a fresh account's extreme review against a
product its established reviewers agree on is caught; the same words from a long-standing
reviewer, or a fair review from a newcomer, are not. Each signal is checked at its edge."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors import Finding, reviews
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
    assert finding.subjects == (("review", review),)
    assert finding.evidence["rating"] == 1
    assert finding.evidence["account"] == fresh
    assert finding.evidence["product"] == PRODUCT
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


# --- worked examples: each signal's exact value, from the documented formula -------------
# A review by a fresh account (newness 1) of a product nobody trusted has rated yet, with no
# other review anywhere: the yardstick is ``default_mean`` (3.7), the context neutral (1/2),
# the review early (first of its product), and nothing else of its history counts, so
# suspicion = (0.1 + |x - 3.7| / 4 + |x - 3| / 2 + 0.5 + 0.25) / 3.85.

@pytest.mark.parametrize("stars, deviation, extremity, raw", [
    (1, 0.675, 1.0, 2.525),
    (2, 0.425, 0.5, 1.775),
    (3, 0.175, 0.0, 1.025),
    (4, 0.075, 0.5, 1.425),
    (5, 0.325, 1.0, 2.175),
])
def test_a_lone_review_worked_example(stars, deviation, extremity, raw):
    world = World()
    review = world.rate(world.account(), stars, T0)
    signals = world.signals(review)
    assert signals.review_id == review
    assert (signals.newness, signals.other_reviews, signals.account_age_days) == (1.0, 0, 0)
    assert signals.trusted_mean == pytest.approx(3.7)
    assert signals.deviation == pytest.approx(deviation)
    assert signals.extremity == extremity
    assert signals.context == 0.5
    assert (signals.same_day, signals.all_extreme, signals.early) == (False, False, True)
    assert signals.suspicion == pytest.approx(raw / 3.85)
    assert world.online(review) == pytest.approx(raw / 3.85)


def test_a_lone_one_star_review_makes_this_finding():
    world = World()
    account = world.account()
    review = world.rate(account, 1, T0, product=7)
    assert detect(world.ratings, world.accounts, T0 + timedelta(days=60)) == [Finding(
        detector="review_behaviour", subjects=(("review", review),),
        score=0.656,  # 2.525 / 3.85 = 0.65584...
        evidence={"rating": 1, "account": account, "product": 7, "other_reviews": 0,
                  "account_age_days": 0, "newness": 1.0, "trusted_mean": 3.7,
                  "deviation": 0.675, "extremity": 1.0, "context": 0.5, "same_day": False,
                  "all_extreme": False, "early": True})]


def test_findings_come_in_time_order_ties_by_review_id():
    world = World()
    ratings = [Rating(30, world.account(), 3, 1, T0 + timedelta(days=2)),
               Rating(20, world.account(), 2, 1, T0),
               Rating(10, world.account(), 1, 1, T0)]
    world.ratings = ratings
    findings = detect(ratings, world.accounts, T0 + timedelta(days=60))
    assert [f.subjects for f in findings] == [(("review", 10),), (("review", 20),),
                                              (("review", 30),)]
    assert [f.evidence["product"] for f in findings] == [1, 2, 3]


@pytest.mark.parametrize("newness, trusted_mean, deviation, context, expected", [
    (1 / 3, 4 + 1 / 6, 0.123456, 5 / 9,
     {"newness": 0.333, "trusted_mean": 4.17, "deviation": 0.123, "context": 0.556}),
    (0.2, 3.7, 0.325, 0.5,
     {"newness": 0.2, "trusted_mean": 3.7, "deviation": 0.325, "context": 0.5}),
    (0.00049, 1.004, 0.99951, 0.0004,
     {"newness": 0.0, "trusted_mean": 1.0, "deviation": 1.0, "context": 0.0}),
])
def test_evidence_rounds_to_three_places_the_mean_to_two(newness, trusted_mean, deviation,
                                                         context, expected):
    signals = reviews.Signals(
        review_id=9, newness=newness, other_reviews=4, account_age_days=12,
        trusted_mean=trusted_mean, deviation=deviation, extremity=0.5, context=context,
        same_day=True, all_extreme=False, early=True, suspicion=0.42)
    assert signals.evidence() == {
        "other_reviews": 4, "account_age_days": 12, "extremity": 0.5, "same_day": True,
        "all_extreme": False, "early": True, **expected}


# --- the context: the product's reviews against every product's ---------------------------

def context_world():
    """R1: a fresh 5 on product 1 (suspicion 2.175 / 3.85); R2 a day later: a 3 on product 2
    by an account of exactly 360 days (newness 0.5 / 2.5 = 0.2; suspicion 0.2 * 1.025 / 3.85);
    R3 a day after that: a fresh 4 on product 1."""
    world = World()
    r1 = world.rate(world.account(), 5, T0, product=1)
    r2 = world.rate(world.account(created_at=T0 - timedelta(days=359)), 3,
                    T0 + timedelta(days=1), product=2)
    r3 = world.rate(world.account(created_at=T0 + timedelta(days=2)), 4,
                    T0 + timedelta(days=2), product=1)
    return world, (r1, r2, r3)


# In units of 1/3.85: s1 = 2.175, s2 = 0.205. R3 online: typical (s1 + s2) / 2 = 1.19, its
# product's mean shrunk by two typical pseudo-reviews (2.175 + 2 * 1.19) / 3 = 4.555 / 3, so
# context = (4.555 / 3) / (4.555 / 3 + 1.19) = 4.555 / 8.125; s3 = 0.925 + 4.555 / 8.125.
S3 = 0.925 + 4.555 / 8.125
# R1 at decision time, R3 known: typical (s2 + s3) / 2, mean (s3 + 2 * typical) / 3, so
# context = (4 s3 + 2 s2) / (7 s3 + 5 s2).
R1_LATER = (4 * S3 + 2 * 0.205) / (7 * S3 + 5 * 0.205)


@pytest.mark.parametrize("which, days, expected", [
    (0, 0, 0.5),  # the first review of all: nothing to compare with
    (0, 1, 0.5),  # R2 known, but on another product: R1's product is like the others
    (0, 2, R1_LATER),
    (0, 400, R1_LATER),
    (1, 2, 0.5),  # a quiet product: its only review is compared with nothing but typical
    (2, 2, 4.555 / 8.125),
])
def test_context_worked_example(which, days, expected):
    world, ids = context_world()
    assert world.signals(ids[which], T0 + timedelta(days=days)).context == pytest.approx(
        expected)


def test_context_worked_example_online():
    world, (r1, r2, r3) = context_world()
    assert world.online(r1) == pytest.approx(2.175 / 3.85)
    assert world.online(r2) == pytest.approx(0.205 / 3.85)
    assert world.signals(r2).newness == pytest.approx(0.2)
    assert world.online(r3) == pytest.approx(S3 / 3.85)


@pytest.mark.parametrize("strength, expected", [
    (2.0, 4.555 / 8.125),
    (1.0, 1.6825 / (1.6825 + 1.19)),  # mean (2.175 + 1.19) / 2
    (1e9, 0.5),  # shrunk all the way to typical
])
def test_context_shrinks_to_typical_with_context_strength(strength, expected):
    world, (_, _, r3) = context_world()
    signals = world.signals(r3, settings=Settings(context_strength=strength))
    assert signals.context == pytest.approx(expected)


# --- the trusted mean: never the review itself ------------------------------------------

def trusted_world():
    """Two established reviewers (a first review of another product 300 days before, then
    trusted): V1 rates product 2 five stars the day before T0; V2 rates product 1 one star
    at T0; a fresh account rates product 1 three stars at T0 + 1 day (not trusted: a first
    review); V3 rates product 1 two stars at T0 + 2 days."""
    world = World()
    ids = {}
    for name, stars, at, product in (("v1", 5, T0 - timedelta(days=1), 2),
                                     ("v2", 1, T0, 1), ("fresh", 3, T0 + timedelta(days=1), 1),
                                     ("v3", 2, T0 + timedelta(days=2), 1)):
        if name == "fresh":
            ids[name] = world.rate(world.account(created_at=at), stars, at, product=product)
            continue
        account = world.account(created_at=T0 - timedelta(days=400))
        world.rate(account, 4, T0 - timedelta(days=300 + len(ids)), product=90 + len(ids))
        ids[name] = world.rate(account, stars, at, product=product)
    return world, ids


@pytest.mark.parametrize("name, days, trusted_mean", [
    # V2's own one star is not its yardstick: global mean 5 (V1), product 1 has no other.
    ("v2", 0, 5.0),
    ("v2", 1, 5.0),  # the fresh three is a first review: not trusted
    ("v2", 2, (2 + 3 * 3.5) / 4),  # V3's two known: global (5 + 2) / 2, product 1 {2}
    ("v2", 32, (2 + 3 * 3.5) / 4),
    ("fresh", 1, (1 + 3 * 3) / 4),  # global (5 + 1) / 2 = 3, product 1 {1}
    ("fresh", 2, (1 + 2 + 3 * 8 / 3) / 5),  # global (5 + 1 + 2) / 3, product 1 {1, 2}
    ("v3", 2, (1 + 3 * 3) / 4),  # its own two excluded
    ("v1", -1, 3.7),  # nothing trusted but itself yet: the default mean
    ("v1", 0, 1.0),  # V2's one star, at T0, is known at T0
    ("v1", 2, (3 * 1.5) / 3),  # global (1 + 2) / 2 without itself; product 2 has no other
])
def test_the_trusted_mean_at_decision_time(name, days, trusted_mean):
    world, ids = trusted_world()
    signals = world.signals(ids[name], T0 + timedelta(days=days))
    assert signals.trusted_mean == pytest.approx(trusted_mean)
    stars = {"v1": 5, "v2": 1, "fresh": 3, "v3": 2}[name]
    assert signals.deviation == pytest.approx(abs(stars - trusted_mean) / 4)


def test_the_default_mean_is_a_setting():
    world = World()
    review = world.rate(world.account(), 4, T0)
    signals = world.signals(review, settings=Settings(default_mean=2.5))
    assert (signals.trusted_mean, signals.deviation) == (2.5, 1.5 / 4)


@pytest.mark.parametrize("strength, expected", [
    # The fresh three at T0 + 1 day: product 1 {1}, global mean 3.
    (3.0, (1 + 3 * 3) / 4),
    (1.0, (1 + 3) / 2),
    (0.5, (1 + 0.5 * 3) / 1.5),
])
def test_mean_strength_shrinks_the_product_mean_to_the_global(strength, expected):
    world, ids = trusted_world()
    signals = world.signals(ids["fresh"], settings=Settings(mean_strength=strength))
    assert signals.trusted_mean == pytest.approx(expected)


# --- online: only what came before; at decision time, up to ``until`` ----------------------

def scenario_same_day():
    world = World()
    account = world.account(created_at=T0 - timedelta(days=45))
    for hours, stars in ((0, 4), (2, 5), (5, 3), (26, 4)):
        world.rate(account, stars, T0 + timedelta(hours=hours), product=10 + hours)
    return world


def scenario_extremes():
    world = World()
    account = world.account()
    for day, stars in enumerate((1, 5, 1, 5, 4, 1)):
        world.rate(account, stars, T0 + timedelta(days=day), product=day)
    other = world.account()
    for day, stars in enumerate((5, 5, 5)):
        world.rate(other, stars, T0 + timedelta(days=day, hours=1), product=day)
    return world


def scenario_trusted():
    world, _ = trusted_world()
    return world


def scenario_without_accounts():
    world = World()
    for day, stars in ((0, 1), (40, 5), (200, 5)):
        world.ratings.append(Rating(len(world.ratings) + 1, 77, 1 + day % 3, stars,
                                    T0 + timedelta(days=day)))
    staff = world.account(created_at=T0 - timedelta(days=30), staff=True)
    world.rate(staff, 2, T0 + timedelta(days=1), product=1)
    world.rate(staff, 2, T0 + timedelta(days=41), product=2)
    return world


@pytest.mark.parametrize("scenario", [scenario_same_day, scenario_extremes, scenario_trusted,
                                      scenario_without_accounts, lambda: context_world()[0]])
def test_online_is_decision_time_at_the_reviews_own_instant(scenario):
    """Without another review at the same instant, what was known before a review is what
    is known at its time: both scorings agree, signal for signal."""
    book = scenario().book()
    assert len({r.at for r in book.ratings}) == len(book.ratings)
    for index, rating in enumerate(book.ratings):
        assert book.online[index] == pytest.approx(book.signals(index, rating.at).suspicion,
                                                   rel=1e-12), rating


def test_reviews_at_the_same_instant_online_and_at_decision_time():
    """Two reviews of product 1 at T0: the fresh five (id 1) sorts first, so online it does
    not see the established one star (id 2); at decision time, at T0 already, it does."""
    world = World()
    fresh = world.account(created_at=T0)
    veteran = world.account(created_at=T0 - timedelta(days=400))
    world.ratings.append(Rating(3, veteran, 99, 4, T0 - timedelta(days=300)))
    world.ratings.append(Rating(2, veteran, 1, 1, T0))
    world.ratings.append(Rating(1, fresh, 1, 5, T0))
    book = world.book()
    assert [r.review_id for r in book.ratings] == [3, 1, 2]
    # Online, the five saw nothing trusted: default mean, and nothing of product 1's to
    # compare with: context 1/2.
    assert book.online[1] == pytest.approx((0.1 + 0.325 + 1 + 0.5 + 0.25) / 3.85)
    at_once = book.signals(1, T0)
    assert (at_once.trusted_mean, at_once.deviation) == (pytest.approx(1.0), pytest.approx(1.0))
    assert at_once.suspicion > book.online[1]
    assert at_once.early and book.signals(2, T0).early  # ranks 0 and 1
    # The one star, second in order, saw the five online: both scorings agree on it.
    assert book.online[2] == pytest.approx(book.signals(2, T0).suspicion)
    assert book.signals(2, T0).trusted_mean == pytest.approx(3.7)


def test_a_review_without_an_account_dates_it_from_its_first_review():
    world = World()
    for day in (0, 90):
        world.ratings.append(Rating(day + 1, 42, 1 + day, 4, T0 + timedelta(days=day)))
    first, second = world.signals(1), world.signals(91)
    assert (first.account_age_days, first.other_reviews, first.newness) == (0, 0, 1.0)
    # One other review another day, 90 days (half an age unit) since the first.
    assert (second.account_age_days, second.other_reviews) == (90, 1)
    assert second.newness == pytest.approx(0.5 / (1 + 0.5 + 0.5))
    later = world.signals(1, T0 + timedelta(days=90))
    assert (later.account_age_days, later.other_reviews) == (0, 1)
    assert later.newness == pytest.approx(0.5 / 1.5)
    assert world.online(91) == pytest.approx(second.suspicion)


@pytest.mark.parametrize("created, reviewed, age_days, membership_days", [
    (T0, T0, 0, 0),
    (T0 - timedelta(days=10), T0, 10, 10),
    (T0, T0 + timedelta(hours=36), 1, 1.5),  # whole days in the evidence, not in newness
    (T0 + timedelta(days=5), T0, 0, 0),  # created after the review (imported data)
])
def test_account_age(created, reviewed, age_days, membership_days):
    world = World()
    review = world.rate(world.account(created_at=created), 4, reviewed)
    signals = world.signals(review)
    assert signals.account_age_days == age_days
    assert signals.newness == pytest.approx(0.5 / (membership_days / 180 + 0.5))


# --- history: same day, all extreme ------------------------------------------------------

@pytest.mark.parametrize("first, second, until, expected", [
    ((0, 0), (0, 23), (0, 23), True),  # midnight and a minute to midnight: one calendar day
    ((0, 23), (1, 1), (1, 1), False),  # two hours apart, but across midnight
    ((0, 9), (1, 9), (1, 9), False),  # 24 hours apart
    ((0, 9), (0, 15), (0, 10), False),  # the second not yet known
    ((0, 9), (0, 15), (0, 15), True),
    ((0, 9), (2, 9), (2, 9), False),
])
def test_same_day_is_a_calendar_day(first, second, until, expected):
    world = World()
    account = world.account()
    day = datetime(2026, 1, 5)

    def at(d_h):
        return day + timedelta(days=d_h[0], hours=d_h[1], minutes=59 if d_h[1] == 23 else 0)

    one = world.rate(account, 4, at(first), product=1)
    world.rate(account, 4, at(second), product=2)
    assert world.signals(one, at(until)).same_day is expected


@pytest.mark.parametrize("stars, expected", [
    ((1, 1, 1), True),
    ((5, 5, 5), True),
    ((1, 5, 1), True),
    ((5, 1, 5), True),
    ((2, 2, 2), False),
    ((4, 4, 4), False),
    ((5, 5, 4), False),
    ((3, 1, 1), False),
    ((1, 1), False),  # fewer than history_min
    ((5, 1, 5, 1, 5), True),
])
def test_all_extreme_table(stars, expected):
    world = World()
    account = world.account()
    ids = [world.rate(account, value, T0 + timedelta(days=n), product=n)
           for n, value in enumerate(stars)]
    assert world.signals(ids[-1]).all_extreme is expected
    # Judged later, the first review sees the whole history.
    assert world.signals(ids[0], T0 + timedelta(days=len(stars))).all_extreme is expected


@pytest.mark.parametrize("history_min, expected", [(1, True), (2, True), (3, False)])
def test_history_min_edge(history_min, expected):
    world = World()
    account = world.account()
    world.rate(account, 1, T0, product=1)
    last = world.rate(account, 5, T0 + timedelta(days=1), product=2)
    assert world.signals(last, settings=Settings(history_min=history_min)).all_extreme \
        is expected


def test_each_history_sign_adds_its_weight():
    """Three fives the same day by a fresh account: the third is same-day, all-extreme and
    early; its suspicion with every sign minus without any is 3 * 0.25 * newness / 3.85."""
    world = World()
    account = world.account(created_at=T0 + timedelta(hours=2))  # no membership to count
    ids = [world.rate(account, 5, T0 + timedelta(hours=n), product=n) for n in range(3)]
    signals = world.signals(ids[-1])
    assert (signals.same_day, signals.all_extreme, signals.early) == (True, True, True)
    quiet = world.signals(ids[-1], settings=Settings(history_weight=0.0))
    # The ceiling drops with the weight (3.85 -> 3.1): compare raw values.
    raw = signals.suspicion * 3.85
    quiet_raw = quiet.suspicion * 3.1
    assert raw - quiet_raw == pytest.approx(3 * 0.25 * signals.newness, rel=1e-6)
    assert signals.newness == pytest.approx(0.5 / (0.5 + 2 * 0.5))  # two same-day others


# --- early --------------------------------------------------------------------------------

@pytest.mark.parametrize("early_count, flags", [
    (0, [False] * 4),
    (1, [True, False, False, False]),
    (3, [True, True, True, False]),
])
def test_early_count_edge(early_count, flags):
    world = World()
    ids = [world.rate(world.account(), 4, T0 + timedelta(days=n)) for n in range(4)]
    settings = Settings(early_count=early_count)
    assert [world.signals(i, settings=settings).early for i in ids] == flags
    # Later evidence does not change a review's rank.
    assert [world.signals(i, T0 + timedelta(days=9), settings).early for i in ids] == flags


@pytest.mark.parametrize("launch_days, review_days, early_days, expected", [
    (0, 0, 30, True),
    (0, 30, 30, True),
    (0, 31, 30, False),
    (0, 3, 2, False),
    (0, 2, 2, True),
    (10, 0, 30, True),  # before the launch
    (0, 0, 0, True),
])
def test_early_by_launch_date(launch_days, review_days, early_days, expected):
    world = World()
    for n in range(S.early_count):  # the product's first reviews, long before
        world.rate(world.account(), 4, T0 - timedelta(days=400 + n), product=3)
    review = world.rate(world.account(), 4, T0 + timedelta(days=review_days), product=3,
                        launched=T0 + timedelta(days=launch_days))
    assert world.signals(review, settings=Settings(early_days=early_days)).early is expected


# --- the settings reach every path; suspicion stays in [0, 1] -----------------------------

def test_score_and_detect_use_the_settings_given():
    world = World()
    account = world.account(created_at=T0 - timedelta(days=90))  # half an age unit
    review = world.rate(account, 1, T0)
    now = T0 + timedelta(days=60)
    _, default = score(world.ratings, world.accounts, now)
    slow = Settings(age_unit=timedelta(days=90000))  # membership hardly counts
    _, aged = score(world.ratings, world.accounts, now, slow)
    assert default[review].newness == pytest.approx(0.5)
    assert aged[review].newness == pytest.approx(0.5 / 0.501)
    assert detect(world.ratings, world.accounts, now) == []
    (finding,) = detect(world.ratings, world.accounts, now, slow)
    assert finding.score == round(aged[review].suspicion, 3)
    assert world.online(review, slow) == pytest.approx(aged[review].suspicion)


def test_suspicion_is_capped_at_one():
    """With a yardstick set off the scale (a misconfigured default mean of 13), the raw score
    of a fresh one star exceeds the ceiling: (0.1 + 3 + 1 + 0.5 + 0.25) / 3.85 > 1."""
    world = World()
    review = world.rate(world.account(), 1, T0)
    settings = Settings(default_mean=13.0)
    assert world.signals(review, settings=settings).suspicion == 1.0
    assert world.online(review, settings=settings) == 1.0
