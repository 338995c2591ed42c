"""The shape of the package: a core free of Django, no view reaching into another app's views,
no import cycle, no module too large to read, and one base for every domain error."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import alliance
from alliance.errors import DomainError

PACKAGE = Path(alliance.__file__).parent
CORE = ("alliance.measures", "alliance.monitoring", "alliance.analytics", "alliance.synthetic",
        "alliance.synthetic_srs", "alliance.errors")  # fmt: skip
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The modules `name` imports, anywhere in it (function-level imports count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def internal_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imports(name, path) if m in known and m != name}
            for name, path in known.items()}  # fmt: skip


def test_it_keeps_django_out_of_the_core() -> None:
    checked = 0
    for name, path in modules().items():
        if name.startswith(CORE):
            checked += 1
            bad = sorted(m for m in imports(name, path) if m.split(".")[0] == "django")
            assert not bad, f"{name} imports {bad}"
    assert checked >= 20


def test_no_view_imports_another_apps_views() -> None:
    graph = internal_graph()
    views = [name for name in graph if name.rpartition(".")[2].endswith("views")]
    assert len(views) >= 6
    imported = 0
    for name in graph:
        app = name.split(".")[1] if "." in name else ""
        for target in graph[name]:
            if target in views:
                assert target.split(".")[1] == app, f"{name} imports {target}"
                imported += 1
    assert imported >= 6  # each app's urls import its views


def test_there_is_no_import_cycle() -> None:
    graph = internal_graph()
    # A package imports its own modules in __init__; only module-to-module edges count.
    edges = {name: {t for t in targets if not name.startswith(t + ".") and
                    not (t.startswith(name + ".") and modules()[name].name == "__init__.py")}
             for name, targets in graph.items()}  # fmt: skip
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    assert len(state) == len(edges) > 50


def test_no_module_is_over_400_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in modules().items()}  # fmt: skip
    assert len(sizes) > 50
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_every_domain_error_shares_one_base() -> None:
    errors = []
    for info in pkgutil.walk_packages(alliance.__path__, "alliance."):
        if ".migrations" in info.name or info.name.endswith(("wsgi", "__main__")):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Exception):
                errors.append(cls)
    assert len(errors) >= 10
    # Errors that guard invariants (an edit of an immutable row), not a user's request.
    invariants = {"ImmutableError", "AppendOnlyError", "Inconsistency", "_Usage"}
    loose = [e.__qualname__ for e in errors
             if not issubclass(e, DomainError) and e.__name__ not in invariants]  # fmt: skip
    assert loose == []
