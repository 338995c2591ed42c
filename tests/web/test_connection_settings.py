"""Connections and cache from the environment. PostgreSQL (DATABASE_URL): persistent
connections, checked before a request reuses them, without JIT compilation, the URL's own
options kept. REDIS_URL: Django's Redis cache, shared by every serving process (the
link-guess counters are limits); without it, the process's own memory. Sessions and the
sign-in lockout live in the database either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ALLIANCE = str(Path(sys.executable).parent / "alliance")
SHOW = """
import json
from django.conf import settings
from axes.conf import settings as axes
print(json.dumps({"database": settings.DATABASES["default"], "cache": settings.CACHES["default"],
                  "sessions": settings.SESSION_ENGINE, "lockout": axes.AXES_HANDLER}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The settings a server started with `env` (and none of this test run's) would have."""
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    result = subprocess.run(
        [ALLIANCE, "manage", "shell", "-c", SHOW], capture_output=True, text=True, timeout=120,
        env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)} | env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return shown


def test_it_keeps_postgresql_connections_checks_them_and_turns_jit_off(tmp_path: Path) -> None:
    # Never connected to: the settings are only read.
    url = "postgres://clinic@db.invalid:5432/clinic?sslmode=require"
    shown = settings_with(tmp_path, DATABASE_URL=url, REDIS_URL="redis://cache.invalid:6379/2")
    database = shown["database"]
    assert database["ENGINE"] == "django.db.backends.postgresql" and database["NAME"] == "clinic"
    assert database["CONN_MAX_AGE"] == 600 and database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}
    assert shown["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.invalid:6379/2",
        "KEY_PREFIX": "alliance",
    }
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["lockout"] == "axes.handlers.database.AxesDatabaseHandler"


def test_it_adds_jit_off_to_the_urls_own_server_options(tmp_path: Path) -> None:
    url = "postgres://clinic@db.invalid/clinic?options=-c%20statement_timeout%3D5000"
    shown = settings_with(tmp_path, DATABASE_URL=url, REDIS_URL="redis://cache.invalid:6379/0",
                          ALLIANCE_CACHE_PREFIX="clinic-b")  # fmt: skip
    assert shown["database"]["OPTIONS"] == {"options": "-c statement_timeout=5000 -c jit=off"}
    assert shown["cache"]["KEY_PREFIX"] == "clinic-b"


def test_it_keeps_sqlite_and_the_process_memory_without_either_url(tmp_path: Path) -> None:
    shown = settings_with(tmp_path)
    assert shown["database"]["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["database"]["NAME"] == str(tmp_path / "alliance.sqlite3")
    assert shown["cache"] == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert shown["lockout"] == "axes.handlers.database.AxesDatabaseHandler"
