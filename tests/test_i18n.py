"""The translation catalogs: every string in the code is translated, and the app speaks it.

The catalog checks read the source and the .po files only (no database). The HTTP checks use
the real app, through the usual ``client`` fixture.

When a check fails because strings are missing, run ``scripts/update_catalogs`` and translate
what it lists in community/translations/fr/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from community import create_app
from community.config import TestConfig
from community.extensions import db
from tests.helpers import hidden_fields, text

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "community" / "translations"
LANGUAGES = ("en", "fr")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# Like scripts/update_catalogs (--ignore-dirs): skip dot-directories and caches only. Babel's
# default filter also skips every "_name" directory, which would miss templates/_macros.
IGNORED_DIRS = (".*", "__pycache__")
FIX = "Run scripts/update_catalogs, then translate what it lists in the fr catalog."

# %(name)s, %(n)d, %(x)05.2f ...: a named placeholder, with its conversion.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")


def _read_mapping():
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        return parse(f, filename=str(ROOT / "babel.cfg"))


def _keep_dir(path: str) -> bool:
    name = os.path.basename(path)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_DIRS)


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    """msgid -> where it is used, for every string marked in the code and the templates."""
    method_map, options_map = _read_mapping()
    # A template that fails to parse must fail here, not be skipped without a word.
    options_map = {
        pattern: {**options, "silent": "false"} for pattern, options in options_map.items()
    }
    scanned: set[str] = set()
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        callback=lambda filename, method, options: scanned.add(filename),
        directory_filter=_keep_dir,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            key = msgid if context is None else f"{context}\x04{msgid}"
            found.setdefault(key, []).append(f"{filename}:{lineno}")

    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "community").rglob("*.py")}
    sources |= {str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")}
    sources = {s.replace(os.sep, "/") for s in sources if "__pycache__" not in s}
    assert sources - scanned == set(), "babel.cfg or the directory filter misses these files"
    assert found, "no translatable string found: is babel.cfg right?"
    return found


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def catalogs():
    return {lang: _catalog(lang) for lang in LANGUAGES}


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _lookup(catalog, key: str):
    context, _, msgid = key.rpartition("\x04")
    return catalog.get(msgid, context=context or None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_in_the_code_is_translated(extracted, catalogs, lang):
    catalog = catalogs[lang]
    missing, empty, fuzzy = [], [], []
    for key, places in sorted(extracted.items()):
        message = _lookup(catalog, key)
        label = f"{key!r} ({places[0]})"
        if message is None:
            missing.append(label)
        elif not all(_strings(message)):
            empty.append(label)
        elif message.fuzzy:
            fuzzy.append(label)
    problems = [
        f"{title} in the {lang} catalog:\n  " + "\n  ".join(ids)
        for title, ids in (("not present", missing), ("untranslated", empty), ("fuzzy", fuzzy))
        if ids
    ]
    assert not problems, "\n".join(problems) + f"\n{FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(catalogs, lang):
    wrong = []
    for message in catalogs[lang]:
        if not message.id:
            continue  # the header
        ids = list(message.id) if message.pluralizable else [message.id]
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        values = {m.group(0)[2:].partition(")")[0]: 1 for m in PLACEHOLDER.finditer(" ".join(ids))}
        for string in _strings(message):
            if not string:
                continue  # reported by the completeness check
            if set(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r}: {string!r}")
                continue
            try:
                string % values  # a stray % breaks the page (Jinja always formats)
            except (ValueError, TypeError, KeyError) as error:
                wrong.append(f"{ids[0]!r}: {string!r} ({error})")
    assert not wrong, f"placeholders differ from the msgid in the {lang} catalog:\n  " + (
        "\n  ".join(wrong)
    )


# --- The app speaks the catalogs --------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_catalogs():
    """Compile each .po to its .mo (the app reads the .mo), so no earlier build step is needed."""
    for lang in LANGUAGES:
        catalog = _catalog(lang)
        mo_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
        tmp_path = mo_path.with_name(f"messages.mo.{os.getpid()}.tmp")
        with open(tmp_path, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        if mo_path.exists() and mo_path.read_bytes() == tmp_path.read_bytes():
            tmp_path.unlink()
        else:
            os.replace(tmp_path, mo_path)


@pytest.fixture(scope="module")
def plain_app(compiled_catalogs):
    """The app on an in-memory SQLite database that is never used: pages that need no data."""
    app = create_app(TestConfig())
    yield app
    with app.app_context():
        db.engine.dispose()


def test_lazy_strings_follow_the_locale(plain_app):
    from community.trust.messages import MESSAGES

    with plain_app.test_request_context("/"):
        with force_locale("fr"):
            assert str(MESSAGES["form_token"]) == (
                "Ce formulaire a expiré. Veuillez le remplir à nouveau."
            )
        with force_locale("en"):
            assert str(MESSAGES["form_token"]) == "This form has expired. Please fill it in again."


def test_error_pages_speak_french(plain_app):
    response = plain_app.test_client().get("/no-such-page", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Cette page n’existe pas." in text(response)
    assert "Retour à l’accueil" in text(response)


@pytest.mark.usefixtures("compiled_catalogs")
def test_accept_language_fr_gives_french(client):
    html = text(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}))
    assert '<html lang="fr">' in html
    assert "Se connecter" in html
    assert "Rejoindre la communauté" in html
    assert ">Log in<" not in html


@pytest.mark.usefixtures("compiled_catalogs")
def test_accept_language_en_gives_english(client):
    html = text(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Se connecter" not in html


@pytest.mark.usefixtures("compiled_catalogs")
def test_visitors_language_picker_sets_a_cookie_that_wins_over_the_browser(client):
    english = {"Accept-Language": "en"}
    page = client.get("/", headers=english)
    assert "Se connecter" not in text(page)
    # A visitor's page carries no CSRF token and sets no cookie: it stays cacheable.
    assert "csrf_token" not in hidden_fields(text(page))
    assert page.headers.getlist("Set-Cookie") == []

    response = client.get("/language", query_string={"lang": "fr", "next": "/login"},
                          headers=english)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert any(h.startswith("cercle_lang=fr;") for h in response.headers.getlist("Set-Cookie"))

    html = text(client.get("/", headers=english))
    assert '<html lang="fr">' in html
    assert "Se connecter" in html


@pytest.mark.usefixtures("compiled_catalogs")
def test_members_language_choice_is_saved_on_the_account_by_post(app, auth):
    page = auth.get("/")
    fields = hidden_fields(text(page))
    assert "csrf_token" in fields
    response = auth.post("/language", data={**fields, "lang": "fr"})
    assert response.status_code == 302
    from tests.conftest import login

    other_browser = app.test_client()
    login(other_browser)
    assert '<html lang="fr">' in text(other_browser.get("/", headers={"Accept-Language": "en"}))


def test_members_language_post_without_csrf_is_refused(auth):
    assert auth.post("/language", data={"lang": "fr"}).status_code == 400
