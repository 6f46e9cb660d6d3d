"""The layering rules of CONVENTIONS.md, enforced on the source."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = ROOT / "community"
PURE_MODULES = [
    COMMUNITY / "trust" / "door.py", COMMUNITY / "trust" / "weights.py",
    COMMUNITY / "ideas" / "ranking.py", COMMUNITY / "search" / "terms.py",
    COMMUNITY / "forums" / "limits.py", COMMUNITY / "text" / "mentions.py",
]
SERVICE_MODULES = [
    COMMUNITY / "accounts" / "service.py", COMMUNITY / "accounts" / "invitations.py",
    COMMUNITY / "accounts" / "data.py", COMMUNITY / "trust" / "service.py",
    COMMUNITY / "accounts" / "sessions.py", COMMUNITY / "accounts" / "brake.py",
    COMMUNITY / "demo" / "seed.py",
    *(COMMUNITY / "forums" / f"{name}.py"
      for name in ("service", "qa", "moderate", "notices", "admin", "queries", "subjects")),
    COMMUNITY / "moderation" / "service.py", COMMUNITY / "search" / "service.py",
]


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: p.name)
def test_pure_modules_import_no_framework(path):
    banned = ("flask", "sqlalchemy", "community.extensions", "community.models")
    bad = [name for name in imports_of(path) if name.startswith(banned)]
    assert bad == [], f"{path.name} must stay pure (no Flask, no database): {bad}"


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=lambda p: p.name)
def test_services_never_commit_nor_touch_the_request(path):
    source = path.read_text()
    assert ".commit(" not in source, f"{path.name}: services flush; the view commits"
    bad = [n for n in imports_of(path) if n in ("flask.request", "flask_login.current_user",
                                                  "flask.flash", "flask.render_template")]
    assert bad == [], f"{path.name} takes the actor as a parameter, not from the request: {bad}"


def test_templates_never_mark_user_content_safe():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if "|safe" in p.read_text().replace(" ", "")]
    assert offenders == []


def test_no_inline_script_or_style_in_templates():
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        assert "<script>" not in html and "<style" not in html and " style=" not in html, path
        assert " onclick=" not in html and " onchange=" not in html, path


def test_every_state_changing_route_is_a_post():
    from community import create_app
    from community.config import TestConfig

    app = create_app(TestConfig())
    get_only_writers = {"accounts.verify", "accounts.confirm_email"}  # signed e-mail links
    for rule in app.url_map.iter_rules():
        if rule.endpoint in get_only_writers:
            continue
        name = rule.endpoint.rsplit(".", 1)[-1]
        # (/language also answers GET for visitors: it only sets their language cookie.)
        if name in ("logout", "revoke_invitation", "resend_verification",
                    "change_email", "change_password"):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"POST"}, rule
