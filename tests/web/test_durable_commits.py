"""Acknowledged means durable: a form the client is thanked for is on the disk. SQLite syncs
every commit (synchronous=FULL, in WAL mode); PostgreSQL keeps its durable defaults (fsync,
synchronous_commit, full_page_writes), and `alliance serve` checks both at its start:
production refuses commits that are not durable, development warns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from alliance.web import run

ALLIANCE = str(Path(sys.executable).parent / "alliance")

SHOW_PRAGMAS = """
from django.db import connection
with connection.cursor() as cursor:
    values = [cursor.execute(f"PRAGMA {name}").fetchone()[0]
              for name in ("synchronous", "journal_mode")]
print("pragmas", *values)
"""


def test_the_sqlite_database_of_an_install_syncs_every_commit(tmp_path: Path) -> None:
    dropped = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    result = subprocess.run(
        [ALLIANCE, "manage", "shell", "-c", SHOW_PRAGMAS], capture_output=True, text=True,
        timeout=120, env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # 2 is FULL: the write-ahead log is synced at each commit, not only at checkpoints.
    assert result.stdout.splitlines()[-1] == "pragmas 2 wal"


@pytest.mark.django_db
def test_the_database_the_tests_run_on_commits_durably() -> None:
    # SQLite here, PostgreSQL in CI's PostgreSQL pass: the same check `alliance serve` runs.
    assert run.durability_problems() == []


# Outside a transaction: SQLite changes its sync level only there.
@pytest.mark.django_db(transaction=True)
def test_serve_refuses_in_production_and_warns_in_development_when_commits_are_not_durable(
    settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            expected = "SQLite synchronous is 1, not FULL (2)"
        else:
            # As `?options=-c synchronous_commit=off` in DATABASE_URL would.
            cursor.execute("SET synchronous_commit = off")
            expected = "PostgreSQL's synchronous_commit is off"
    try:
        assert run.durability_problems() == [expected]
        run.check_durability()
        assert capsys.readouterr().err.startswith(f"alliance: warning: {expected}: a form")
        settings.PRODUCTION = True  # type: ignore[attr-defined]
        with pytest.raises(ImproperlyConfigured, match="could be lost in a crash or power cut"):
            run.check_durability()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "PRAGMA synchronous=FULL"
                if connection.vendor == "sqlite"
                else "SET synchronous_commit = on"
            )
