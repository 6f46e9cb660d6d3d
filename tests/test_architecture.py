"""The layering rules of CONVENTIONS.md (issue #10), enforced on the source.

A small checker reads every module's imports with ``ast``. Each ``check_*`` takes the root of
a package tree and returns its violations as readable strings, so the same code runs on the
real ``community/`` (one test per rule) and on fixture trees that prove each rule fires."""

import ast
import functools
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = ROOT / "community"
EXCLUDED = ("translations",)  # top-level directories of the tree that hold no code

# Rule 1: layers, lowest first; a module imports its own layer or lower ones, never higher.
LAYERS = ("base", "accounts", "platform", "memberships", "content", "app")
# Package prefix -> layer for the base and the app; the deepest prefix wins, and the root
# package's entry covers the root package alone. Each domain declares its own layer in its
# package (``LAYER = "content"`` in ``community/<domain>/__init__.py``), so a new domain
# touches no shared file but the DOMAINS tuple; a module in no layer fails the test.
LAYER_OF = {
    "community": "app",  # community/__init__.py: create_app and DOMAINS
    **{f"community.{name}": "base" for name in (
        "extensions", "config", "database", "dbcheck", "errors", "forms", "ids", "i18n",
        "circles", "mail", "navigation", "netaddr", "registry", "security", "templating",
        "timeutil", "refusals", "text", "marks", "images", "home", "freshness", "pagecache")},
}
# Rule 4: pure modules, relative to the directory holding the package. A listed module that
# is missing is a violation, never skipped.
PURE = (
    "community/trust/door.py", "community/trust/weights.py", "community/ideas/ranking.py",
    "community/search/terms.py", "community/forums/limits.py", "community/text/mentions.py",
    "community/text/quotes.py",
    "community/accounts/emails.py", "community/netaddr.py", "community/trust/combiner.py",
    "community/trust/pipeline.py", "community/trust/levels.py",
)
PURE_PATTERNS = ("community/trust/detectors/*.py", "community/*/pure_*.py")
FRAMEWORKS = ("flask", "flask_*", "sqlalchemy", "werkzeug")  # top-level names (fnmatch)


# --- Reading a tree -------------------------------------------------------------------

def modules_of(root: Path) -> dict[str, Path]:
    """Every module of the tree by dotted name (``root/a/__init__.py`` is ``root.a``)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] not in EXCLUDED:
            parts = (root.name, *rel.with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def is_module(root: Path, name: str) -> bool:
    """Whether ``name`` is a module or a package (a directory) of the tree."""
    path = root.parent.joinpath(*name.split("."))
    return inside(root, name) and (path.with_suffix(".py").is_file() or path.is_dir())


def inside(root: Path, name: str) -> bool:
    return name == root.name or name.startswith(root.name + ".")


def runtime_nodes(node: ast.AST):
    """Every node below ``node``, function bodies included, but not ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        test = getattr(child, "test", None)
        typing_only = "TYPE_CHECKING" in (getattr(test, "id", 0), getattr(test, "attr", 0))
        for kept in child.orelse if isinstance(child, ast.If) and typing_only else [child]:
            yield kept
            yield from runtime_nodes(kept)


@functools.cache
def graph_of(root: Path) -> dict[str, list[tuple[str, int]]]:
    """Module -> (imported module, line) for all its imports, module-level or local.

    ``from a import b`` is module ``a.b`` where the tree has it, else ``a``; relative
    imports are resolved against the importing module's package."""
    graph = {}
    for name, path in modules_of(root).items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = []
        for node in runtime_nodes(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: package.count(".") + 2 - node.level]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.append((full if is_module(root, full) else base, node.lineno))
        graph[name] = list(dict.fromkeys(found))  # `from a import b, c` may repeat a pair
    return graph


@functools.cache
def declared_layers(root: Path) -> dict[str, str]:
    """Package -> the layer it declares with a module-level ``LAYER = "..."``."""
    found = {}
    for init in sorted(root.glob("*/__init__.py")):
        for node in ast.parse(init.read_text(), str(init)).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and any(
                    getattr(target, "id", None) == "LAYER" for target in node.targets):
                found[f"{root.name}.{init.parent.name}"] = node.value.value
    return found


def layer_of(name: str, root: Path) -> str | None:
    table = {**LAYER_OF, **declared_layers(root)}
    if name == root.name:
        return table.get(name)
    prefixes = [p for p in table if p != root.name and (name + ".").startswith(p + ".")]
    return table[max(prefixes, key=len)] if prefixes else None


def is_views(name: str) -> bool:
    last = name.rpartition(".")[2]
    return last == "views" or last.startswith("views_")


# --- The rules ------------------------------------------------------------------------

def check_unassigned(root: Path) -> list[str]:
    """Rule 1, none left out: every module belongs to a layer."""
    unknown = [f"{package}: declares an unknown layer {layer!r}"
               for package, layer in declared_layers(root).items() if layer not in LAYERS]
    return unknown + [f"{name}: in no layer (LAYER_OF, or LAYER in its domain's package)"
                      for name in modules_of(root) if layer_of(name, root) is None]


def check_layers(root: Path) -> list[str]:
    """Rule 1: no import of a higher layer."""
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    found = []
    for name, imports in graph_of(root).items():
        mine = layer_of(name, root)
        for target, line in imports:
            theirs = layer_of(target, root) if inside(root, target) else None
            if mine and theirs and rank[theirs] > rank[mine]:
                found.append(f"{name}:{line} imports {target}: upward import "
                             f"(layer {mine} -> higher layer {theirs})")
    return found


def check_views_isolation(root: Path) -> list[str]:
    """Rule 3: a domain (community/<X>/...) never imports another domain's views."""
    found, paths = [], modules_of(root)
    for name, imports in graph_of(root).items():
        if paths[name].parent == root:
            continue  # a top-level module belongs to no domain
        for target, line in imports:
            parts = target.split(".")
            if inside(root, target) and len(parts) > 2 and is_views(".".join(parts[:3])) \
                    and parts[1] != name.split(".")[1]:
                found.append(f"{name}:{line} imports {target}: domain {name.split('.')[1]} "
                             f"imports the views of domain {parts[1]}")
    return found


def paths_from(graph: dict[str, list[str]], start: str) -> dict[str, list[str]]:
    """Every module reachable from ``start`` -> a shortest import chain to it (breadth first;
    ``start`` itself is reached only through a cycle)."""
    paths, queue = {}, [[start]]
    while queue:
        chain = queue.pop(0)
        for nxt in graph[chain[-1]]:
            if nxt not in paths:
                paths[nxt] = chain + [nxt]
                queue.append(paths[nxt])
    return paths


def check_purity(root: Path, pure=PURE, patterns=PURE_PATTERNS) -> list[str]:
    """Rule 4: a pure module reaches no framework and no impure module of ours, not even
    through another pure module (the chain is named)."""
    base, graph = root.parent, graph_of(root)
    found = [f"{rel}: listed in PURE but missing" for rel in pure if not (base / rel).is_file()]
    paths = {base / rel for rel in pure} | {p for pat in patterns for p in base.glob(pat)}
    names = sorted(name for name, path in modules_of(root).items() if path in paths)
    pure_graph = {name: [t for t, _ in graph[name] if t in names] for name in names}
    for start in names:
        reached = paths_from(pure_graph, start)
        for chain in [[start]] + [chain for name, chain in reached.items() if name != start]:
            for target, line in graph[chain[-1]]:
                where = f"{start}: impure, {' -> '.join(chain)}:{line} imports {target}"
                if any(fnmatch(target.split(".")[0], f) for f in FRAMEWORKS):
                    found.append(where)
                elif inside(root, target) and target not in names:
                    found.append(f"{where}, which is not a pure module")
    return found


def check_cycles(root: Path) -> list[str]:
    """Rule 5: no import cycle between modules of the tree, one report per strongly connected
    component; a package's ``__init__`` counts only where it is named."""
    graph = {name: sorted({t for t, _ in imports if t in graph_of(root) and t != name})
             for name, imports in graph_of(root).items()}
    reach = {name: paths_from(graph, name) for name in graph}
    found, reported = [], set()
    for name in sorted(graph):
        component = [other for other in sorted(reach[name]) if name in reach[other]]
        if component and name not in reported:  # name first: the shortest cycle through it
            reported.update(component)
            found.append(f"import cycle among {len(component)} modules ({', '.join(component)})"
                         f": {' -> '.join(reach[name][name])}")
    return found


# Blueprint decorators that register on the whole app: a views module must not use them (the
# domain's init_app registers app-wide hooks, so importing views changes nothing app-wide).
APP_HOOKS = frozenset({"before_app_request", "after_app_request", "teardown_app_request",
                       "app_context_processor", "app_errorhandler", "app_template_filter",
                       "app_template_global", "app_template_test", "record", "record_once",
                       "app_url_defaults", "app_url_value_preprocessor"})


def check_views_side_effects(root: Path) -> list[str]:
    """Rule 6: importing a views module registers nothing: no module-level call, and no
    Blueprint (it lives in the domain package, e.g. blueprint.py)."""
    found = []
    for name, path in modules_of(root).items():
        for stmt in ast.parse(path.read_text()).body if is_views(name) else []:
            value = getattr(stmt, "value", None)
            func = getattr(value, "func", None)
            if isinstance(stmt, ast.Expr) and isinstance(value, ast.Call):
                found.append(f"{name}:{stmt.lineno}: module-level call {ast.unparse(value)}")
            elif isinstance(stmt, ast.Assign | ast.AnnAssign) and isinstance(value, ast.Call) \
                    and "Blueprint" in (getattr(func, "id", 0), getattr(func, "attr", 0)):
                found.append(f"{name}:{stmt.lineno}: defines a Blueprint in a views module")
            for decorator in getattr(stmt, "decorator_list", []):
                hook = getattr(getattr(decorator, "func", decorator), "attr", "")
                if hook in APP_HOOKS:  # routes are the blueprint's; app-wide hooks init_app's
                    found.append(f"{name}:{decorator.lineno}: app-wide hook @{hook} in a views "
                                 "module")
    return found


def check_domains_init_app(root: Path) -> list[str]:
    """Rule 7: the root package's DOMAINS tuple names packages that define init_app(app),
    lowest layer first (a domain's init_app may rely on what the layers below registered)."""
    init, domains = root / "__init__.py", None
    for stmt in ast.parse(init.read_text()).body if init.is_file() else []:
        targets = getattr(stmt, "targets", [getattr(stmt, "target", None)])  # (Ann)Assign
        if any(getattr(t, "id", None) == "DOMAINS" for t in targets):
            domains = stmt.value
    if not isinstance(domains, ast.Tuple):
        return [f"{root.name}/__init__.py: no module-level tuple DOMAINS"]
    found = []
    for element in domains.elts:
        name = getattr(element, "value", None)
        path = root.parent.joinpath(*str(name).split("."), "__init__.py")
        body = ast.parse(path.read_text()).body if path.is_file() else []
        if not any(isinstance(f, ast.FunctionDef) and f.name == "init_app" and f.args.args
                   and f.args.args[0].arg == "app" for f in body):
            found.append(f"DOMAINS: {ast.unparse(element)} is no package of the tree "
                         "defining a top-level init_app(app)")
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    highest = -1
    for element in domains.elts:
        layer = layer_of(str(getattr(element, "value", "")), root)
        if layer in rank and rank[layer] < highest:
            found.append(f"DOMAINS: {ast.unparse(element)} (layer {layer}) comes after a "
                         "higher layer")
        highest = max(highest, rank.get(layer, -1))
    return found


# --- The real tree: one test per rule -------------------------------------------------

def assert_clean(violations: list[str]) -> None:
    assert not violations, f"{len(violations)} violation(s):\n  " + "\n  ".join(violations)


def test_every_module_is_in_a_layer():
    assert_clean(check_unassigned(COMMUNITY))


def test_layers_only_import_downward():
    assert_clean(check_layers(COMMUNITY))


def test_no_domain_imports_another_domains_views():
    assert_clean(check_views_isolation(COMMUNITY))


def test_pure_modules_stay_pure():
    assert_clean(check_purity(COMMUNITY))


def test_no_import_cycles():
    assert_clean(check_cycles(COMMUNITY))


def test_importing_views_registers_nothing():
    assert_clean(check_views_side_effects(COMMUNITY))


def test_every_domain_exposes_init_app():
    assert_clean(check_domains_init_app(COMMUNITY))


# --- Tests of the tests: a clean fixture tree passes, each breach is reported ---------

CLEAN = {  # two domains, a pure module, a TYPE_CHECKING-only upward import, relative imports
    "community/__init__.py": 'DOMAINS = ("community.ideas", "community.forums")\n',
    "community/extensions.py": "import typing\nif typing.TYPE_CHECKING:\n"
                               "    import community.ideas\n",
    "community/translations/helper.py": "import flask\n",  # excluded: needs no layer
    "community/accounts/__init__.py": 'LAYER = "accounts"\n',
    "community/accounts/service.py": "from .. import extensions\n",
    "community/ideas/__init__.py": 'LAYER = "content"\n'
                                   "def init_app(app):\n    from community.ideas import views\n",
    "community/ideas/blueprint.py": "import flask\nbp = flask.Blueprint('ideas', 'x')\n",
    "community/ideas/views.py": '"""Pages."""\nfrom .blueprint import bp\nfrom . import service\n'
                                "@bp.route('/')\ndef index(): pass\n",
    "community/ideas/service.py": "from community.ideas.ranking import rank\n"
                                  "from community.accounts import service\n",
    "community/ideas/ranking.py": "import math\nfrom community.ideas import pure_words\n",
    "community/ideas/pure_words.py": "import re\n",
    "community/forums/__init__.py": 'LAYER = "content"\ndef init_app(app): pass\n',
    "community/forums/service.py": "from community.ideas import service, init_app\n",
}
PURITY = functools.partial(check_purity, pure=("community/ideas/ranking.py",))
CASES = {  # id: (checker, files changed from CLEAN, fragment of the expected violation)
    "upward": (check_layers, {"community/extensions.py": "import community.ideas.service"},
               "community.extensions:1 imports community.ideas.service: upward import "
               "(layer base -> higher layer content)"),
    "upward-local-relative": (check_layers, {"community/accounts/service.py":
                              "def f():\n    from ..forums import service\n"},
                              "community.accounts.service:2 imports community.forums.service"),
    "unassigned": (check_unassigned, {"community/misc.py": ""}, "community.misc: in no layer"),
    "domain-declares-no-layer": (check_unassigned, {"community/forums/__init__.py":
                                 "def init_app(app): pass\n"}, "community.forums: in no layer"),
    "unknown-layer": (check_unassigned, {"community/forums/__init__.py":
                      'LAYER = "contnet"\ndef init_app(app): pass\n'},
                      "community.forums: declares an unknown layer 'contnet'"),
    "domains-out-of-order": (check_domains_init_app, {"community/__init__.py":
                             'DOMAINS = ("community.ideas", "community.accounts")\n',
                             "community/accounts/__init__.py":
                             'LAYER = "accounts"\ndef init_app(app): pass\n'},
                             "'community.accounts' (layer accounts) comes after a higher layer"),
    "views-of-another-domain": (check_views_isolation, {"community/forums/service.py":
                                "from community.ideas.views_team import x\n"},
                                "domain forums imports the views of domain ideas"),
    "pure-imports-framework": (PURITY, {"community/ideas/ranking.py": "import flask_babel\n"},
                               "community.ideas.ranking:1 imports flask_babel"),
    "pure-imports-impure": (PURITY, {"community/ideas/ranking.py": "from . import service\n"},
                            "imports community.ideas.service, which is not a pure module"),
    "pure-impure-transitively": (PURITY, {"community/ideas/pure_words.py": "import sqlalchemy"},
                                 "community.ideas.ranking: impure, community.ideas.ranking -> "
                                 "community.ideas.pure_words:1 imports sqlalchemy"),
    "detector-imports-framework": (PURITY, {"community/trust/detectors/spam.py":
                                   "import werkzeug.utils\n"}, "imports werkzeug.utils"),
    "pure-missing": (functools.partial(check_purity, pure=("community/ideas/gone.py",)), {},
                     "community/ideas/gone.py: listed in PURE but missing"),
    "cycle": (check_cycles, {"community/ideas/service.py":
              "def f():\n    from community.forums import service\n"},
              "community.forums.service -> community.ideas.service -> community.forums.service"),
    "call-in-views": (check_views_side_effects, {"community/ideas/views.py": "register(1)\n"},
                      "community.ideas.views:1: module-level call register(1)"),
    "app-hook-in-views": (check_views_side_effects, {"community/ideas/views.py":
                          "from .blueprint import bp\n@bp.before_app_request\ndef f(): pass\n"},
                          "community.ideas.views:2: app-wide hook @before_app_request"),
    "blueprint-in-views": (check_views_side_effects, {"community/forums/views_team.py":
                           "from flask import Blueprint\nbp = Blueprint('f')\n"},
                           "community.forums.views_team:2: defines a Blueprint"),
    "no-domains": (check_domains_init_app, {"community/__init__.py": "X = 1\n"},
                   "no module-level tuple DOMAINS"),
    "no-init-app": (check_domains_init_app, {"community/forums/__init__.py":
                    'LAYER = "content"\ndef init(a): 0'},
                    "DOMAINS: 'community.forums' is no package of the tree defining"),
}
ALL_CHECKS = (check_unassigned, check_layers, check_views_isolation, PURITY, check_cycles,
              check_views_side_effects, check_domains_init_app)


def make_tree(base: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text)
    return base / "community"


def test_checker_finds_nothing_in_a_clean_tree(tmp_path):
    root = make_tree(tmp_path, CLEAN)
    assert [v for check in ALL_CHECKS for v in check(root)] == []


@pytest.mark.parametrize("case", CASES)
def test_checker_reports_each_breach(tmp_path, case):
    check, changes, expected = CASES[case]
    violations = check(make_tree(tmp_path, {**CLEAN, **changes}))
    assert any(expected in v for v in violations), violations


# --- Services, templates, routes ------------------------------------------------------

# The request, CLI and job edges, which may commit and read the request: views, the CLI,
# background jobs, view helpers (decorators, pages), template context, and init_app wiring.
EDGES = ("views", "views_*", "cli", "jobs", "decorators", "pages", "context", "__init__")


def service_modules() -> list[Path]:
    """Every module of a domain package but its edges: services flush, the edge commits."""
    return [path for path in modules_of(COMMUNITY).values()
            if path.parent != COMMUNITY and not any(fnmatch(path.stem, e) for e in EDGES)]


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: str(p.relative_to(COMMUNITY)))
def test_services_never_commit_nor_touch_the_request(path):
    source = path.read_text()
    assert ".commit(" not in source, f"{path.name}: services flush; the view commits"
    names = {f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}
    bad = names & {"flask.request", "flask_login.current_user", "flask.flash",
                   "flask.render_template"}
    assert not bad, f"{path.name} takes the actor as a parameter, not from the request: {bad}"


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


# --- Detectors stay O(n log n) ----------------------------------------------------------
# Each detector runs on a generated event set of n and 8n events; the Python bytecode
# instructions it executes are counted (sys.settrace with opcode events: deterministic, not a
# timing). An O(n log n) detector grows by about 8·log(8n)/log(n) (≈ 11 at n = 300); a
# quadratic one by 64. The limit allows half again the n log n growth.

import math  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

SMALL = 300
GROWTH = 8


def executed_opcodes(function) -> int:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        function()
    finally:
        sys.settrace(previous)
    return count


def n_log_n_limit(small: int = SMALL, growth: int = GROWTH) -> float:
    return 1.5 * growth * math.log(growth * small) / math.log(small)


def _workloads():
    """Detector name -> a function of n that builds about n events and returns the detector's
    run over them (only the run is counted)."""
    from community.trust.detectors import (
        bursts,
        duplicates,
        reviews,
        rings,
        sockpuppets,
        testimonials,
    )
    from community.trust.detectors.events import Account, Interaction, Rating, Text, Trace, Vote

    t0 = datetime(2026, 1, 1)
    words = ("good fast slow price support team export bug invoice simple great app works "
             "daily use since months years really nice clear bad crash update fix").split()

    def accounts(n, rng):
        return {a: Account(a, t0 - timedelta(days=rng.randrange(0, 700))) for a in range(n)}

    def at(rng):
        return t0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 90))

    def run_bursts(n):
        rng = random.Random(n)
        actions = [bursts.Action(("idea", rng.randrange(n // 10 + 1)), rng.randrange(n // 3 + 1),
                                 when := at(rng), when - timedelta(days=rng.randrange(0, 60)))
                   for _ in range(n)]
        return lambda: bursts.detect(actions)

    def run_rings(n):
        rng = random.Random(n)
        votes = [Vote(rng.randrange(n // 5 + 1), ("idea", rng.randrange(n // 4)), at(rng))
                 for _ in range(n)]
        known = accounts(n // 5 + 1, rng).values()
        return lambda: rings.detect(votes, known)

    def run_sockpuppets(n):
        rng = random.Random(n)
        people = n // 4 + 1
        traces = [Trace(a, "net", f"n{rng.randrange(people // 5 + 1)}", at(rng))
                  for a in range(people)]
        traces += [Trace(a, "device", f"d{a if rng.random() < 0.9 else a // 2}", at(rng))
                   for a in range(people)]
        interactions = [Interaction(rng.randrange(people), rng.randrange(people), "vote",
                                    ("idea", rng.randrange(people)), at(rng))
                        for _ in range(n // 2)]
        return lambda: sockpuppets.detect(traces, interactions)

    def run_duplicates(n):
        rng = random.Random(n)
        texts = [Text(("post", i), rng.randrange(n), at(rng),
                      " ".join(rng.choice(words) for _ in range(20))) for i in range(n // 10)]
        return lambda: duplicates.detect(texts)

    def run_reviews(n):
        rng = random.Random(n)
        ratings = [Rating(i, rng.randrange(n // 3 + 1), rng.randrange(20), rng.randint(1, 5),
                          at(rng)) for i in range(n)]
        known = accounts(n // 3 + 1, rng)
        return lambda: reviews.detect(ratings, known, t0 + timedelta(days=120))

    def run_testimonials(n):
        rng = random.Random(n)
        items = [testimonials.Testimonial(
            ("review", i), i, " ".join(rng.choice(words) for _ in range(15))
            + " I have been using it for 3 years.", at(rng), t0 - timedelta(days=30), t0)
            for i in range(n // 10)]
        return lambda: testimonials.detect(items)

    return {"bursts": run_bursts, "rings": run_rings, "sockpuppets": run_sockpuppets,
            "duplicates": run_duplicates, "reviews": run_reviews,
            "testimonials": run_testimonials}


WORKLOADS = ("bursts", "rings", "sockpuppets", "duplicates", "reviews", "testimonials")


def test_every_detector_has_a_workload():
    detectors = {p.stem for p in (COMMUNITY / "trust" / "detectors").glob("*.py")}
    helpers = {"__init__", "events", "similarity"}  # no detect() of their own
    assert detectors - helpers == set(WORKLOADS)


@pytest.mark.parametrize("name", WORKLOADS)
def test_detectors_grow_no_faster_than_n_log_n(name):
    prepare = _workloads()[name]
    small = executed_opcodes(prepare(SMALL))
    large = executed_opcodes(prepare(GROWTH * SMALL))
    assert large / small <= n_log_n_limit(), (
        f"{name}: {large / small:.1f}× the work for {GROWTH}× the events")


def test_the_growth_check_catches_a_quadratic_detector():
    def quadratic(n):
        items = list(range(n))
        return sum(1 for a in items for b in items if a < b)

    ratio = executed_opcodes(lambda: quadratic(GROWTH * 40)) / executed_opcodes(
        lambda: quadratic(40))
    assert ratio > n_log_n_limit(40)
