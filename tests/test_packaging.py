"""The built wheel holds the whole package: every module and every data file under
src/alliance (templates, static files and their licences, instrument definitions, py.typed),
and no bytecode.

The wheel is built as a release builds it (pip, in an isolated environment with the
setuptools pinned in pyproject.toml) from a clean copy of the source, so that files left by
an earlier in-tree build (build/, the egg-info's SOURCES.txt) cannot fill a gap in the
packaging rules.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "alliance"


def is_bytecode(path: PurePosixPath) -> bool:
    return path.suffix in {".pyc", ".pyo"} or "__pycache__" in path.parts


def source_files() -> list[PurePosixPath]:
    """Every file under src/alliance, as its path in the wheel, bytecode and hidden files
    (editor and system litter, which setuptools' globs skip too) left out."""
    files = []
    for path in PACKAGE.rglob("*"):
        in_wheel = PurePosixPath(path.relative_to(PACKAGE.parent).as_posix())
        hidden = any(part.startswith(".") for part in in_wheel.parts)
        if path.is_file() and not hidden and not is_bytecode(in_wheel):
            files.append(in_wheel)
    return files


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    source = tmp_path_factory.mktemp("source")
    shutil.copy2(ROOT / "pyproject.toml", source)
    shutil.copy2(ROOT / "README.md", source)
    copy = source / "src" / "alliance"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
    # Bytecode beside the modules, as any tree that has run has it: it must stay out.
    for folder in (copy, copy / "clinic"):
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "planted.cpython-311.pyc").write_bytes(b"")

    wheels = tmp_path_factory.mktemp("wheels")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, f"pip wheel failed:\n{build.stdout}\n{build.stderr}"
    (wheel,) = wheels.glob("alliance_monitor-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_it_puts_every_package_data_file_in_the_wheel(wheel_names: set[str]) -> None:
    data_files = [path for path in source_files() if path.suffix != ".py"]
    assert any(path.name == "list.html" for path in data_files)

    missing = sorted(str(path) for path in data_files if str(path) not in wheel_names)

    assert not missing, (
        f"the wheel leaves out {', '.join(missing)}: see [tool.setuptools.package-data] "
        "in pyproject.toml"
    )


def test_it_puts_every_module_in_the_wheel(wheel_names: set[str]) -> None:
    modules = [path for path in source_files() if path.suffix == ".py"]

    missing = sorted(str(path) for path in modules if str(path) not in wheel_names)

    assert not missing, f"the wheel leaves out {', '.join(missing)}"


def test_it_leaves_bytecode_out_of_the_wheel(wheel_names: set[str]) -> None:
    bytecode = sorted(name for name in wheel_names if is_bytecode(PurePosixPath(name)))

    assert not bytecode, f"the wheel holds bytecode: {', '.join(bytecode)}"
