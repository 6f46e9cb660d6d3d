"""Bad input on every form and URL: never a 500, and a refusal writes nothing.

Every form field gets empty and blank values, values just over each length limit, 10 kB of
text, control characters, bidi overrides, integers past what the database holds (2**63 and
more, in every path, query string and form field too), and the lines of the Big List of Naughty
Strings
(``../shared/corpora/naughty-strings.txt``, read in place, never copied). A refusal must be the
form again with an error (422); anything else must be a clean page, or a redirect to this site.
Query strings and form bodies also get invalid UTF-8.

The list has ~500 lines and the forms ~30 fields, on two databases. To stay near a minute:

* one test per form loops over the inputs (one GET for the CSRF token, which lasts the
  session) and collects failures, so that a report names every bad input at once;
* fields go together where one cannot hide another: each field's validators run whatever the
  others hold, and fields that passed while another was refused go again without it, so that
  they also reach what comes after validation (``Probe.together``);
* password hashing keeps its real scrypt code path at a tiny cost (``cheap_scrypt``);
* each loop says which inputs it sends on each database (``inputs``): ALL (BASIC and every line),
  SAMPLE (BASIC and every 5th line) or BASIC. Where the input reaches a query or a row (log-in
  look-ups, profile fields, profile URLs), ALL on both. Where it never does
  (it is refused by validation, or only parsed, hashed, mailed or redirected to), PostgreSQL
  cannot change the answer: ALL on SQLite, BASIC on PostgreSQL. A loop whose value-dependent
  code, or column, another loop already sends ALL to (the strength check, token parsing,
  ``safe_next``, password checks, the mail builder; a new account's name, an invitation's note)
  gets SAMPLE there.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from markupsafe import escape
from werkzeug.security import generate_password_hash

from community.accounts import passwords, service, tokens
from community.accounts.models import User
from community.extensions import db
from tests.conftest import GOOD_PASSWORD, login, make_user
from tests.helpers import hidden_fields, text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "naughty-strings.txt"

CONTROL = [
    "\x00", "nul\x00inside", "\x01\x02\x03\x1b[31mred", "del\x7f", "c1\x85\x9f", "tab\there",
    "line\nbreak", "cr\rlf\r\n", "\u202eevil.exe", "\u2066isolate\u2069", "\ufeffbom",
    "zero\u200bwidth", "line\u2028separator",
]
# One past each limit: display name 60, company/location/note 100, e-mail 254, password 1000,
# bio 2000; and 10 kB, in one- and two-byte UTF-8.
OVER_LIMITS = ["y" * 61, "y" * 101, "y" * 255, "y" * 1001, "y" * 2001, "x" * 10_240, "é" * 5_120]
# Integers past what the database holds (PostgreSQL integer ids end at 2**31 - 1; SQLite's
# driver raises OverflowError from 2**63 on).
BIG_INTEGERS = [str(2**31), str(2**63), str(2**64), str(-(2**63) - 1), str(10**30)]
BASIC = ["", "   ", *OVER_LIMITS, *CONTROL, *BIG_INTEGERS]
BASIC_ONLY = "basic"
# Return addresses a ``next`` parameter must never turn into a 500 or an off-site redirect.
NEXT_EXTRAS = [
    "http://[", "https://[::1", "//evil.example", "///evil.example", "https://evil.example/",
    "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "/\r\nSet-Cookie: injected=1",
    "/\nLocation: https://evil.example", "http://\uff03", "/%0d%0aX-Injected:%201",
]
INVALID_UTF8 = "%C0%AF%FF%FE%FD"
ALL, SAMPLE = "all", "sample"

TABLES = ("users", "invitations", "trust_events", "signup_records")
_COUNT_ROWS = sa.text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES))
# What a member's settings may change; a refused form must leave all of it alone.
MEMBER_STATE = ("display_name", "bio", "company", "location", "locale", "email",
                "email_normalized", "password_hash", "session_nonce", "deleted_at")
CHEAP_SCRYPT = "scrypt:256:8:1"
STRONG = "Zq8#vT2!mKp4"  # passes the strength check; zxcvbn scores it 6x faster than long ones
NEW_PASSWORD = "quartz lantern meadow violin"
OPEN_DOOR = {  # the door's velocity rules off, so that naughty signups reach account creation
    "SIGNUP_MAX_PER_NETWORK": 10**9, "SIGNUP_MAX_PER_DEVICE": 10**9,
    "SIGNUP_MAX_PER_DOMAIN": 10**9, "SIGNUP_COUNTER_BATCH": 10**9,
}
REDIRECTS = (301, 302, 303, 307, 308)
SIGNUP_FIELDS = ("display_name", "email", "password", "website", "started", "invite")


@functools.cache
def _corpus() -> tuple[str, ...]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return tuple(line for line in lines if line and not line.startswith("#"))


def inputs(backend: str, *, sqlite: str = ALL, postgresql: str = ALL) -> list[str]:
    """The inputs one loop sends on this backend: ALL, SAMPLE or BASIC (see the docstring)."""
    if not CORPUS.is_file():
        pytest.skip(f"the naughty-strings corpus is missing: expected {CORPUS} "
                    "(see ../shared/corpora/SOURCES.md)")
    amount = sqlite if backend == "sqlite" else postgresql
    if amount == ALL:
        return [*BASIC, *_corpus()]
    if amount == SAMPLE:
        return [*BASIC, *_corpus()[::5]]
    return list(BASIC)


def local_part(value: str) -> str:
    return f"{value}@example.org"


@pytest.fixture(autouse=True)
def quiet_mail_log(caplog):
    """Hundreds of "mail written to the outbox" warnings cost time and bury a failure."""
    caplog.set_level(logging.ERROR, logger="community.mail")


@pytest.fixture
def cheap_scrypt(monkeypatch):
    """Real scrypt hashes (same format, same code path) in ~1 ms instead of ~100 ms.

    verify_password reads the cost from the stored hash, so members get a cheap hash too
    (``cheapen``); new hashes and the unknown-account timing equaliser are made cheap here.
    """
    monkeypatch.setattr(passwords, "_DUMMY_HASH",
                        generate_password_hash("timing-equaliser", method=CHEAP_SCRYPT))
    monkeypatch.setattr(service, "hash_password",
                        lambda password: generate_password_hash(password, method=CHEAP_SCRYPT))


def cheapen(app, user: User, password: str = GOOD_PASSWORD) -> None:
    with app.app_context():
        db.session.get(User, user.id).password_hash = generate_password_hash(
            password, method=CHEAP_SCRYPT)
        db.session.commit()


def logged_in(app):
    """A client logged in as a verified member with a cheap password hash, and the member."""
    member = make_user(app)
    cheapen(app, member)
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, text(response)
    return client, member


def has_form_error(html: str) -> bool:
    return 'class="errors"' in html or 'class="form-errors"' in html


def field_errors(html: str) -> set[str]:
    """The fields a re-rendered form marks as wrong (``<ul class="errors" id="NAME-errors">``)."""
    return set(re.findall(r'class="errors" id="([\w-]+)-errors"', html))


def is_local(location: str) -> bool:
    try:
        parts = urlsplit(location)
    except ValueError:
        return False
    return (parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
            and not location.startswith("//") and "\\" not in location)


def looks_like_markup(value: str) -> bool:
    """Long and tag-like enough that finding it verbatim in a page means it was echoed raw."""
    return len(value) >= 6 and re.search(r"<[A-Za-z/!?]", value) is not None


class Probe:
    """Sends bad input to one app and collects every failure instead of stopping at the first."""

    def __init__(self, app, client, page: str | None = None, member: User | None = None):
        self.app, self.client = app, client
        self.member_id = member.id if member else None
        self.failures: list[str] = []
        self.accepted = 0  # answers under 400: the loop did get past validation somewhere
        self.hidden: dict[str, str] = {}
        self._rows: tuple | None = None
        if page:
            self.hidden = hidden_fields(text(client.get(page)))

    @property
    def token(self) -> str:
        return self.hidden["csrf_token"]

    def fail(self, what: str, problem: str) -> None:
        self.failures.append(f"{what[:160]}: {problem}")

    def rows(self) -> tuple:
        """Row counts of TABLES, and the member's settings."""
        if self._rows is None:
            with self.app.app_context():
                counts = tuple(db.session.execute(_COUNT_ROWS).one())
                state = ()
                if self.member_id is not None:
                    user = db.session.get(User, self.member_id)
                    state = tuple(getattr(user, name) for name in MEMBER_STATE) if user else ()
            self._rows = (counts, state)
        return self._rows

    def forget_rows(self) -> None:
        self._rows = None

    def send(self, what: str, method: str, url: str, **kwargs):
        """The response, or None (and a failure) for a 500 or an exception escaping the view."""
        self.forget_rows()
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # TESTING propagates what a visitor would get as a 500
            first = (str(error).splitlines() or [""])[0][:200]
            self.fail(what, f"{method} {url[:70]} raised {type(error).__name__}: {first}")
            return None
        if response.status_code >= 500:
            self.fail(what, f"{method} {url[:70]} answered {response.status_code}")
            return None
        self.accepted += response.status_code < 400
        return response

    def post(self, what: str, url: str, data: dict, *, may_write: tuple[str, ...] = ()):
        """POST a form: a refusal must be the form again with an error, and write nothing.

        ``may_write``: tables a refusal may still add rows to (the door logs TrustEvents).
        """
        before = self.rows()
        response = self.send(what, "POST", url, data={"csrf_token": self.token, **data})
        if response is None:
            return None
        if response.status_code >= 400:
            if response.status_code != 422 or not has_form_error(text(response)):
                self.fail(what, f"refused with {response.status_code} and no form error")
            after = self.rows()
            for table, old, new in zip(TABLES, before[0], after[0], strict=True):
                if old != new and table not in may_write:
                    self.fail(what, f"refused, yet {table} went from {old} to {new} rows")
            if before[1] != after[1]:
                changed = [name for name, old, new in zip(MEMBER_STATE, before[1], after[1],
                                                                    strict=False)
                           if old != new] or ["row"]
                self.fail(what, f"refused, yet the member's {', '.join(changed)} changed")
        elif response.status_code in REDIRECTS and not is_local(response.location):
            self.fail(what, f"redirects off-site to {response.location!r}")
        return response

    def together(self, send, values: dict[str, str]) -> None:
        """``send(values)`` at once; if refused, again with only the fields that drew no error.

        Every field's validators run whatever the others hold, but a refusal hides what would
        have happened next (a look-up, a new row) to the fields that passed: they go again,
        together, until accepted or until no field is left to blame.
        """
        while values:
            response = send(values)
            if response is not None and response.status_code < 400:
                return
            errors = field_errors(text(response)) if response is not None else set()
            passed = {field: value for field, value in values.items() if field not in errors}
            if len(passed) == len(values) and response is not None:
                return  # refused for the form as a whole (wrong password, the door)
            if response is None and len(values) > 1:
                passed = {}  # a 500: send each field alone, to name the one to blame
                for field, value in values.items():
                    send({field: value})
            values = passed

    def report(self, *, min_accepted: int = 0) -> None:
        if self.accepted < min_accepted:
            self.fail("the loop", f"only {self.accepted} answers were not refusals: it hardly "
                      "got past validation, so it tested little (a broken fixture?)")
        shown = "\n".join(self.failures[:60])
        more = f"\n... and {len(self.failures) - 60} more" if len(self.failures) > 60 else ""
        assert not self.failures, f"{len(self.failures)} bad inputs mishandled:\n{shown}{more}"


# --- Sign up ----------------------------------------------------------------------------------


def test_signup_survives_bad_input(make_app, backend, cheap_scrypt):
    app = make_app(**OPEN_DOOR)
    client = app.test_client()
    probe = Probe(app, client, "/signup")
    emails = (f"bea.{n}@example.org" for n in itertools.count())

    def signup(values: dict):
        what = ", ".join(f"{k}={v!r}" for k, v in values.items())
        data = {"display_name": "Bea Lune", "email": next(emails), "password": STRONG,
                "website": "", "started": probe.hidden["started"], "invite": "", **values}
        users_before = probe.rows()[0][0]
        # The door logs each refusal as a TrustEvent: only that may be written on refusal.
        response = probe.post(what, "/signup", data, may_write=("trust_events",))
        if response is not None and response.status_code == 200:
            if "Check your inbox" not in text(response):
                probe.fail(what, "200, but not the check-your-inbox page")
            if probe.rows()[0][0] - users_before not in (0, 1):
                probe.fail(what, "more than one account created")
        elif response is not None and response.status_code != 422:
            probe.fail(what, f"answered {response.status_code}")
        return response

    # A new account under a naughty name, at a naughty address, invited by a naughty link (an
    # unknown invitation is no refusal). On PostgreSQL, SAMPLE: the name goes to the column the
    # profile test fills with ALL there, and log-in looks up ALL the addresses there.
    for s in inputs(backend, postgresql=SAMPLE):
        probe.together(signup, {"display_name": s, "email": local_part(s), "invite": s})
    for s in BASIC:
        signup(dict.fromkeys(SIGNUP_FIELDS, s))
    for s in inputs(backend, postgresql=BASIC_ONLY):
        signup({"password": s})  # the strength check (zxcvbn), then hashing
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        # The honeypot's length, and the signed start time, parsed as /verify/<token> is.
        signup({"website": s, "started": s})
    probe.report(min_accepted=20)


# --- Log in, reset ----------------------------------------------------------------------------


def test_login_survives_bad_input(app, backend, cheap_scrypt):
    member = make_user(app)
    cheapen(app, member)
    client = app.test_client()
    probe = Probe(app, client, "/login", member)
    for s in inputs(backend):
        # Any address is looked up (the form checks only its length), so it reaches a query.
        probe.post(f"email={local_part(s)!r}, password/remember={s!r}", "/login",
                   {"email": local_part(s), "password": s, "remember": s})
    for s in BASIC:
        probe.post(f"email/password/remember={s!r}", "/login",
                   {"email": s, "password": s, "remember": s})
    nexts = ["/" + s for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY)] + NEXT_EXTRAS
    for s in nexts:
        # ``next`` is used after a successful log-in: a redirect here, never a 500.
        response = probe.post(f"next={s!r}", "/login?" + urlencode({"next": s}),
                              {"email": "alice@example.com", "password": GOOD_PASSWORD})
        if response is not None and response.status_code != 302:
            probe.fail(f"next={s!r}", f"the right password answered {response.status_code}")
    probe.report()


def test_reset_request_survives_bad_input(app, backend, cheap_scrypt):
    make_user(app)
    client = app.test_client()
    probe = Probe(app, client, "/reset")
    # Only valid addresses reach the look-up, the one log-in sends every line to.
    emails = [*BASIC, *map(local_part, inputs(backend, postgresql=BASIC_ONLY))]
    for email in emails:
        response = probe.post(f"email={email!r}", "/reset", {"email": email})
        if response is not None and response.status_code not in (302, 422):
            probe.fail(f"email={email!r}", f"answered {response.status_code}")
        if probe.rows()[0] != (1, 0, 0, 0):
            probe.fail(f"email={email!r}", f"a reset request wrote rows: {probe.rows()[0]}")
    probe.report()


def test_reset_password_survives_bad_token_and_bad_password(app, backend, cheap_scrypt):
    member = make_user(app, verified=False)
    cheapen(app, member)
    client = app.test_client()
    probe = Probe(app, client, "/reset", member)

    def reset_token() -> str:
        with app.app_context():
            user = db.session.get(User, member.id)
            return tokens.make_token(tokens.RESET, {"uid": user.id, "ph": user.password_hash[-12:]})

    untouched = probe.rows()
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        url = "/reset/" + quote(s, safe="")
        response = probe.send(f"POST /reset/{s!r}", "POST", url,
                              data={"csrf_token": probe.token, "password": NEW_PASSWORD})
        if response is not None and response.status_code not in (302, 404, 405) \
                and not nul_refused(s, response):
            probe.fail(f"POST /reset/{s!r}", f"answered {response.status_code}")
    if probe.rows() != untouched:
        probe.fail("garbage reset tokens", "something was written")

    token = reset_token()
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        response = probe.post(f"password={s!r}", f"/reset/{token}", {"password": s})
        if response is not None and response.status_code == 302:
            token = reset_token()  # accepted: the password changed, so that link is spent
    probe.report()


def nul_refused(value: str, response) -> bool:
    """A NUL in a URL's path or a GET's query string is refused up front (community/security.py)
    with the clean 400 page, in the visitor's language."""
    return ("\x00" in value and response.status_code == 400
            and "could not be understood" in text(response))


# --- Links and pages --------------------------------------------------------------------------


def test_links_and_pages_survive_bad_input(app, backend):
    make_user(app)
    client = app.test_client()
    probe = Probe(app, client)
    untouched = probe.rows()
    for s in inputs(backend):  # the handle is looked up
        response = probe.send(f"GET /u/{s!r}", "GET", "/u/" + quote(s, safe=""))
        if response is not None and response.status_code != 404 and not nul_refused(s, response):
            probe.fail(f"GET /u/{s!r}", f"answered {response.status_code}")
    for s in inputs(backend, postgresql=BASIC_ONLY):
        response = probe.send(f"GET /verify/{s!r}", "GET", "/verify/" + quote(s, safe=""))
        if response is not None and response.status_code not in (302, 404, 405) \
                and not nul_refused(s, response):
            probe.fail(f"GET /verify/{s!r}", f"answered {response.status_code}")
        response = probe.send(f"GET /signup?invite={s!r}", "GET",
                              "/signup?" + urlencode({"invite": s}))
        if response is not None and response.status_code != 200 \
                and not nul_refused(s, response):
            probe.fail(f"GET /signup?invite={s!r}", f"answered {response.status_code}")
        elif response is not None and looks_like_markup(s.strip()) and s.strip() in text(response):
            probe.fail(f"GET /signup?invite={s!r}", "echoed unescaped into the page")
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        response = probe.send(f"GET /settings/email/{s!r}", "GET",
                              "/settings/email/" + quote(s, safe=""))
        if response is not None and response.status_code not in (302, 404) \
                and not nul_refused(s, response):
            probe.fail(f"GET /settings/email/{s!r}", f"answered {response.status_code}")
    if probe.rows() != untouched:
        probe.fail("garbage links", f"wrote rows: {untouched[0]} -> {probe.rows()[0]}")
    probe.report()


# --- Settings ---------------------------------------------------------------------------------


def test_profile_settings_survive_bad_input(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    valid = {"display_name": "Alice Martin", "bio": "", "company": "", "location": "",
             "locale": "en"}

    def save(values: dict):
        return probe.post(", ".join(f"{k}={v!r}" for k, v in values.items()), "/settings",
                          {**valid, **values})

    for s in inputs(backend):  # saved on the member's row
        probe.together(save, {"display_name": s, "bio": s, "company": s, "location": s})
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        save(dict.fromkeys(valid, s))  # and the language, which only a known code passes
    probe.report(min_accepted=20)


def test_email_settings_survive_bad_input(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    # Nothing is stored until the link is opened. Raw lines: the one e-mail field sent ALL.
    for s in inputs(backend, postgresql=BASIC_ONLY):
        probe.post(f"email/current_password={s!r}", "/settings/email",
                   {"email": s, "current_password": s})
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):  # mailed, as signup's are
        probe.post(f"email={local_part(s)!r}", "/settings/email",
                   {"email": local_part(s), "current_password": GOOD_PASSWORD})
    probe.report(min_accepted=1)


def test_password_settings_survive_bad_input(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    current = GOOD_PASSWORD
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        response = probe.post(f"password={s!r}", "/settings/password",
                              {"current_password": current, "password": s})
        if response is not None and response.status_code == 302:
            current = s  # strong enough to be a password: it is the password now
        probe.post(f"current_password={s!r}", "/settings/password",
                   {"current_password": s, "password": NEW_PASSWORD})
    probe.report()


def test_account_deletion_survives_bad_input(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings/delete", member)
    # Checked against the member's hash as log-in checks every line against one.
    for s in inputs(backend, sqlite=SAMPLE, postgresql=BASIC_ONLY):
        probe.post(f"current_password={s!r}", "/settings/delete", {"current_password": s})
    probe.report()


def test_invitation_note_survives_bad_input(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings/invitations", member)
    # Saved on the invitation's row: a one-line plain text of at most 100 characters, as the
    # profile's company is, which gets ALL on PostgreSQL.
    for s in inputs(backend, postgresql=SAMPLE):
        response = probe.post(f"note={s!r}", "/settings/invitations", {"note": s})
        if response is not None and response.status_code == 200:
            with app.app_context():  # stay under the limit, and keep the page (a list) short
                db.session.execute(sa.text("DELETE FROM invitations"))
                db.session.commit()
            probe.forget_rows()
    probe.report(min_accepted=20)


def test_language_switch_survives_bad_input(app, backend, cheap_scrypt):
    """Visitors switch with a GET (a cookie only), members with a POST (saved on the account).

    The return address is read whatever the language, so both go in each request; only "en"
    and "fr" ever reach the database.
    """
    lines = inputs(backend, postgresql=BASIC_ONLY)
    visitor = Probe(app, app.test_client())
    for lang, next_ in [*((s, s) for s in lines), *(("fr", s) for s in NEXT_EXTRAS)]:
        what = f"GET lang={lang!r}, next={next_!r}"
        response = visitor.send(what, "GET", "/language?" + urlencode({"lang": lang,
                                                                        "next": next_}))
        if response is not None and not nul_refused(lang + next_, response) and (
                response.status_code != 302 or not is_local(response.location)):
            visitor.fail(what, f"answered {response.status_code} {response.location!r}")
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    for lang, next_ in [*((s, "/" + s) for s in lines), *(("fr", s) for s in NEXT_EXTRAS)]:
        what = f"POST lang={lang!r}, next={next_!r}"
        response = probe.post(what, "/language", {"lang": lang, "next": next_})
        if response is not None and response.status_code != 302:
            probe.fail(what, f"answered {response.status_code}")
    probe.failures[:0] = visitor.failures
    probe.report()


# --- Invalid UTF-8 ----------------------------------------------------------------------------


def test_invalid_utf8_in_query_strings_is_not_a_500(app):
    probe = Probe(app, app.test_client())
    # (The test client cannot take bytes for query_string; a str is sent as it is.)
    response = probe.send("GET /?q=%ff%fe%fd", "GET", "/", query_string="q=%ff%fe%fd")
    if response is not None and response.status_code != 200:
        probe.fail("GET /?q=%ff%fe%fd", f"answered {response.status_code}")
    for url in ("/signup?invite=%C0%AF", "/login?next=%ff", "/signup?invite=%ff%fe",
                "/reset?x=%80", "/login?%ff=%fe", "/u/%C0%AF", "/verify/%ff%fe",
                "/reset/%C0%AF", "/settings?next=%ff", "/healthz?%ff",
                "/language?lang=%ff&next=%C0%AF", "/language?lang=fr&next=/%ff%fe"):
        probe.send(f"GET {url}", "GET", url)
    probe.report()


def test_invalid_utf8_in_form_bodies_is_not_a_500(make_app, cheap_scrypt):
    app = make_app(**OPEN_DOOR)
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    forms = {
        "/settings": ("display_name", "bio", "company", "location", "locale"),
        "/settings/email": ("email", "current_password"),
        "/settings/password": ("current_password", "password"),
        "/settings/invitations": ("note",),
        "/settings/delete": ("current_password",),
        "/language": ("lang", "next"),
        "/login?next=%ff": ("email", "password", "remember"),
        "/reset": ("email",),
        "/signup": ("display_name", "email", "password", "website", "started", "invite"),
    }
    for url, fields in forms.items():
        if url.startswith("/login"):
            client.post("/logout", data={"csrf_token": probe.token})
        body = f"csrf_token={probe.token}&" + "&".join(f"{f}={INVALID_UTF8}" for f in fields)
        probe.send(f"POST {url} with invalid UTF-8", "POST", url, data=body.encode(),
                   content_type="application/x-www-form-urlencoded")
    probe.report()


# --- Escaping ---------------------------------------------------------------------------------


def test_naughty_display_names_render_escaped_on_the_profile(app, backend, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    names = ["שלום 🙂 <script>alert(1)</script>", "Zoë 👩‍👩‍👧 <img src=x onerror=alert(1)>",
             "مرحبا \"><script>alert('x')</script>"]
    # Rendering does not depend on the database (the profile test stores ALL on both).
    names += [s for s in inputs(backend, postgresql=BASIC_ONLY)
              if looks_like_markup(s.strip()) and len(s.strip()) <= 60]
    saved = 0
    for name in names:
        response = probe.post(f"display_name={name!r}", "/settings",
                              {"display_name": name, "locale": "en"})
        if response is None or response.status_code != 302:
            continue  # refused (control characters, say): the tests above cover that
        saved += 1
        page = probe.send(f"profile of {name!r}", "GET", f"/u/{member.handle}")
        if page is None:
            continue
        html, shown = text(page), unicodedata.normalize("NFC", name.strip())
        if shown in html:
            probe.fail(f"display_name={name!r}", "appears unescaped on the profile page")
        elif str(escape(shown)) not in html:
            probe.fail(f"display_name={name!r}", "is missing (escaped) from the profile page")
    assert saved >= 3, "no naughty display name was accepted: nothing was checked"
    probe.report()


# --- Integers past what the database holds -----------------------------------------------------


@pytest.fixture
def forum_world(app):
    """An admin (who may open every page) logged in, and one of each forum thing an integer
    can point at: a category, a question with an accepted answer, its FAQ entry."""
    from community.accounts.models import Role
    from community.forums import admin, qa
    from community.forums import service as forums

    staff = make_user(app, "Ada Admin", "ada@example.com", role=Role.ADMIN)
    cheapen(app, staff)
    with app.app_context():
        user = db.session.get(User, staff.id)
        category = admin.create_category("General", slug="general")
        topic = forums.create_topic(user, category, "How do I export my data?",
                                    "I cannot find the export button.", True)
        answer = forums.reply(user, topic, "Settings, then Export.")
        qa.accept_answer(user, answer)
        entry = qa.promote_to_faq(user, answer, "How do I export my data?", "Settings.",
                                  category)
        db.session.commit()
        ids = {"category": category.id, "topic": topic.id, "slug": topic.slug,
               "answer": answer.id, "faq": entry.id}
    client = app.test_client()
    assert login(client, "ada@example.com").status_code == 302
    return client, ids


def test_out_of_range_ids_in_every_path_answer_404(app, forum_world):
    """Every route with an ``<int:…>``, GET or POST as it answers, with each big integer."""
    client, _ids = forum_world
    probe = Probe(app, client, "/settings")
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(rules) > 20, "the URL map lost its integer routes?"
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        for value in BIG_INTEGERS:
            url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", value, rule.rule))
            response = probe.send(f"{method} {url}", method, url,
                                  data={"csrf_token": probe.token} if method == "POST" else None)
            if response is not None and response.status_code != 404:
                probe.fail(f"{method} {url}", f"answered {response.status_code}")
    probe.report()


def test_out_of_range_integers_in_query_strings_are_ignored(app, forum_world):
    client, ids = forum_world
    probe = Probe(app, client)
    topic = f"/t/{ids['topic']}-{ids['slug']}"
    for value in BIG_INTEGERS:
        cursor = f"20260101000000000000.{value}"
        for url in (f"/forums/new?category={value}", f"{topic}?page={value}",
                    f"/t/{ids['topic']}/reply?quote={value}", f"/forums?after={cursor}",
                    f"/c/general?after={cursor}", f"/ideas?page={value}",
                    f"/ideas?category={value}", f"/search?q=export&category={value}",
                    f"/search?q=export&page={value}"):
            response = probe.send(f"GET {url}", "GET", url)
            if response is not None and response.status_code != 200:
                probe.fail(f"GET {url}", f"answered {response.status_code}")
    probe.report(min_accepted=len(BIG_INTEGERS) * 9)


def test_out_of_range_integers_in_forum_forms_are_field_errors(app, forum_world):
    client, ids = forum_world
    probe = Probe(app, client, "/forums/new")
    manage = f"/t/{ids['topic']}/manage"
    faq = {"question": "How do I export my data?", "answer": "Settings, then Export."}
    for value in [*BIG_INTEGERS, str(2**31)]:  # 2**31: past the SQL INTEGER of positions
        forms = [
            ("/forums/new", {"title": "A topic with a big category", "category": value,
                             "body": "Some words.", "submit": "1"}, "category"),
            (manage, {"form": "move", "move-category": value}, "move-category"),
            (manage, {"form": "merge", "merge-target": value}, "merge-target"),
            (manage, {"form": "split", "split-numbers": f"2, {value}",
                      "split-title": "A new topic from a split", "split-category":
                      str(ids["category"])}, "split-numbers"),
            (f"/p/{ids['answer']}/faq", {**faq, "category": value}, "category"),
            (f"/faq/{ids['faq']}/edit", {**faq, "category": value}, "category"),
            ("/forums/categories", {"name": "Big numbers", "colour": "#aa3300",
                                    "audience": "all", "position": value}, "position"),
        ]
        for url, data, name in forms:
            if value == str(2**31) and name != "position":
                continue  # an id may be that big
            what = f"POST {url} {name}={value}"
            response = probe.post(what, url, data)
            if response is not None and name not in field_errors(text(response)):
                probe.fail(what, f"answered {response.status_code} without an error on {name}")
    probe.report()


# --- The app bugs the loops above found, one test each ----------------------------------------


def test_nul_in_login_email_is_a_form_error(app, client, cheap_scrypt):
    """PostgreSQL refuses NUL in text: the look-up must not send it (500 on PostgreSQL)."""
    make_user(app)
    probe = Probe(app, client, "/login")
    response = probe.post("POST /login, email with NUL", "/login",
                          {"email": "alice\x00@example.com", "password": "not it"})
    probe.report()
    assert response.status_code == 422


def test_nul_in_profile_url_is_refused_cleanly(app, client):
    """GET /u/%00: PostgreSQL refuses NUL in text (it was a 500 there); now a clean 400."""
    probe = Probe(app, client)
    response = probe.send("GET /u/%00", "GET", "/u/%00")
    probe.report()
    assert nul_refused("\x00", response)


def test_password_over_72_characters_is_judged_not_a_500(app, cheap_scrypt):
    """zxcvbn 4.5 raises ValueError past 72 characters, and the forms allow 1000."""
    long_password = "violet otter canoe harbour " * 3  # 81 characters
    visitor = Probe(app, app.test_client(), "/signup")
    visitor.post("POST /signup", "/signup",
                 {"display_name": "Bea Lune", "email": "bea@example.org",
                  "password": long_password, "started": visitor.hidden["started"]})
    client, member = logged_in(app)
    settings = Probe(app, client, "/settings", member)
    settings.post("POST /settings/password", "/settings/password",
                  {"current_password": GOOD_PASSWORD, "password": long_password})
    # Then a reset, which ends the member's sessions: so it comes last.
    with app.app_context():
        user = db.session.get(User, member.id)
        token = tokens.make_token(tokens.RESET, {"uid": user.id, "ph": user.password_hash[-12:]})
    visitor.post("POST /reset/<token>", f"/reset/{token}", {"password": long_password})
    visitor.failures += settings.failures
    visitor.report()


@pytest.mark.parametrize("next_", ["http://[", "/\r\nSet-Cookie: injected=1"])
def test_unusable_return_address_is_ignored_not_a_500(app, cheap_scrypt, next_):
    """safe_next lets urlsplit's ValueError out, and line breaks through to Location."""
    visitor = Probe(app, app.test_client())
    visitor.send(f"GET /language next={next_!r}", "GET",
                 "/language?" + urlencode({"lang": "fr", "next": next_}))
    client, _member = logged_in(app)
    probe = Probe(app, client, "/settings")
    probe.post(f"POST /language next={next_!r}", "/language", {"lang": "fr", "next": next_})
    probe.post(f"POST /login?next={next_!r}", "/login?" + urlencode({"next": next_}),
               {"email": "alice@example.com", "password": GOOD_PASSWORD})
    probe.failures[:0] = visitor.failures
    probe.report()
