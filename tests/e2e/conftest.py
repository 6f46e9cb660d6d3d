"""Browser fixtures: the app served on a real port, and Debian's Chromium driven by Playwright.

The server runs in a thread of the test process, on an SQLite *file* (the server is threaded:
each request thread gets its own connection, which an in-memory database would not share).
CSRF stays on: the browser fills in the forms the way a visitor does.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from community.config import ROOT
from tests.conftest import dispose, file_app
from tests.requirements import CHROMIUM, chromium_problem, require

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory) -> str:
    """The .po catalogs compiled afresh into a temporary directory.

    The .mo files next to the .po are build products (git-ignored, compiled by scripts/_venv.sh)
    and may be missing or stale when pytest is run directly; the browser sees the .po as it is.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = ROOT / "community" / "translations"
    target = tmp_path_factory.mktemp("translations")
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        locale = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo = target / locale / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)  # as scripts/_venv.sh compiles them
    return str(target)


@pytest.fixture
def live_app(tmp_path, compiled_translations):
    """The app on a fresh SQLite file, with the schema created; mail goes to tmp_path/outbox."""
    app = file_app(tmp_path / "e2e.db", OUTBOX_DIR=str(tmp_path / "outbox"),
                   SIGNUP_MIN_SECONDS=1.0, BABEL_TRANSLATION_DIRECTORIES=compiled_translations)
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests run with CSRF on"
    yield app
    dispose(app)


@pytest.fixture
def live_server(live_app):
    """Serve ``live_app`` on 127.0.0.1 (a free port) in a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def outbox_dir(live_app) -> Path:
    return Path(live_app.config["OUTBOX_DIR"])


@pytest.fixture(scope="session")
def browser():
    require(chromium_problem() is None, chromium_problem() or "")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True, args=CHROMIUM_ARGS,
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile per test (no cookies carried over), English by default."""
    ctx = browser.new_context(
        base_url=live_server, accept_downloads=True, locale="en-US",
        viewport={"width": 1200, "height": 900},
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def console_errors(page):
    """Every console error and uncaught page error, as "url: text" lines, for the whole test.

    Chromium reports a Content-Security-Policy violation as a console error ("Refused to
    execute inline script because it violates the following Content Security Policy ...").
    """
    errors: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if source.endswith("/favicon.ico"):
            return  # Chromium asks for one on its own; the site does not serve one (yet)
        errors.append(f"{page.url}: {message.text}" + (f" [{source}]" if source else ""))

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))
    return errors
