"""The cheap detectors on write (SQLite and PostgreSQL): an impossible testimonial posted in the
forums and a burst of fresh accounts' votes open a flag in the writer's transaction; a
long-time member's same words, or established members' votes, do not."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from community.extensions import db
from community.forums import admin
from community.moderation.models import Flag, FlagKind, FlagState
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.forums.conftest import new_topic
from tests.ideas.factories import make_idea
from tests.trust.test_scan import people, vote

CLAIM = "I have been using this product for five years and it never failed me."


def flags(app):
    with app.app_context():
        return {(f.subject_type, f.subject_id): f for f in db.session.scalars(
            sa.select(Flag).where(Flag.kind == FlagKind.DETECTOR))}


def category(app):
    with app.app_context():
        general = admin.create_category("General", slug="general", position=1)
        db.session.commit()
        return general.id


def test_an_impossible_testimonial_is_flagged_when_posted(app):
    newcomer = make_user(app, "New Comer", "new@example.com", created_at=utcnow())
    topic = new_topic(app, newcomer.id, category(app), title="Five years of happiness",
                      body=CLAIM)
    with app.app_context():
        from community.forums.models import Post

        post_id = db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic))
    flag = flags(app)[("post", post_id)]
    assert flag.state is FlagState.OPEN and flag.detector == "trust"
    assert flag.evidence["on_write"] is True
    (finding,) = flag.evidence["findings"]
    assert finding["detector"] == "impossible_testimonial"
    assert finding["evidence"]["against"] == "account"
    assert finding["evidence"]["claimed_days"] == 5 * 365


def test_a_long_time_members_same_words_are_not_flagged(app):
    veteran = make_user(app, "Old Timer", "old@example.com",
                        created_at=utcnow() - timedelta(days=6 * 365))
    new_topic(app, veteran.id, category(app), title="Five years of happiness", body=CLAIM)
    assert flags(app) == {}


def test_a_burst_of_fresh_accounts_is_flagged_by_the_vote_that_makes_it(app):
    author = make_user(app, "Ada Author", "ada@example.com").id
    idea = make_idea(app, author)
    crowd = people(app, "Fresh", 20, age_days=1)
    for user_id in crowd[:7]:
        vote(app, user_id, idea)
    assert ("idea", idea) not in flags(app)  # seven votes: under min_events
    for user_id in crowd[7:10]:
        vote(app, user_id, idea)
    # Ten votes are a burst, but a mild one: its fused suspicion stays under TRUST_FLAG_AT.
    assert ("idea", idea) not in flags(app)
    for user_id in crowd[10:]:
        vote(app, user_id, idea)
    flag = flags(app)[("idea", idea)]
    assert flag.evidence["lead"] == "burst" and flag.score >= app.config["TRUST_FLAG_AT"]
    (finding,) = flag.evidence["findings"]
    assert finding["evidence"]["count"] == 20
    assert finding["evidence"]["young_share"] == 1.0


def test_established_members_voting_together_are_not_a_burst(app):
    author = make_user(app, "Ada Author", "ada@example.com").id
    idea = make_idea(app, author)
    for user_id in people(app, "Old", 20, age_days=400):
        vote(app, user_id, idea)
    assert flags(app) == {}


def test_a_review_using_the_product_before_its_launch_is_flagged(app):
    from datetime import date

    from tests.reviews.factories import make_product, make_review

    product = make_product(app, launched_on=date(2024, 3, 1))
    member = make_user(app, "Rita Reviewer", "rita@example.com",
                       created_at=utcnow() - timedelta(days=4 * 365))
    honest = make_user(app, "Hugo Honest", "hugo@example.com",
                       created_at=utcnow() - timedelta(days=4 * 365))
    claimed = make_review(app, member.id, product, since=date(2021, 1, 1))
    fair = make_review(app, honest.id, product, since=date(2024, 4, 1))
    found = flags(app)
    assert ("review", fair) not in found
    flag = found[("review", claimed)]
    (finding,) = flag.evidence["findings"]
    assert finding["detector"] == "impossible_testimonial"
    assert finding["evidence"]["claim"] == "using it since 2021-01"
    assert finding["evidence"]["against"] == "product"
    assert flag.score >= 0.9
