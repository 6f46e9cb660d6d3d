"""The README stays true: every setting documented, CI runs the README's test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_is_in_the_readme_table():
    source = (ROOT / "community" / "config.py").read_text()
    names = set(re.findall(r'(?:env_\w+|environ\.get)\(\s*"([A-Z_]+)"', source))
    assert len(names) > 20
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert missing == [], f"document these in README.md's configuration table: {missing}"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci_lines[-1] == "./scripts/test"
    assert "\n./scripts/test\n" in readme and "\n./scripts/serve\n" in readme
    assert "export CI=true" in ci_lines


def test_the_architecture_page_names_every_domain_and_registry():
    from community import DOMAINS

    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    missing = [name for name in DOMAINS if f'"{name}"' not in page]
    assert missing == [], f"docs/ARCHITECTURE.md does not list these domains: {missing}"
    source = "\n".join(p.read_text() for p in (ROOT / "community").rglob("*.py"))
    registries = set(re.findall(r"registry\.table\(\"(\w+)\"\)", source))
    assert len(registries) >= 5
    registers = set(re.findall(r"^def (register_\w+)\(", source, re.M))
    undocumented = sorted(name for name in registers if name not in page)
    assert undocumented == [], f"document these registries in docs/ARCHITECTURE.md: {undocumented}"
