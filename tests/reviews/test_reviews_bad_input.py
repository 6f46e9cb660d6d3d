"""Bad input on every reviews form and address: naughty strings, overlong, empty, control
characters, NUL, XSS, ratings and months that are no ratings or months, integers past what the
database holds. Never a 500; a refusal is the form again with its error and the input kept, and
writes nothing (no review, no activity row)."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from markupsafe import escape

from community.accounts.activity import Activity
from community.accounts.models import Role
from community.extensions import db
from community.reviews.models import Product, Review
from community.text import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS
from tests.conftest import login, make_user
from tests.helpers import hidden_fields, text
from tests.reviews.factories import count, make_product, make_review

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SHAPES = ["", "   ", "x" * 10_001, "é" * 6_000, "a\x00b", "\x00", "\x1b[31mred", "\u202egnp.exe",
          "line\r\nbreak", "<script>alert(1)</script>", "' OR 1=1 --", "0", "6", "-1", "4.5",
          "abc", str(2**63), str(2**64), str(-(2**63) - 1), str(10**30)]
NEW = "/products/desktop/reviews/new"
GOOD = {"rating": "4", "title": "Solid and quick", "body": "I use it every day for invoices.",
        "since_month": "6", "since_year": "2024"}
ERRORS = ("This field is required.", "Use between", "Remove the invisible control characters",
          "Choose a rating from 1 to 5.", "Choose a month.", "Choose a year.")


def corpus(name: str) -> list[str]:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"the corpus is missing at {path}")
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def naughty(backend: str) -> list[str]:
    lines = corpus("naughty-strings.txt")
    # Every line on SQLite; every 5th on PostgreSQL (the same code paths, the other engine).
    return SHAPES + (lines if backend == "sqlite" else lines[::5])


def written(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Review)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
                    Activity.subject_type == "review")))


def forget_reviews(app) -> None:
    """Take the accepted reviews back, with their activity rows (the reviews-a-day limit of
    the author's trust level counts those)."""
    with app.app_context():
        db.session.execute(sa.delete(Review))
        db.session.execute(sa.delete(Activity).where(Activity.subject_type == "review"))
        db.session.commit()


def test_review_form_survives_bad_input(app, auth, backend):
    make_product(app)
    token = hidden_fields(text(auth.get(NEW)))["csrf_token"]
    failures = []
    values = naughty(backend)
    for i, value in enumerate(values):
        # Titles and texts reach the database: every value. A rating or a month is refused or
        # parsed before it reaches anything: the shapes and every 4th line suffice.
        fields = ("title", "body") + (("rating", "since") if i < len(SHAPES) or i % 4 == 0
                                      else ())
        for field in fields:
            data = ({**GOOD, "since_month": value, "since_year": value} if field == "since"
                    else {**GOOD, field: value})
            before = written(app)
            response = auth.post(NEW, data={"csrf_token": token, **data})
            page = text(response)
            if response.status_code >= 500:
                failures.append((field, value[:40], response.status_code))
            elif response.status_code == 422:
                if written(app) != before:
                    failures.append((field, value[:40], "written on refusal"))
                if not any(error in page for error in ERRORS):
                    failures.append((field, value[:40], "no error message"))
                if field == "title" and value.strip() and len(value) < 200 and str(
                        escape(value.strip())) not in page and "\x00" not in value:
                    failures.append((field, value[:40], "input not kept"))
            elif response.status_code == 302:
                assert written(app)[0] == before[0] + 1
                forget_reviews(app)
            else:
                failures.append((field, value[:40], response.status_code))
    assert failures == []


def test_each_bad_field_gets_its_own_message(app, auth):
    make_product(app)
    for data, message in (({"title": ""}, "This field is required."),
                          ({"title": "ab"}, "Use between 3 and 120 characters."),
                          ({"title": "x" * 121}, "Use between 3 and 120 characters."),
                          ({"body": ""}, "This field is required."),
                          ({"body": "short"}, "Use between 10 and 10000 characters."),
                          ({"body": "y" * 10_001}, "Use between 10 and 10000 characters."),
                          ({"title": "nul\x00inside"}, "Remove the invisible control"),
                          ({"body": "a body with a NUL \x00 inside"}, "Remove the invisible")):
        page = auth.post(NEW, data={**hidden_fields(text(auth.get(NEW))), **GOOD, **data})
        assert page.status_code == 422, data
        assert message in text(page), data
        assert 'aria-invalid="true"' in text(page)
    assert written(app) == (0, 0)


def _unsafe(html: str) -> list[str]:
    """Tags, attributes and link targets the sanitizer must never let through."""
    found = []

    class Check(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ALLOWED_TAGS:
                found.append(tag)
            for name, value in attrs:
                if name not in ALLOWED_ATTRIBUTES.get(tag, []):
                    found.append(f"{tag}[{name}]")
                elif name == "href" and value and ":" in value.split("/")[0] and \
                        value.split(":")[0].lower() not in ALLOWED_PROTOCOLS:
                    found.append(value)

    Check().feed(html)
    return found


def _scripted(html: str) -> list[str]:
    """Script elements and event-handler attributes in a page's markup (not its text)."""
    found = []

    class Check(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend([tag] if tag in ("script", "iframe", "object", "embed") else [])
            found.extend(f"{tag}[{name}]" for name, _ in attrs if name.startswith("on"))

    Check().feed(html)
    return found


def test_xss_in_a_review_is_sanitized(app, auth, backend):
    make_product(app)
    token = hidden_fields(text(auth.get(NEW)))["csrf_token"]
    payloads = corpus("xss-payloads.txt")[:: 20 if backend == "sqlite" else 100]
    unsafe = []
    for payload in payloads:
        auth.post(NEW, data={"csrf_token": token, **GOOD, "title": payload[:120] or "x",
                             "body": f"My review: {payload}"})
        with app.app_context():
            review = db.session.scalar(sa.select(Review))
            if review is not None:
                unsafe += _unsafe(review.body_html)
        main = text(auth.get("/products/desktop/reviews")).split('<main id="main">')[1]
        if _scripted(main):
            unsafe.append(payload)
        forget_reviews(app)
    assert unsafe == []


def test_edit_flag_and_product_forms_survive_bad_input(app, member, backend):
    make_product(app)
    review_id = make_review(app, member.id, 1)
    alice = app.test_client()
    login(alice)
    make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    ada = app.test_client()
    login(ada, "ada@example.com")
    token = hidden_fields(text(alice.get(f"/reviews/{review_id}/edit")))["csrf_token"]
    ada_token = hidden_fields(text(ada.get("/products/manage")))["csrf_token"]
    failures = []
    for value in naughty(backend)[::3]:
        for client, csrf, url, data in (
            (alice, token, f"/reviews/{review_id}/edit", {**GOOD, "title": value,
                                                          "body": value}),
            (alice, token, f"/reviews/{review_id}/edit", {**GOOD, "rating": value,
                                                          "since_month": value}),
            (ada, ada_token, f"/reviews/{review_id}/flag", {"reason": value, "note": value}),
            (ada, ada_token, "/products/manage", {"name": value, "slug": value,
                                                  "launched_on": value, "description": value}),
            (ada, ada_token, "/products/manage/1", {"name": "Desktop", "slug": "desktop",
                                                    "launched_on": value}),
        ):
            before = (count(app, Product), written(app))
            response = client.post(url, data={"csrf_token": csrf, **data})
            if response.status_code >= 500:
                failures.append((url, value[:40], response.status_code))
            elif response.status_code in (409, 422) and (count(app, Product),
                                                         written(app)) != before:
                failures.append((url, value[:40], "written on refusal"))
    assert failures == []


def test_garbage_addresses_and_query_strings_are_never_a_500(app, client, member):
    make_review(app, member.id, make_product(app))
    for query in ("sort=%ff", "sort=rating", "group=nope", "group=staff", "page=-3",
                  "page=0", "page=abc", f"page={2**64}", "page=99999999", "sort=helpful&page=2"):
        assert client.get(f"/products/desktop/reviews?{query}").status_code == 200, query
    for url in (f"/reviews/{2**63}", f"/reviews/{2**64}/edit", "/reviews/-1", "/reviews/abc",
                "/products/" + "x" * 5000 + "/reviews", "/products/%ff/reviews",
                "/products/manage/999999"):
        assert client.get(url).status_code in (302, 404), url
    for url in ("/products/%00/reviews", "/products/desktop/reviews?sort=%00"):
        response = client.get(url)
        assert response.status_code == 400 and "could not be understood" in text(response)
