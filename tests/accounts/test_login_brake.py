"""The per-account brake (OWASP's device cookies): guessing one account's password from many
addresses is refused after LOGIN_ACCOUNT_MAX_FAILURES, without the password being checked,
while the owner's browsers still log in; an address without an account is braked the same."""

import logging
import re
import socket
import uuid

from community import create_app, mail
from community.accounts import brake
from community.config import Config, TestConfig
from community.extensions import db
from tests.conftest import login, make_user
from tests.helpers import links_in, mails_to, path_of, post_form, text
from tests.requirements import REDIS_URL, redis_problem, require

BRAKED = ("Too many failed attempts for this account from new devices. Try again in a few "
          "minutes, or reset your password.")
WRONG = "not the password at all"
NEW_PASSWORD = "marble lantern quietly orbit"


def browser(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess(app, email: str, times: int = 10, first: int = 1) -> None:
    """Wrong passwords for ``email``, each from a new browser at a new address."""
    for n in range(first, first + times):
        response = login(browser(app, f"203.0.113.{n}"), email, WRONG)
        assert response.status_code == 422 and "Wrong e-mail or password." in text(response)


def is_logged_in(client) -> bool:
    return client.get("/settings").status_code == 200


def owners_browser(app):
    """The browser the member logged in from (and out of) last week: it holds a device cookie."""
    client = browser(app, "198.51.100.7")
    assert login(client).status_code == 302
    post_form(client, "/logout", {}, get_url="/settings")
    assert not is_logged_in(client) and client.get_cookie(brake.COOKIE) is not None
    return client


def without_tokens(html: str, email: str) -> str:
    return re.sub(r'value="[^"]*"', "", html).replace(email, "EMAIL")


def test_guessing_from_many_addresses_brakes_new_browsers_but_not_the_owners(app, member):
    owner = owners_browser(app)
    guess(app, "alice@example.com")
    newcomer = browser(app, "192.0.2.44")
    response = login(newcomer)  # the right password
    assert response.status_code == 422 and BRAKED in text(response)
    assert not is_logged_in(newcomer)
    assert login(owner).status_code == 302 and is_logged_in(owner)


def test_nine_failures_do_not_brake(app, member):
    guess(app, "alice@example.com", times=9)
    assert login(browser(app, "192.0.2.44")).status_code == 302


def test_an_address_without_an_account_is_braked_the_same(app, member):
    guess(app, "alice@example.com")
    guess(app, "nobody@example.com", first=20)
    known = login(browser(app, "192.0.2.44"), "alice@example.com")
    unknown = login(browser(app, "192.0.2.45"), "nobody@example.com")
    assert known.status_code == unknown.status_code == 422
    assert without_tokens(text(known), "alice@example.com") == without_tokens(
        text(unknown), "nobody@example.com")
    assert BRAKED in text(unknown)


def test_a_braked_attempt_does_not_check_the_password(app, member, monkeypatch):
    guess(app, "alice@example.com")
    checked = []
    monkeypatch.setattr(brake, "verify_password", lambda *args: checked.append(args))
    login(browser(app, "192.0.2.44"), "nobody@example.com")  # not braked: checked
    assert len(checked) == 1
    login(browser(app, "192.0.2.45"))
    assert len(checked) == 1


def test_the_brake_is_per_account(app, member):
    make_user(app, "Bob Stone", "bob@example.com")
    guess(app, "alice@example.com")
    assert login(browser(app, "192.0.2.44"), "bob@example.com").status_code == 302


def test_the_address_is_counted_normalised(app, member):
    guess(app, "Alice+guess@Example.com")
    assert BRAKED in text(login(browser(app, "192.0.2.44")))


def test_the_limit_is_a_setting(make_app):
    app = make_app(LOGIN_ACCOUNT_MAX_FAILURES=3)
    make_user(app)
    guess(app, "alice@example.com", times=3)
    assert BRAKED in text(login(browser(app, "192.0.2.44")))


def test_settings_default_to_ten_failures_in_fifteen_minutes(monkeypatch):
    assert (Config().LOGIN_ACCOUNT_MAX_FAILURES, Config().LOGIN_ACCOUNT_WINDOW_SECONDS) == (10, 900)
    monkeypatch.setenv("LOGIN_ACCOUNT_MAX_FAILURES", "5")
    monkeypatch.setenv("LOGIN_ACCOUNT_WINDOW_SECONDS", "60")
    assert (Config().LOGIN_ACCOUNT_MAX_FAILURES, Config().LOGIN_ACCOUNT_WINDOW_SECONDS) == (5, 60)


def test_the_device_cookie_is_signed_httponly_lax_and_secure(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    make_user(app)
    response = login(browser(app, "198.51.100.7"))
    [device] = [c for c in response.headers.getlist("Set-Cookie")
                if c.startswith(f"{brake.COOKIE}=")]
    assert "HttpOnly" in device and "SameSite=Lax" in device and "Secure" in device
    assert "Max-Age=31536000" in device


def test_a_forged_or_someone_elses_device_cookie_does_not_lift_the_brake(app, member):
    make_user(app, "Bob Stone", "bob@example.com")
    owner = owners_browser(app)
    bobs = browser(app, "192.0.2.8")
    login(bobs, "bob@example.com")
    guess(app, "alice@example.com")
    value = owner.get_cookie(brake.COOKIE).value
    forged = browser(app, "192.0.2.44")
    forged.set_cookie(brake.COOKIE, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert BRAKED in text(login(forged))
    assert BRAKED in text(login(bobs))  # Bob's browser is trusted for Bob only


def test_a_device_cookie_over_its_own_limit_stops_lifting_the_brake(app, member):
    owner = owners_browser(app)
    guess(app, "alice@example.com")
    for _ in range(10):
        response = login(owner, password=WRONG)
        assert "Wrong e-mail or password." in text(response)
    assert BRAKED in text(login(owner))


def test_resetting_the_password_trusts_the_browser(app, member, outbox):
    guess(app, "alice@example.com")
    newcomer = browser(app, "192.0.2.44")
    post_form(newcomer, "/reset", {"email": "alice@example.com"})
    mail.wait_for_background_mail()
    link = path_of(links_in(mails_to(outbox, "alice@example.com")[0])[0])
    assert post_form(newcomer, link, {"password": NEW_PASSWORD}).status_code == 302
    assert login(newcomer, password=NEW_PASSWORD).status_code == 302
    assert BRAKED in text(login(browser(app, "192.0.2.45"), password=NEW_PASSWORD))


def test_a_password_reset_revokes_the_device_cookies_given_before(app, member, outbox):
    stolen = owners_browser(app)  # a copy of this browser's device cookie is in other hands
    newcomer = browser(app, "192.0.2.44")
    post_form(newcomer, "/reset", {"email": "alice@example.com"})
    link = path_of(links_in(mails_to(outbox, "alice@example.com")[0])[0])
    assert post_form(newcomer, link, {"password": NEW_PASSWORD}).status_code == 302
    guess(app, "alice@example.com")
    assert BRAKED in text(login(stolen, password=NEW_PASSWORD))
    assert login(newcomer, password=NEW_PASSWORD).status_code == 302  # trusted by the reset


def test_with_redis_unreachable_the_brake_counts_in_memory(make_app, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
    make_user(app)
    caplog.set_level(logging.WARNING, logger="community.accounts.brake")
    owner = owners_browser(app)
    guess(app, "alice@example.com")
    assert BRAKED in text(login(browser(app, "192.0.2.44")))
    assert login(owner).status_code == 302
    assert "counting in this worker's memory" in caplog.text


def test_failures_are_counted_in_redis_for_every_worker(tmp_path):
    require(redis_problem() is None, redis_problem() or "")
    settings = dict(RATELIMIT_STORAGE_URI=REDIS_URL, OUTBOX_DIR=str(tmp_path / "outbox"))
    workers = [create_app(TestConfig(f"sqlite:///{tmp_path / 'shared.db'}", **settings))
               for _ in range(2)]
    with workers[0].app_context():
        db.create_all()
    email = f"{uuid.uuid4().hex}@example.com"  # keys of its own on a shared Redis
    for n in range(10):
        response = login(browser(workers[n % 2], f"203.0.113.{n}"), email, WRONG)
        assert "Wrong e-mail or password." in text(response)
    for worker in workers:
        assert BRAKED in text(login(browser(worker, "192.0.2.44"), email, WRONG))
        with worker.app_context():
            db.engine.dispose()
