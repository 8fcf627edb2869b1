"""The import graph of the apps: core at the bottom, no cycle between apps, migrations frozen.

Read from the source (ast), imports inside functions included: a function-level import is
still a dependency, it only fails later.
"""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "luoshi"

# Imports allowed to break the rules for now, (file, app it imports): the reason. Keep it short.
EXCEPTIONS: dict[tuple[str, str], str] = {}

# Migrations allowed to import live code for now: the reason. Keep it short.
MIGRATION_EXCEPTIONS: dict[str, str] = {}


def _apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def _imported_modules(path: Path):
    """Every absolute module name ``path`` imports (anywhere in the file)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _app_edges() -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) -> the importing files (migrations left out)."""
    apps = _apps()
    edges = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2 or "migrations" in relative.parts:
            continue
        source, name = relative.parts[0], relative.as_posix()
        for module in _imported_modules(path):
            parts = module.split(".")
            target = parts[1] if parts[0] == "luoshi" and len(parts) > 1 else None
            if target in apps - {source} and (name, target) not in EXCEPTIONS:
                edges[(source, target)].add(name)
    return edges


def _cycles(edges) -> list[list[str]]:
    """Strongly connected components with more than one app (Tarjan)."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def test_core_imports_no_feature_app():
    upward = {k: sorted(v) for k, v in _app_edges().items() if k[0] == "core"}
    assert upward == {}, "core must not import the apps built on it; use luoshi.core.registry"


def test_no_import_cycle_between_apps():
    edges = _app_edges()
    cycles = _cycles(edges)
    detail = {
        tuple(cycle): {
            f"{a}->{b}": sorted(edges[(a, b)]) for a in cycle for b in cycle if (a, b) in edges
        }
        for cycle in cycles
    }
    assert cycles == [], detail


def test_migrations_import_no_live_code():
    """A migration runs against the models of its time: only the model modules Django itself
    references from generated migrations (managers, storages) may be imported."""
    offending = {}
    for path in PACKAGE.glob("*/migrations/*.py"):
        app = path.parent.parent.name
        allowed = {"luoshi", f"luoshi.{app}", f"luoshi.{app}.models"}
        imported = {m for m in _imported_modules(path) if m.split(".")[0] == "luoshi"}
        imported = {m for m in imported if m not in allowed}
        name = path.relative_to(PACKAGE).as_posix()
        if imported and name not in MIGRATION_EXCEPTIONS:
            offending[name] = sorted(imported)
    assert offending == {}
    assert all((PACKAGE / name).exists() for name in MIGRATION_EXCEPTIONS)


def test_the_exceptions_are_still_needed():
    """An exception whose import is gone must leave the list."""
    stale = [
        (name, app)
        for name, app in EXCEPTIONS
        if not (PACKAGE / name).exists()
        or not any(m.startswith(f"luoshi.{app}") for m in _imported_modules(PACKAGE / name))
    ]
    assert stale == []


# ---------------------------------------------------------------------------------------------
# Function size and imports inside functions (the product, migrations left out)

MAX_FUNCTION_LINES = 80

# Functions allowed over the limit for now: the reason.
LONG_FUNCTION_EXCEPTIONS: dict[tuple[str, str], str] = {}

# An import inside a function is a dependency that fails late; it hides cycles. Allowed:
# AppConfig.ready() in apps.py, where Django wants models and handlers imported only once the
# app registry is ready. Everything else is a known one of today, per file, that may only
# shrink: move the import to the top of the file (or break the cycle) and lower the number.
FUNCTION_IMPORTS_ALLOWED_FILES = {"apps.py"}

FUNCTION_IMPORTS_KNOWN: dict[str, int] = {
    "core/background.py": 1,
    "reports/engine/facts.py": 1,
    "reports/importing/formats.py": 1,
    "reports/rendering/charts.py": 3,
    "reports/rendering/fonts.py": 1,
    "reports/rendering/official_html.py": 2,
}


def _product_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _function_imports(tree) -> int:
    """Import statements inside any function (each counted once, nested or not)."""
    found = set()
    for function in _functions(tree):
        found.update(
            id(node) for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)
        )
    return len(found)


def test_no_function_over_the_length_limit():
    long = {
        (name, function.name): function.end_lineno - function.lineno + 1
        for name, tree in _product_files()
        for function in _functions(tree)
        if function.end_lineno - function.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert {k: v for k, v in long.items() if k not in LONG_FUNCTION_EXCEPTIONS} == {}
    stale = [key for key in LONG_FUNCTION_EXCEPTIONS if key not in long]
    assert stale == [], "now short enough: remove it from LONG_FUNCTION_EXCEPTIONS"


def test_imports_inside_functions_only_shrink():
    counts = {
        name: n
        for name, tree in _product_files()
        if Path(name).name not in FUNCTION_IMPORTS_ALLOWED_FILES and (n := _function_imports(tree))
    }
    grown = {
        name: (n, FUNCTION_IMPORTS_KNOWN.get(name, 0))
        for name, n in counts.items()
        if n > FUNCTION_IMPORTS_KNOWN.get(name, 0)
    }
    assert grown == {}, "(now, allowed): import at the top of the file instead"
    shrunk = {
        name: (counts.get(name, 0), known)
        for name, known in FUNCTION_IMPORTS_KNOWN.items()
        if counts.get(name, 0) < known
    }
    assert shrunk == {}, "(now, listed): fewer than listed, lower FUNCTION_IMPORTS_KNOWN"
