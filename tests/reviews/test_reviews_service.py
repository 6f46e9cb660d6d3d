"""The reviews' services without HTTP: the activity row shares the review's transaction, the
trust source streams what the scan needs, and the product page's queries stay bounded."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from community.accounts.activity import Activity, ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.refusals import Refused
from community.reviews import service
from community.reviews.models import Product, Review
from community.timeutil import utcnow
from community.trust import sources
from community.trust.detectors.events import Interaction, Rating, Text
from tests.conftest import make_user
from tests.helpers import queries_for, statements_run
from tests.reviews.factories import make_product, make_review

SINCE = date(2024, 6, 1)


def review_activity() -> list[Activity]:
    return list(db.session.scalars(sa.select(Activity).where(Activity.subject_type == "review")))


def test_a_rolled_back_review_takes_its_activity_row_with_it(app, member):
    product_id = make_product(app)
    with app.app_context():
        author = db.session.get(User, member.id)
        review = service.write_review(author, db.session.get(Product, product_id), 5, "Great",
                                      "Really great product.", SINCE)
        db.session.flush()
        [row] = review_activity()
        assert (row.kind, row.subject_id, row.value) == (ActivityKind.REVIEW_WRITTEN,
                                                          review.id, 5)
        db.session.rollback()
        assert review_activity() == [] and db.session.scalar(sa.select(Review)) is None


@pytest.mark.parametrize("rating, since, code", [
    (0, SINCE, "reviews.rating"), (6, SINCE, "reviews.rating"), (True, SINCE, "reviews.rating"),
    (4, date(2999, 1, 1), "reviews.future"), (4, utcnow().date() + timedelta(days=32),
                                               "reviews.future"),
])
def test_refused_writes_add_no_activity_row(app, member, rating, since, code):
    product_id = make_product(app)
    with app.app_context():
        author = db.session.get(User, member.id)
        with pytest.raises(Refused) as refused:
            service.write_review(author, db.session.get(Product, product_id), rating, "Title",
                                 "A long enough text.", since)
        assert refused.value.code == code
        assert not [a for a in db.session.new if isinstance(a, Activity)]
        db.session.flush()
        assert review_activity() == []


def test_using_since_is_kept_as_the_first_day_of_its_month(app, member):
    product_id = make_product(app)
    with app.app_context():
        review = service.write_review(db.session.get(User, member.id),
                                      db.session.get(Product, product_id), 4, "Title",
                                      "A long enough text.", date(2024, 6, 15))
        assert review.using_since == date(2024, 6, 1)


def test_the_database_decides_between_two_reviews_sent_at_once(app, member, monkeypatch):
    """Both requests passed the "already reviewed?" check before either wrote: the unique key
    refuses the second, which writes no activity row."""
    product_id = make_product(app)
    make_review(app, member.id, product_id)
    monkeypatch.setattr(service, "_has_reviewed", lambda author, product: False)
    with app.app_context():
        with pytest.raises(Refused) as refused:
            service.write_review(db.session.get(User, member.id),
                                 db.session.get(Product, product_id), 3, "Again", "Once more.",
                                 SINCE)
        assert (refused.value.code, refused.value.status) == ("reviews.already_reviewed", 409)
        assert not [a for a in db.session.new if isinstance(a, Activity)]
        db.session.commit()
        assert len(review_activity()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1


def test_trust_source_streams_ratings_texts_and_helpful_marks(app, member):
    product_id = make_product(app, launched_on=date(2024, 3, 15))
    old = make_review(app, member.id, product_id, rating=2, title="Old one", body="Old text.")
    bob = make_user(app, "Bob Other", "bob@example.com")
    with app.app_context():
        db.session.get(Review, old).updated_at = datetime(2025, 1, 1)
        db.session.commit()
    new = make_review(app, bob.id, product_id, rating=5, title="New one", body="New text.")
    with app.app_context():
        service.toggle_helpful(db.session.get(User, member.id), db.session.get(Review, new))
        db.session.commit()
        launched = datetime(2024, 3, 15)
        ratings = list(sources.ratings())
        assert [(r.review_id, r.account_id, r.product_id, r.rating, r.product_launched_at)
                for r in ratings] == [(old, member.id, product_id, 2, launched),
                                      (new, bob.id, product_id, 5, launched)]
        assert all(isinstance(r, Rating) for r in ratings)
        since = utcnow() - timedelta(hours=1)
        assert [r.review_id for r in sources.ratings(since)] == [new]
        [text] = list(sources.texts(since))
        assert text == Text(("review", new), bob.id, text.at, "New one\nNew text.", launched,
                            claimed_since=datetime(2024, 6, 1))  # make_review's "since"
        assert [t.text for t in sources.texts()] == ["Old one\nOld text.", "New one\nNew text."]
        [mark] = list(sources.interactions(since))
        assert mark == Interaction(member.id, bob.id, "helpful", ("review", new), mark.at)
        assert list(sources.interactions(utcnow() + timedelta(hours=1))) == []


def test_an_edit_brings_an_old_review_back_into_the_scan(app, member):
    review_id = make_review(app, member.id, make_product(app))
    with app.app_context():
        review = db.session.get(Review, review_id)
        review.updated_at = review.created_at = datetime(2025, 1, 1)
        db.session.commit()
        since = utcnow() - timedelta(minutes=5)
        assert list(sources.ratings(since)) == []
        service.edit_review(db.session.get(User, member.id), review, 1, review.title,
                            review.body_md, review.using_since)
        db.session.commit()
        assert [(r.review_id, r.rating) for r in sources.ratings(since)] == [(review_id, 1)]


def test_the_rating_source_selects_only_what_the_events_need(app, member):
    make_review(app, member.id, make_product(app))
    with statements_run(app) as seen, app.app_context():
        list(sources.ratings(utcnow() - timedelta(days=1)))
    [statement] = [s for s in seen if "reviews" in s]
    assert "body_md" not in statement and "body_html" not in statement
    assert "title" not in statement and "updated_at >=" in statement.replace('"', "")


def test_the_product_page_costs_the_same_queries_for_3_or_30_reviews(app, client):
    product_id = make_product(app)

    def add(n, start):
        for i in range(start, start + n):
            user = make_user(app, f"Writer {i}", f"w{i}@example.com")
            make_review(app, user.id, product_id, rating=1 + i % 5)

    add(3, 0)
    few = queries_for(app, client, "/products/desktop/reviews")
    add(27, 3)
    assert queries_for(app, client, "/products/desktop/reviews") == few
    assert few <= 8
