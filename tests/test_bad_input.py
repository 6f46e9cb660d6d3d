"""Bad input on every form and URL: never a 500, a refusal writes nothing.

Every form field gets: empty, blank, overlong (10 kB), control characters, bidi overrides, and
each line of the Big List of Naughty Strings (``../shared/corpora/naughty-strings.txt``, read in
place). A refusal must be the form re-rendered with an error (422); anything else must be a
clean page or a redirect to this site. Query strings and form bodies also get invalid UTF-8.

For speed, each test loops over every input itself (one GET for the CSRF token, valid for the
whole session) and collects failures, so the report names every bad input at once. Password
hashing keeps its real scrypt code path but at a tiny cost (see ``cheap_scrypt``); otherwise the
~100 ms per hash would make the naughty list take minutes.
"""

from __future__ import annotations

import functools
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

OVERLONG = "x" * 10_240
OVERLONG_WIDE = "é" * 5_120  # 10 kB of two-byte UTF-8
CONTROL = [
    "\x00", "nul\x00inside", "\x01\x02\x03\x1b[31mred", "del\x7f", "c1\x85\x9f", "tab\there",
    "line\nbreak", "cr\rlf\r\n", "\u202eevil.exe", "\u2066isolate\u2069", "\ufeffbom",
    "zero\u200bwidth", "line\u2028separator",
]
BASIC = ["", "   ", OVERLONG, OVERLONG_WIDE, *CONTROL]
# Return addresses that a ``next`` parameter must never turn into a 500 or an off-site redirect.
NEXT_EXTRAS = [
    "http://[", "https://[::1", "//evil.example", "///evil.example", "https://evil.example/",
    "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "/\r\nSet-Cookie: injected=1",
    "/\nLocation: https://evil.example", "http://\uff03", "/%0d%0aX-Injected:%201",
]
INVALID_UTF8 = "%C0%AF%FF%FE%FD"

TABLES = ("users", "invitations", "trust_events", "signup_records")
_COUNT_ROWS = sa.text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES))
# What a member's settings may change; a refused settings form must leave all of it alone.
MEMBER_STATE = ("display_name", "bio", "company", "location", "locale", "email",
                "email_normalized", "password_hash", "session_nonce", "deleted_at")
CHEAP_SCRYPT = "scrypt:256:8:1"
OPEN_DOOR = {  # the door's velocity rules off, so naughty signups reach account creation
    "SIGNUP_MAX_PER_NETWORK": 10**9, "SIGNUP_MAX_PER_DEVICE": 10**9,
    "SIGNUP_MAX_PER_DOMAIN": 10**9, "SIGNUP_COUNTER_BATCH": 10**9,
}
NEW_PASSWORD = "quartz lantern meadow violin"


@functools.cache
def _corpus() -> tuple[str, ...]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return tuple(line for line in lines if line and not line.startswith("#"))


def naughty_strings() -> tuple[str, ...]:
    if not CORPUS.is_file():
        pytest.skip(f"the naughty-strings corpus is missing: expected {CORPUS} "
                    "(see ../shared/corpora/SOURCES.md)")
    return _corpus()


def bad_inputs() -> list[str]:
    return [*BASIC, *naughty_strings()]


def next_values() -> list[str]:
    inputs = bad_inputs()
    return [*inputs, *("/" + s for s in inputs), *NEXT_EXTRAS]


def local_part(value: str) -> str:
    return f"{value}@example.org"


@pytest.fixture
def cheap_scrypt(monkeypatch):
    """Real scrypt hashes (same format, same code path) at ~1 ms instead of ~100 ms.

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


def looks_like_markup(value: str) -> bool:
    """Long enough and tag-like enough that finding it verbatim in a page means it was echoed."""
    return len(value) >= 6 and re.search(r"<[A-Za-z/!?]", value) is not None


def has_form_error(html: str) -> bool:
    return 'class="errors"' in html or 'class="form-errors"' in html


def is_local(location: str) -> bool:
    try:
        parts = urlsplit(location)
    except ValueError:
        return False
    return (not parts.scheme or parts.scheme == "http") and parts.netloc in ("", "localhost") \
        and not location.startswith("//") and "\\" not in location


class Probe:
    """Sends bad input to one app and collects every failure instead of stopping at the first."""

    def __init__(self, app, client, page: str | None = None, member: User | None = None):
        self.app, self.client = app, client
        self.member_id = member.id if member else None
        self.failures: list[str] = []
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
        """Row counts of TABLES, and the member's settings (one round trip each)."""
        if self._rows is None:
            with self.app.app_context():
                counts = tuple(db.session.execute(_COUNT_ROWS).one())
                state = ()
                if self.member_id is not None:
                    user = db.session.get(User, self.member_id)
                    state = tuple(getattr(user, name) for name in MEMBER_STATE)
            self._rows = (counts, state)
        return self._rows

    def forget_rows(self) -> None:
        self._rows = None

    def send(self, what: str, method: str, url: str, **kwargs):
        """The response, or None (and a failure) for a 500 or an exception escaping the view."""
        self.forget_rows()
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # TESTING propagates what a visitor would see as a 500
            first = (str(error).splitlines() or [""])[0][:200]
            self.fail(what, f"{method} {url[:80]} raised {type(error).__name__}: {first}")
            return None
        if response.status_code >= 500:
            self.fail(what, f"{method} {url[:80]} answered {response.status_code}")
            return None
        return response

    def post(self, what: str, url: str, data: dict, *, may_write: tuple[str, ...] = ()):
        """POST a form; a refusal must be the form again, with an error, and write nothing.

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
                changed = [n for n, a, b in zip(MEMBER_STATE, before[1], after[1], strict=True)
                           if a != b]
                self.fail(what, f"refused, yet the member's {', '.join(changed)} changed")
        elif response.status_code in (301, 302, 303, 307, 308):
            if not is_local(response.location):
                self.fail(what, f"redirects off-site to {response.location!r}")
        return response

    def report(self) -> None:
        shown = "\n".join(self.failures[:60])
        more = f"\n... and {len(self.failures) - 60} more" if len(self.failures) > 60 else ""
        assert not self.failures, f"{len(self.failures)} bad inputs mishandled:\n{shown}{more}"


def logged_in(app, *, verified: bool = True):
    """A client logged in as a member with a cheap password hash, and that member."""
    member = make_user(app, verified=verified)
    cheapen(app, member)
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, text(response)
    return client, member


# --- Signup -----------------------------------------------------------------------------------


def test_signup_survives_bad_input(make_app, cheap_scrypt):
    app = make_app(**OPEN_DOOR)
    client = app.test_client()
    probe = Probe(app, client, "/signup")
    counter = iter(range(10**9))

    def signup(what, **fields):
        data = {"display_name": "Bea Lune", "email": f"bea.{next(counter)}@example.org",
                "password": GOOD_PASSWORD, "website": "", "started": probe.hidden["started"],
                "invite": "", **fields}
        users_before = probe.rows()[0][0]
        # The door logs each refusal as a TrustEvent; nothing else may be written on refusal.
        response = probe.post(what, "/signup", data, may_write=("trust_events",))
        if response is not None and response.status_code == 200:
            if "Check your inbox" not in text(response):
                probe.fail(what, "200 without the check-your-inbox page")
            if probe.rows()[0][0] - users_before not in (0, 1):
                probe.fail(what, "more than one account created")

    for s in bad_inputs():
        signup(f"display_name={s!r}", display_name=s)
        signup(f"email={s!r}", email=s)
        signup(f"email={local_part(s)!r}", email=local_part(s))
        signup(f"password={s!r}", password=s)
        # These three reach independent door checks (invitation look-up, honeypot, form
        # timestamp) and have no validators, so one request exercises all three.
        signup(f"website/started/invite={s!r}", website=s, started=s, invite=s)
    probe.report()


def test_signup_page_survives_bad_invite_in_the_query_string(app, client):
    probe = Probe(app, client)
    for s in bad_inputs():
        response = probe.send(f"GET /signup?invite={s!r}", "GET",
                              "/signup?" + urlencode({"invite": s}))
        if response is None:
            continue
        html = text(response)
        if response.status_code != 200:
            probe.fail(f"invite={s!r}", f"answered {response.status_code}")
        elif looks_like_markup(s.strip()) and s.strip() in html:
            probe.fail(f"invite={s!r}", "echoed unescaped into the page")
    probe.report()


# --- Log in, reset ----------------------------------------------------------------------------


def test_login_survives_bad_input(app, client, cheap_scrypt):
    member = make_user(app)
    cheapen(app, member)
    probe = Probe(app, client, "/login", member)
    for s in bad_inputs():
        probe.post(f"email={s!r}", "/login", {"email": s, "password": "not the password"})
        probe.post(f"password/remember={s!r}", "/login",
                   {"email": "alice@example.com", "password": s, "remember": s})
    for s in next_values():
        # A successful login is where ``next`` is used: it must redirect here, never a 500.
        response = probe.post(f"next={s!r}", "/login?" + urlencode({"next": s}),
                              {"email": "alice@example.com", "password": GOOD_PASSWORD,
                               "remember": "y"})
        if response is not None and response.status_code != 302:
            probe.fail(f"next={s!r}", f"good password answered {response.status_code}")
    probe.report()


def test_reset_request_survives_bad_input(app, client, cheap_scrypt):
    make_user(app)
    probe = Probe(app, client, "/reset")
    for s in bad_inputs():
        for email in (s, local_part(s)):
            response = probe.post(f"email={email!r}", "/reset", {"email": email})
            if response is not None and response.status_code not in (302, 422):
                probe.fail(f"email={email!r}", f"answered {response.status_code}")
            if probe.rows()[0] != (1, 0, 0, 0):
                probe.fail(f"email={email!r}", f"a reset request wrote rows: {probe.rows()[0]}")
    probe.report()


def test_reset_password_survives_bad_token_and_bad_password(app, client, cheap_scrypt):
    member = make_user(app, verified=False)
    cheapen(app, member)
    probe = Probe(app, client, "/reset", member)

    def reset_token() -> str:
        with app.app_context():
            user = db.session.get(User, member.id)
            return tokens.make_token(tokens.RESET, {"uid": user.id, "ph": user.password_hash[-12:]})

    untouched = probe.rows()
    for s in bad_inputs():
        url = "/reset/" + quote(s, safe="")
        for method in ("GET", "POST"):
            response = probe.send(f"{method} token={s!r}", method, url,
                                  data={"csrf_token": probe.token, "password": NEW_PASSWORD})
            if response is not None and response.status_code not in (302, 404, 405):
                probe.fail(f"{method} token={s!r}", f"answered {response.status_code}")
    if probe.rows() != untouched:
        probe.fail("garbage reset tokens", "something was written")

    token = reset_token()
    for s in bad_inputs():
        response = probe.post(f"password={s!r}", f"/reset/{token}", {"password": s})
        if response is not None and response.status_code == 302:
            token = reset_token()  # accepted: the password changed, so the old link is spent
    probe.report()


def test_link_and_profile_urls_survive_bad_input(app, client):
    probe = Probe(app, client)
    make_user(app)
    for s in bad_inputs():
        segment = quote(s, safe="")
        for url, allowed in ((f"/verify/{segment}", (302, 404, 405)),
                             (f"/settings/email/{segment}", (302, 404)),
                             (f"/u/{segment}", (404,))):
            response = probe.send(f"GET {url[:60]!r}", "GET", url)
            if response is not None and response.status_code not in allowed:
                probe.fail(f"GET {url[:60]!r}", f"answered {response.status_code}")
    if probe.rows()[0] != (1, 0, 0, 0):
        probe.fail("garbage links", f"wrote rows: {probe.rows()[0]}")
    probe.report()


# --- Settings ---------------------------------------------------------------------------------


def test_profile_settings_survive_bad_input(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    valid = {"display_name": "Alice Martin", "bio": "", "company": "", "location": "",
             "locale": "en"}
    for s in bad_inputs():
        for field in valid:
            probe.post(f"{field}={s!r}", "/settings", {**valid, field: s})
    probe.report()


def test_email_settings_survive_bad_input(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    for s in bad_inputs():
        for email in (s, local_part(s)):
            probe.post(f"email={email!r}", "/settings/email",
                       {"email": email, "current_password": GOOD_PASSWORD})
        probe.post(f"current_password={s!r}", "/settings/email",
                   {"email": "new@example.org", "current_password": s})
    probe.report()


def test_password_settings_survive_bad_input(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    current = GOOD_PASSWORD
    for s in bad_inputs():
        probe.post(f"current_password={s!r}", "/settings/password",
                   {"current_password": s, "password": NEW_PASSWORD})
        response = probe.post(f"password={s!r}", "/settings/password",
                              {"current_password": current, "password": s})
        if response is not None and response.status_code == 302:
            current = s  # a naughty string strong enough to be a password: it is one now
    probe.report()


def test_account_deletion_survives_bad_input(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings/delete", member)
    for s in bad_inputs():
        probe.post(f"current_password={s!r}", "/settings/delete", {"current_password": s})
    probe.report()


def test_invitation_note_survives_bad_input(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings/invitations", member)
    for s in bad_inputs():
        response = probe.post(f"note={s!r}", "/settings/invitations", {"note": s})
        if response is not None and response.status_code == 200:
            with app.app_context():  # keep the page (which lists them all) small and fast
                db.session.execute(sa.text("DELETE FROM invitations"))
                db.session.commit()
            probe.forget_rows()
    probe.report()


def test_language_switch_survives_bad_input(app, client):
    probe = Probe(app, client, "/")
    for s in bad_inputs():
        probe.post(f"lang={s!r}", "/language", {"lang": s, "next": "/"})
    for s in next_values():
        response = probe.post(f"next={s!r}", "/language", {"lang": "fr", "next": s})
        if response is not None and response.status_code != 302:
            probe.fail(f"next={s!r}", f"answered {response.status_code}")
    probe.report()


# --- Invalid UTF-8 ----------------------------------------------------------------------------


def test_invalid_utf8_in_query_strings_is_not_a_500(app, client):
    probe = Probe(app, client)
    response = probe.send("q=%ff%fe%fd", "GET", "/", query_string=b"q=%ff%fe%fd")
    if response is not None and response.status_code != 200:
        probe.fail("GET /?q=%ff%fe%fd", f"answered {response.status_code}")
    for url in ("/signup?invite=%C0%AF", "/login?next=%ff", "/signup?invite=%ff%fe",
                "/reset?x=%80", "/login?%ff=%fe", "/u/%C0%AF", "/verify/%ff%fe",
                "/reset/%C0%AF", "/settings?next=%ff", "/healthz?%ff"):
        probe.send(f"GET {url}", "GET", url)
    probe.report()


def test_invalid_utf8_in_form_bodies_is_not_a_500(make_app, cheap_scrypt):
    app = make_app(**OPEN_DOOR)
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    body_fields = {
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
    for url, fields in body_fields.items():
        if url == "/login?next=%ff":
            client.post("/logout", data={"csrf_token": probe.token})
        body = f"csrf_token={probe.token}&" + "&".join(f"{f}={INVALID_UTF8}" for f in fields)
        probe.send(f"POST {url} body", "POST", url, data=body.encode(),
                   content_type="application/x-www-form-urlencoded")
    probe.report()


# --- Escaping ---------------------------------------------------------------------------------


def test_naughty_display_names_render_escaped_on_the_profile(app, cheap_scrypt):
    client, member = logged_in(app)
    probe = Probe(app, client, "/settings", member)
    names = ["שלום 🙂 <script>alert(1)</script>", "Zoë 👩‍👩‍👧 <img src=x onerror=alert(1)>",
             "مرحبا \"><script>alert('x')</script>"]
    names += [s for s in naughty_strings() if looks_like_markup(s.strip()) and len(s.strip()) <= 60]
    saved = 0
    for name in names:
        response = probe.post(f"display_name={name!r}", "/settings",
                              {"display_name": name, "locale": "en"})
        if response is None or response.status_code != 302:
            continue  # refused (e.g. control characters): covered by the tests above
        saved += 1
        page = probe.send(f"profile of {name!r}", "GET", f"/u/{member.handle}")
        if page is None:
            continue
        html, shown = text(page), unicodedata.normalize("NFC", name.strip())
        if shown in html:
            probe.fail(f"display_name={name!r}", "appears unescaped on the profile page")
        elif str(escape(shown)) not in html:
            probe.fail(f"display_name={name!r}", "does not appear (escaped) on the profile page")
    assert saved >= 3, "no naughty display name was accepted: nothing was checked"
    probe.report()
