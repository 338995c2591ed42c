"""No page builds its own owner filter: every object a URL names is fetched through
`alliance.clinic.lookups`, the one place where "whose is it" is decided."""

from __future__ import annotations

import ast
from pathlib import Path

import alliance

SOURCE = Path(alliance.__file__).parent
LOOKUPS = SOURCE / "clinic" / "lookups.py"
FETCH_OR_404 = {"get_object_or_404", "get_list_or_404"}
QUERY_CALLS = {"filter", "exclude", "get", "Q"}


def owner_filters(source: str, *, is_view: bool) -> list[tuple[int, str]]:
    """(line, what) for each place in `source` that fetches by owner on its own: a filter on
    `clinician=request.user` (or through a relation, `...__clinician=request.user`), a
    get_object_or_404, or, in a view module, a `.objects.get(...)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in FETCH_OR_404:
            found.append((node.lineno, name))
        if name in QUERY_CALLS:
            for keyword in node.keywords:
                if (keyword.arg or "").split("__")[-1] == "clinician" and _is_request_user(
                    keyword.value
                ):
                    found.append((node.lineno, f"{keyword.arg}=request.user"))
        if is_view and name == "get" and _on_objects(func):
            found.append((node.lineno, ".objects.get"))
    return found


def _is_request_user(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Attribute)
        and value.attr == "user"
        and isinstance(value.value, ast.Name)
        and value.value.id == "request"
    )


def _on_objects(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and getattr(func.value, "attr", "") == "objects"


def is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.endswith("_views.py")


def test_it_finds_an_owner_filter_built_in_a_view() -> None:
    sample = (
        "def link_revoke(request, pk):\n"
        "    link = get_object_or_404(\n"
        "        FormLink.objects.filter(session__episode__client__clinician=request.user),\n"
        "        pk=pk,\n"
        "    )\n"
        "    mine = Client.objects.filter(Q(clinician=request.user))\n"
        "    form = Administration.objects.get(pk=pk)\n"
    )
    assert sorted(owner_filters(sample, is_view=True)) == [
        (2, "get_object_or_404"),
        (3, "session__episode__client__clinician=request.user"),
        (6, "clinician=request.user"),
        (7, ".objects.get"),
    ]
    # A service told who the clinician is does not fetch by owner.
    assert not owner_filters("add_client(clinician=request.user, code=code)", is_view=True)


def test_no_module_but_the_lookups_builds_an_owner_filter() -> None:
    modules = [
        path
        for path in sorted(SOURCE.rglob("*.py"))
        if path != LOOKUPS and "migrations" not in path.parts
    ]
    assert any(path.name == "views.py" for path in modules)  # the sources were found
    found = [
        f"{path.relative_to(SOURCE.parent)}:{line}: {what}"
        for path in modules
        for line, what in owner_filters(
            path.read_text(encoding="utf-8"), is_view=is_view_module(path)
        )
    ]
    assert not found, "fetch through alliance.clinic.lookups instead:\n" + "\n".join(found)
