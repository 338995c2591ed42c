"""The audit trail is below the clinical apps: care writes to it, it imports nothing from
care (the member's organization and role reach it on the request)."""

from __future__ import annotations

import ast
from pathlib import Path

import alliance.audit

AUDIT = Path(alliance.audit.__file__).parent


def care_imports(source: str, package: str = "alliance.audit") -> list[int]:
    """Lines of `source` (a module of `package`) that import from alliance.care, written
    absolute or relative."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        if any(name == "alliance.care" or name.startswith("alliance.care.") for name in names):
            lines.append(node.lineno)
    return lines


def package_of(path: Path) -> str:
    return ".".join(path.parent.relative_to(AUDIT.parent.parent).parts)


def test_it_finds_a_care_import_however_it_is_written() -> None:
    samples = [
        "import alliance.care.models",
        "from alliance.care.models import Membership",
        "from alliance import care",
        "def later():\n    from alliance.care.services.admin import admin_organization",
        "from ..care.models import Membership",
        "from .. import care",
    ]
    for sample in samples:
        assert care_imports(sample), sample
    assert care_imports("from ...care import models", "alliance.audit.management")
    assert not care_imports("from alliance.careful import x\nfrom .trail import record")


def test_it_imports_nothing_from_care() -> None:
    modules = sorted(AUDIT.rglob("*.py"))
    assert len(modules) > 5  # the package was found
    found = [
        f"{path.relative_to(AUDIT.parent)}:{line}"
        for path in modules
        for line in care_imports(path.read_text(encoding="utf-8"), package_of(path))
    ]
    assert not found, f"the audit app imports from alliance.care at {', '.join(found)}"
