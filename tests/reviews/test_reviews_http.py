"""Product reviews over HTTP, per action and role, on SQLite and PostgreSQL; the activity log
row is written with the action, and a refused action writes none."""

from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from community.accounts.models import Role, User
from community.extensions import db
from community.moderation import actions
from community.reviews.models import Product, Review, ReviewHelpful, ReviewRevision
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import post_form, text
from tests.reviews.factories import activities, count, get_review, make_product, make_review

PAGE = "/products/desktop/reviews"
NEW = "/products/desktop/reviews/new"
GOOD = {"rating": "4", "title": "Solid and quick", "body": "I use it **every day** for invoices.",
        "since_month": "6", "since_year": "2024"}


def client_for(app, name, email, **fields):
    make_user(app, name, email, **fields)
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


# ---- writing ----

def test_verified_member_writes_a_review_and_one_activity_row_is_logged(app, auth, member):
    make_product(app)
    response = post_form(auth, NEW, GOOD)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = text(auth.get(PAGE))
    assert "Solid and quick" in page and "<strong>every day</strong>" in page
    assert "4 out of 5" in page and "Using it since June 2024" in page
    with app.app_context():
        review = db.session.scalar(sa.select(Review))
        assert (review.author_id, review.rating, review.staff) == (member.id, 4, False)
    assert activities(app) == [(member.id, "review_written", "review", review.id, 4)]


def test_second_review_of_a_product_is_refused_and_logs_nothing(app, auth, member):
    product_id = make_product(app)
    make_review(app, member.id, product_id)
    before = activities(app)
    response = post_form(auth, NEW, {**GOOD, "title": "Another one"}, get_url=PAGE)
    assert response.status_code == 409
    assert "You have already reviewed this product" in text(response)
    assert 'value="Another one"' in text(response)  # what was typed is kept
    assert count(app, Review) == 1 and activities(app) == before


def test_database_refuses_a_second_review_and_a_rating_out_of_range(app, member):
    product_id = make_product(app)
    make_review(app, member.id, product_id)
    now = utcnow()
    for rating, author_id in ((4, member.id), (6, None), (0, None)):
        with app.app_context():
            db.session.add(Review(product_id=product_id, author_id=author_id, rating=rating,
                                  title="t", body_md="b", body_html="b",
                                  using_since=now.date().replace(day=1)))
            try:
                db.session.commit()
            except sa.exc.IntegrityError:
                db.session.rollback()
            else:
                raise AssertionError(f"rating {rating} by {author_id} was stored")
    assert count(app, Review) == 1


def test_reviewed_member_opening_the_form_is_sent_to_their_review(app, auth, member):
    review_id = make_review(app, member.id, make_product(app))
    response = auth.get(NEW)
    assert response.headers["Location"] == f"/reviews/{review_id}/edit"


def test_unverified_member_is_refused_with_a_message_and_nothing_is_logged(app, client):
    make_product(app)
    una = client_for(app, "Una V", "una@example.com", verified=False)
    page = una.get(NEW)
    assert page.status_code == 403
    assert "Please confirm your e-mail address before writing a review." in text(page)
    assert "Please confirm your e-mail address before writing a review." in text(una.get(PAGE))
    response = post_form(una, NEW, GOOD, get_url=PAGE)
    assert response.status_code == 403
    assert count(app, Review) == 0 and activities(app) == []


def test_visitors_are_sent_to_log_in(app, client):
    make_product(app)
    assert "Log in to write a review" in text(client.get(PAGE))
    response = client.get(NEW)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = post_form(client, NEW, GOOD, get_url="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(app, Review) == 0


def test_bad_rating_is_a_form_error_with_the_input_kept_and_nothing_logged(app, auth):
    make_product(app)
    before = activities(app)
    for rating in ("0", "6", "abc", "", "4.5", "-1", str(2**64)):
        response = post_form(auth, NEW, {**GOOD, "rating": rating})
        assert response.status_code == 422, rating
        assert "Choose a rating from 1 to 5." in text(response)
        assert 'value="Solid and quick"' in text(response)
    response = post_form(auth, NEW, {k: v for k, v in GOOD.items() if k != "rating"})
    assert response.status_code == 422
    assert count(app, Review) == 0 and activities(app) == before


def test_using_since_in_the_future_or_malformed_is_refused(app, auth):
    make_product(app)
    now = utcnow()
    future = now.replace(day=1) + timedelta(days=40)  # next month (maybe next year)
    cases = [({"since_month": str(future.month), "since_year": str(future.year)},
              "cannot be in the future"),
             ({"since_year": str(now.year + 1)}, "cannot be in the future"),
             ({"since_month": "13"}, "Choose a month."), ({"since_month": "0"}, "Choose a month."),
             ({"since_month": "june"}, "Choose a month."),
             ({"since_year": "1066"}, "Choose a year."), ({"since_year": "9x"}, "Choose a year."),
             ({"since_year": ""}, "Choose a year."), ({"since_month": ""}, "Choose a month.")]
    for change, message in cases:
        response = post_form(auth, NEW, {**GOOD, **change})
        assert response.status_code == 422, change
        assert message in text(response), change
    assert count(app, Review) == 0


def test_using_since_before_the_launch_is_accepted(app, auth, member):
    make_product(app)  # launched in March 2024
    response = post_form(auth, NEW, {**GOOD, "since_month": "1", "since_year": "2019"})
    assert response.status_code == 302
    assert get_review(app, 1).using_since.isoformat() == "2019-01-01"


def test_unknown_product_is_404(auth):
    assert auth.get("/products/nope/reviews").status_code == 404
    assert auth.get("/products/nope/reviews/new").status_code == 404
    assert auth.get("/products/nope").status_code == 404


# ---- editing, history, deleting ----

def test_author_edits_and_the_history_keeps_the_previous_version(app, auth, member):
    review_id = make_review(app, member.id, make_product(app), rating=2, title="Slow at first")
    response = post_form(auth, f"/reviews/{review_id}/edit",
                         {**GOOD, "rating": "5", "title": "Fast after the update"})
    assert response.status_code == 302
    review = get_review(app, review_id)
    assert (review.rating, review.title, review.revision_count) == (5, "Fast after the update", 1)
    history = text(auth.get(f"/reviews/{review_id}/history"))
    assert "Slow at first" in history and "2 out of 5" in history
    assert "Fast after the update" in history and "Version 1" in history
    assert activities(app)[-2:] == [(member.id, "review_written", "review", review_id, 2),
                                    (member.id, "review_edited", "review", review_id, 5)]


def test_an_edit_that_changes_nothing_keeps_no_version_and_logs_nothing(app, auth, member):
    review_id = make_review(app, member.id, make_product(app), rating=4, title=GOOD["title"],
                            body=GOOD["body"])
    before = activities(app)
    response = post_form(auth, f"/reviews/{review_id}/edit", GOOD, follow_redirects=True)
    assert "Nothing changed." in text(response)
    assert count(app, ReviewRevision) == 0 and activities(app) == before


def test_bad_edit_is_refused_and_keeps_the_review(app, auth, member):
    review_id = make_review(app, member.id, make_product(app))
    before = activities(app)
    response = post_form(auth, f"/reviews/{review_id}/edit", {**GOOD, "rating": "9",
                                                               "title": "Changed"})
    assert response.status_code == 422 and 'value="Changed"' in text(response)
    assert get_review(app, review_id).title == "Solid and quick"
    assert activities(app) == before and count(app, ReviewRevision) == 0


def test_other_members_cannot_edit_or_delete_a_review(app, member):
    review_id = make_review(app, member.id, make_product(app))
    bob = client_for(app, "Bob Other", "bob@example.com")
    for url in (f"/reviews/{review_id}/edit", f"/reviews/{review_id}/delete"):
        assert bob.get(url).status_code == 403
        response = post_form(bob, url, {**GOOD, "title": "Hijacked"},
                             get_url=f"/reviews/{review_id}")
        assert response.status_code == 403
        assert "Only the review's author can do this." in unescape(text(response))
    assert get_review(app, review_id).title == "Solid and quick"


def test_moderators_cannot_edit_a_members_review(app, member):
    review_id = make_review(app, member.id, make_product(app))
    mo = client_for(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    assert mo.get(f"/reviews/{review_id}/edit").status_code == 403


def test_author_deletes_after_confirming_then_may_review_again(app, auth, member):
    product_id = make_product(app)
    review_id = make_review(app, member.id, product_id)
    bob = client_for(app, "Bob Other", "bob@example.com")
    post_form(bob, f"/reviews/{review_id}/helpful", {}, get_url=PAGE)
    post_form(auth, f"/reviews/{review_id}/edit", {**GOOD, "title": "Edited once"})
    confirm = auth.get(f"/reviews/{review_id}/delete")
    assert confirm.status_code == 200 and "deleted for good" in text(confirm)
    assert count(app, Review) == 1  # the GET deletes nothing
    response = post_form(auth, f"/reviews/{review_id}/delete", {})
    assert response.status_code == 302
    assert count(app, Review) == count(app, ReviewRevision) == count(app, ReviewHelpful) == 0
    assert post_form(auth, NEW, GOOD).status_code == 302


def test_delete_without_csrf_is_rejected(app, auth, member):
    review_id = make_review(app, member.id, make_product(app))
    response = auth.post(f"/reviews/{review_id}/delete", data={})
    assert response.status_code == 400
    assert count(app, Review) == 1


# ---- helpful marks and sorting ----

def test_helpful_toggles_and_never_on_ones_own_review(app, auth, member):
    review_id = make_review(app, member.id, make_product(app))
    own = post_form(auth, f"/reviews/{review_id}/helpful", {}, get_url=PAGE,
                    follow_redirects=True)
    assert "You cannot mark this review as helpful." in text(own)
    bob = client_for(app, "Bob Other", "bob@example.com")
    post_form(bob, f"/reviews/{review_id}/helpful", {}, get_url=PAGE)
    assert get_review(app, review_id).helpful_count == 1
    assert 'aria-pressed="true"' in text(bob.get(PAGE))
    post_form(bob, f"/reviews/{review_id}/helpful", {}, get_url=PAGE)
    assert get_review(app, review_id).helpful_count == 0
    assert count(app, ReviewHelpful) == 0


def test_unverified_members_and_visitors_cannot_mark_helpful(app, client, member):
    review_id = make_review(app, member.id, make_product(app))
    response = post_form(client, f"/reviews/{review_id}/helpful", {}, get_url="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    una = client_for(app, "Una V", "una@example.com", verified=False)
    post_form(una, f"/reviews/{review_id}/helpful", {}, get_url=PAGE)
    assert count(app, ReviewHelpful) == 0


def test_sorts_newest_most_helpful_and_rating(app, client):
    product_id = make_product(app)
    ids = {}
    for name, rating in (("Ann", 3), ("Ben", 5), ("Cat", 1)):
        user = make_user(app, f"{name} Writer", f"{name.lower()}@example.com")
        ids[name] = make_review(app, user.id, product_id, rating=rating, title=f"By {name}")
    voter = client_for(app, "Vic Voter", "vic@example.com")
    post_form(voter, f"/reviews/{ids['Cat']}/helpful", {}, get_url=PAGE)

    def order(sort):
        page = text(client.get(f"{PAGE}?sort={sort}"))
        return sorted(ids, key=lambda n: page.index(f"By {n}"))

    assert order("newest") == ["Cat", "Ben", "Ann"]
    assert order("helpful") == ["Cat", "Ben", "Ann"]  # Cat has a mark; then newest first
    assert order("rating") == ["Ben", "Ann", "Cat"]
    assert order("nonsense") == order("newest")


def test_pages_of_reviews(app, client):
    app.config["REVIEWS_PER_PAGE"] = 2
    product_id = make_product(app)
    for i in range(5):
        user = make_user(app, f"Writer {i}", f"w{i}@example.com")
        make_review(app, user.id, product_id, title=f"Review number {i}")
    first, third = text(client.get(PAGE)), text(client.get(f"{PAGE}?page=3"))
    assert "Review number 4" in first and "Review number 2" not in first
    assert 'rel="next"' in first and "Review number 0" in third and 'rel="next"' not in third


# ---- what the page shows ----

def test_each_review_shows_its_author_facts(app, client, member):
    first = make_product(app)
    second = make_product(app, "Cercle Mobile", "mobile")
    make_review(app, member.id, first)
    make_review(app, member.id, second, rating=2)
    page = text(client.get(PAGE))
    assert "Alice Martin" in page and "Verified member" in page
    with app.app_context():
        since = db.session.get(User, member.id).created_at.strftime("%B %Y")
    assert f"member since {since}" in page and "2 reviews" in page
    assert "4 out of 5" in page and "found this helpful" not in page  # no mark yet


def test_average_and_distribution_leave_staff_and_discounted_reviews_apart(app, client):
    product_id = make_product(app)
    for name, rating, fields in (("Ann", 5, {}), ("Ben", 4, {}), ("Cat", 4, {}),
                                 ("Pat", 1, {"role": Role.PRODUCT}),
                                 ("Dan", 1, {"votes_discounted_at": utcnow()})):
        user = make_user(app, f"{name} Writer", f"{name.lower()}@example.com", **fields)
        make_review(app, user.id, product_id, rating=rating, title=f"By {name}")
    page = text(client.get(PAGE))
    assert "4.3 out of 5" in page and "average of 3 trusted reviews" in page
    assert "Not in the average: 1 from the team, 1 counted apart by the moderators." in page
    trusted, staff = page.index('id="list-heading"'), page.index('id="staff-heading"')
    discounted = page.index('id="discounted-heading"')
    assert trusted < page.index("By Ann") < staff < page.index("By Pat") < discounted
    assert page.index("By Dan") > discounted
    assert "By Pat" not in page[trusted:staff] and "By Dan" not in page[trusted:staff]
    only_staff = text(client.get(f"{PAGE}?group=staff"))
    assert "By Pat" in only_staff and "By Ann" not in only_staff


def test_discounting_a_member_later_takes_their_review_out_of_the_average(app, client, member):
    product_id = make_product(app)
    make_review(app, member.id, product_id, rating=1)
    assert "1.0 out of 5" in text(client.get(PAGE))
    moderator = make_user(app, "Mo Moderator", "mo@example.com", role=Role.MODERATOR)
    with app.app_context():
        actions.discount(db.session.get(User, moderator.id), db.session.get(User, member.id),
                         "a paid review ring")
        db.session.commit()
    page = text(client.get(PAGE))
    assert "No trusted review yet." in page and "1 counted apart" in page


def test_products_list_shows_each_average(app, client, member):
    make_product(app)
    make_product(app, "Cercle Mobile", "mobile")
    make_review(app, member.id, 1, rating=5)
    page = text(client.get("/products"))
    assert "Cercle Desktop" in page and "5.0 out of 5" in page and "Cercle Mobile" in page
    assert client.get("/products/desktop").headers["Location"] == PAGE


def test_the_menu_links_to_products(client):
    assert '<a href="/products">Reviews</a>' in text(client.get("/"))


def test_profile_lists_the_members_reviews(app, client, member):
    make_review(app, member.id, make_product(app))
    page = text(client.get(f"/u/{member.handle}"))
    assert "Product reviews" in page and "Cercle Desktop: Solid and quick" in page


# ---- admins and products ----

def test_admin_adds_and_edits_a_product(app):
    admin = client_for(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    response = post_form(admin, "/products/manage", {"name": "Cercle Desktop", "slug": "",
                                                     "launched_on": "2024-03-15"})
    assert response.status_code == 302
    with app.app_context():
        product = db.session.scalar(sa.select(Product))
        assert (product.slug, product.launched_on.isoformat()) == ("cercle-desktop",
                                                                   "2024-03-15")
    response = post_form(admin, f"/products/manage/{product.id}",
                         {"name": "Cercle for Desktop", "slug": "desktop",
                          "launched_on": "2024-03-01", "description": "The app."})
    assert response.status_code == 302
    assert "Cercle for Desktop" in text(admin.get(PAGE))


def test_product_address_is_unique_and_dates_are_checked(app):
    make_product(app)
    admin = client_for(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    for data, message in (({"slug": "desktop"}, "Another product already uses this address."),
                          ({"slug": "manage"}, "Another product already uses this address."),
                          ({"slug": "Bad Slug"}, "Use lowercase letters, digits and dashes."),
                          ({"launched_on": "2024-02-30"}, "Enter a date like 2026-03-31."),
                          ({"launched_on": ""}, "This field is required."),
                          ({"name": ""}, "This field is required.")):
        response = post_form(admin, "/products/manage", {
            "name": "Other", "slug": "other", "launched_on": "2024-01-01", **data})
        assert response.status_code in (409, 422), data
        assert message in text(response), data
    assert count(app, Product) == 1


def test_only_admins_manage_products(app, auth):
    assert auth.get("/products/manage").status_code == 403
    response = post_form(auth, "/products/manage", {"name": "X product", "slug": "x",
                                                    "launched_on": "2024-01-01"},
                         get_url="/products")
    assert response.status_code == 403
    mo = client_for(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    assert mo.get("/products/manage").status_code == 403
    assert count(app, Product) == 0


# ---- moderation ----

def test_member_flags_and_a_moderator_hides_the_review(app, member):
    review_id = make_review(app, member.id, make_product(app), rating=1)
    bob = client_for(app, "Bob Other", "bob@example.com")
    response = post_form(bob, f"/reviews/{review_id}/flag", {"reason": "spam", "note": "ad"},
                         follow_redirects=True)
    assert "the moderators will look at this review" in text(response)
    mo = client_for(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
    queue = text(mo.get("/moderation/flags"))
    assert "Cercle Desktop: Solid and quick (1/5)" in queue
    response = post_form(mo, f"/moderation/flags/review/{review_id}/decide",
                         {"decision": "hide", "note": "advertising"},
                         get_url="/moderation/flags")
    assert response.status_code == 302
    assert get_review(app, review_id).hidden
    page = text(bob.get(PAGE))
    assert "Solid and quick" not in page and "No trusted review yet." in page
    assert bob.get(f"/reviews/{review_id}").status_code == 404
    alice = app.test_client()
    login(alice)
    assert "The moderators hid this review" in text(alice.get(f"/reviews/{review_id}"))
    edit = post_form(alice, f"/reviews/{review_id}/edit", {**GOOD, "title": "Unhide me"})
    assert edit.status_code == 409 and get_review(app, review_id).title == "Solid and quick"
    assert "review.hide" in text(mo.get(f"/moderation/flags/review/{review_id}"))


def test_members_cannot_flag_their_own_review(app, auth, member):
    review_id = make_review(app, member.id, make_product(app))
    assert auth.get(f"/reviews/{review_id}/flag").status_code == 403


# ---- export and deletion ----

def test_export_has_reviews_with_history_and_helpful_marks(app, auth, member):
    product_id = make_product(app)
    review_id = make_review(app, member.id, product_id, rating=2, title="First take")
    post_form(auth, f"/reviews/{review_id}/edit", {**GOOD, "rating": "4"})
    bob = make_user(app, "Bob Other", "bob@example.com")
    bob_review = make_review(app, bob.id, product_id)
    post_form(auth, f"/reviews/{bob_review}/helpful", {}, get_url=PAGE)
    with app.app_context():
        from community.accounts.data import export_member_data

        data = export_member_data(db.session.get(User, member.id))
    [review] = data["reviews"]
    assert (review["product"], review["rating"], review["title"]) == ("Cercle Desktop", 4,
                                                                      GOOD["title"])
    assert review["using_since"] == "2024-06"
    assert [(v["rating"], v["title"]) for v in review["previous_versions"]] == [
        (2, "First take")]
    assert [m["review_id"] for m in data["review_helpful_marks_given"]] == [bob_review]


def test_deleted_account_leaves_its_review_anonymised_and_counted(app, client, member):
    review_id = make_review(app, member.id, make_product(app), rating=5)
    with app.app_context():
        from community.accounts.data import delete_account

        delete_account(db.session.get(User, member.id))
        db.session.commit()
    page = text(client.get(PAGE))
    assert "deleted member" in page and "Alice Martin" not in page
    assert "Solid and quick" in page and "5.0 out of 5" in page
    assert "member since" not in page and "Verified member" not in page
    assert get_review(app, review_id) is not None


# ---- rate limit ----

def test_review_writes_are_rate_limited_per_member(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REVIEWS="2 per minute")
    make_user(app)
    make_product(app)
    client = app.test_client()
    login(client)
    statuses = [post_form(client, NEW, {**GOOD, "rating": "x"}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    assert client.get(PAGE).status_code == 200  # reading is not limited
