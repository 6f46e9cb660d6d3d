"""What the browser tests share: logging in, reading flashes, collecting console errors."""

from __future__ import annotations

import re

from tests.conftest import GOOD_PASSWORD


def watch(page, errors: list[str]) -> None:
    """Collect console errors and uncaught errors of ``page`` (as the console_errors fixture)."""
    def on_console(message):
        source = (message.location or {}).get("url", "")
        if message.type == "error" and not source.endswith("/favicon.ico"):
            errors.append(f"{page.url}: {message.text}" + (f" [{source}]" if source else ""))

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))


def flash(page):
    return page.locator(".flashes .flash")


def log_in(page, email: str) -> None:
    page.goto("/login")
    form = page.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    form.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
