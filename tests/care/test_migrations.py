"""The models and the migrations agree, and `alliance manage` reaches Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_it_migrates_a_fresh_sqlite_database_in_wal_mode(tmp_path: Path) -> None:
    alliance = Path(sys.executable).with_name("alliance")
    env = {"ALLIANCE_DATA_DIR": str(tmp_path / "data"), "PATH": str(alliance.parent)}
    done = subprocess.run([str(alliance), "manage", "migrate", "--noinput"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    database = tmp_path / "data" / "alliance.sqlite3"
    assert database.is_file()
    import sqlite3

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"care_administration", "care_signalrecord", "care_client"} <= tables
