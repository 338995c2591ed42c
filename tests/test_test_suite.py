"""The test suite itself: loops that assert are seen to run; the fast password hasher and the
empty site folder are in force where conftest says."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from alliance.measures.loader import site_cutoffs_path
from alliance.measures.wording import wording_dir

TESTS = Path(__file__).parent
MARKER = "# loop checked:"
UNWRAPPED_CALLS = {"enumerate", "sorted", "reversed", "list", "tuple", "set"}
UNWRAPPED_METHODS = {"items", "keys", "values"}
COLLECTING_METHODS = {"append", "add", "extend", "update"}

Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


def own_nodes(scope: Scope) -> Iterator[ast.AST]:
    """The nodes of `scope`, not those of the functions, lambdas or classes inside it."""
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            pending.extend(ast.iter_child_nodes(node))


def unwrapped(iterable: ast.expr) -> ast.expr:
    """`x` out of `enumerate(x)`, `sorted(x)`, `x.items()` and the like."""
    while isinstance(iterable, ast.Call) and iterable.args:
        function = iterable.func
        if isinstance(function, ast.Name) and function.id in UNWRAPPED_CALLS:
            iterable = iterable.args[0]
        else:
            break
    if (
        isinstance(iterable, ast.Call)
        and not iterable.args
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in UNWRAPPED_METHODS
    ):
        return unwrapped(iterable.func.value)
    return iterable


def is_nonempty_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(not isinstance(element, ast.Starred) for element in node.elts)
    if isinstance(node, ast.Dict):
        return any(key is not None for key in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        try:
            bounds = [ast.literal_eval(argument) for argument in node.args]
            return not node.keywords and len(range(*bounds)) > 0
        except (ValueError, TypeError):
            return False
    return False


def literal_names(scope: Scope) -> set[str]:
    """Names that `scope` binds, by plain assignments only, to non-empty literals."""
    bound: dict[str, bool] = {}
    for node in own_nodes(scope):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    literal = (
                        not isinstance(node, ast.AugAssign)
                        and node.value is not None
                        and is_nonempty_literal(node.value)
                    )
                    bound[target.id] = bound.get(target.id, True) and literal
    return {name for name, literal in bound.items() if literal}


def counters(loop: ast.For | ast.While) -> set[str]:
    """Names the loop's body increases (`n += 1`, `counts[key] += 1`), stores into
    (`seen[key] = value`) or collects into (`seen.append(value)`)."""
    names = set()
    for node in (inner for statement in loop.body for inner in ast.walk(statement)):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {
                target.value.id
                for target in targets
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            }
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in COLLECTING_METHODS
            and isinstance(node.func.value, ast.Name)
        ):
            names.add(node.func.value.id)
    return names


def mentions(assertion: ast.Assert, wanted: set[str]) -> bool:
    return any(
        isinstance(node, ast.expr) and ast.unparse(node) in wanted for node in ast.walk(assertion)
    )


def unchecked_loops(path: Path, root: Path = TESTS.parent) -> list[str]:
    """`file:line in function` of each loop in `path` that asserts and is not seen to run."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    module_literals = literal_names(tree)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        literals = module_literals | literal_names(function)
        nodes = list(own_nodes(function))
        assertions = [node for node in nodes if isinstance(node, ast.Assert)]
        for loop in nodes:
            if not isinstance(loop, ast.For | ast.While):
                continue
            body = [inner for statement in loop.body for inner in ast.walk(statement)]
            if not any(isinstance(node, ast.Assert) for node in body):
                continue
            if MARKER in lines[loop.lineno - 1]:
                continue
            wanted = counters(loop)
            if isinstance(loop, ast.For):
                iterable = unwrapped(loop.iter)
                if is_nonempty_literal(iterable) or (
                    isinstance(iterable, ast.Name) and iterable.id in literals
                ):
                    continue
                wanted.add(ast.unparse(iterable))
            end = loop.end_lineno or loop.lineno
            if any(a.lineno > end and mentions(a, wanted) for a in assertions):
                continue
            found.append(f"{path.relative_to(root)}:{loop.lineno} in {function.name}")
    return found


def test_it_checks_every_asserting_loop_ran() -> None:
    """A loop whose body asserts proves nothing when it runs zero times, so every such loop
    in tests/ (a `for` or `while` statement inside a function) must show that it ran:

    1. it iterates over a literal that is not empty: a list, tuple, set or dict display, or
       `range()` of number literals; directly, through `enumerate()`, `sorted()`,
       `reversed()`, `list()`, `tuple()`, `set()`, `.items()`, `.keys()` or `.values()`, or
       through a name that the function or the module binds only to such literals; or
    2. an `assert` after the loop, in the same function, mentions the iterable as written in
       the `for` line (after the unwrapping above: `assert len(rows) == 3` for
       `for row in rows`), or a counter: a name the loop's body increases (`n += 1`,
       `counts[key] += 1`), stores into (`seen[key] = value`) or collects into (`.append`,
       `.add`, `.extend`, `.update`); or
    3. the loop's first line says `# loop checked: <why>`, for what this rule cannot see
       (e.g. the iterable's size asserted before the loop, or a property test for which an
       empty iterable is a case like any other).
    """
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 50  # the tests were found
    unchecked = [place for path in files for place in unchecked_loops(path)]
    assert not unchecked, "loops that assert, with nothing to show they ran:\n" + "\n".join(
        unchecked
    )


@pytest.mark.parametrize(
    ("source", "unchecked"),
    [
        pytest.param("def t(rows):\n    for row in rows:\n        assert row\n", 1,
                     id="unchecked"),
        pytest.param("def t(rows):\n    for row in rows:\n        assert row\n"
                     "    assert len(rows) == 2\n", 0, id="counted-after"),
        pytest.param("def t(rows):\n    assert rows\n    for row in rows:\n        assert row\n",
                     1, id="asserted-before-needs-the-marker"),
        pytest.param("def t():\n    for n in (1, 2):\n        assert n\n", 0, id="literal"),
        pytest.param("def t():\n    for n in range(0):\n        assert n\n", 1,
                     id="empty-range"),
        pytest.param("def t():\n    for i, n in enumerate([1]):\n        assert n\n", 0,
                     id="enumerated-literal"),
        pytest.param("ROWS = (1, 2)\ndef t():\n    for n in ROWS:\n        assert n\n", 0,
                     id="module-literal"),
        pytest.param("def t(d):\n    for k, v in d.items():\n        assert v\n"
                     "    assert d == {1: 2}\n", 0, id="items-asserted-after"),
        pytest.param("def t(d):\n    n = 0\n    for v in d:\n        n += 1\n        assert v\n"
                     "    assert n == 3\n", 0, id="counter"),
        pytest.param("def t(d):\n    seen = {}\n    for v in d:\n        seen[v] = 1\n"
                     "        assert v\n    assert seen\n", 0, id="stored-into"),
        pytest.param("def t(d):\n    for v in d:  # loop checked: d is asserted above\n"
                     "        assert v\n", 0, id="marker"),
        pytest.param("def t(d):\n    for v in d:\n        if v:\n            assert v\n", 1,
                     id="nested-assert"),
        pytest.param("def t(d):\n    for v in d:\n        print(v)\n", 0, id="no-assert"),
        pytest.param("def t(d):\n    for v in d:\n        assert v\n    def u():\n"
                     "        assert d\n", 1, id="assert-in-another-function"),
    ],
)  # fmt: skip
def test_the_loop_rule_reads_loops_as_its_docstring_says(
    source: str, unchecked: int, tmp_path: Path
) -> None:
    path = tmp_path / "sample.py"
    path.write_text(source)
    assert len(unchecked_loops(path, tmp_path)) == unchecked


def test_passwords_are_hashed_with_the_fast_hasher_unless_marked() -> None:
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert make_password("a long enough pass phrase").startswith("md5$")


@pytest.mark.hashing
def test_a_test_marked_hashing_hashes_as_the_site_does() -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("a long enough pass phrase").startswith("argon2")


def test_the_site_folder_is_an_empty_one_of_the_test_session() -> None:
    # Tests that install wording or cutoffs set a folder of their own; none writes here.
    folder = Path(os.environ["ALLIANCE_DATA_DIR"])
    assert folder.is_dir() and not any(folder.iterdir())
    assert site_cutoffs_path().parent == folder and wording_dir().parent == folder
