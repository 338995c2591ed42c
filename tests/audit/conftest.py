"""The audit tests' own data folder: each test writes its heads file (and, in development
mode, its audit key) to a folder of its own, so that one test's heads never judge the
database of another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance.audit.keys import forget_keys


@pytest.fixture(autouse=True)
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(folder))
    monkeypatch.delenv("ALLIANCE_AUDIT_KEY", raising=False)
    monkeypatch.delenv("ALLIANCE_AUDIT_KEY_FILE", raising=False)
    monkeypatch.delenv("ALLIANCE_AUDIT_HEADS_FILE", raising=False)
    forget_keys()
    yield folder
    forget_keys()
