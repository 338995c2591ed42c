"""`alliance serve --workers N` (and `alliance demo`): more than one process only with the
cache shared in Redis, since each process would otherwise count link guesses on its own and
let an address try N times the limit; the default is one process per core, at most 4, when
REDIS_URL is set, and one process without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from alliance.web import run

ALLIANCE = str(Path(sys.executable).parent / "alliance")


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_it_refuses_more_than_one_process_without_redis(tmp_path: Path, command: str) -> None:
    dropped = ("DATABASE_URL", "REDIS_URL")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    result = subprocess.run(
        [ALLIANCE, command, "--workers", "2", "--port", "9"], capture_output=True, text=True,
        timeout=120, env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("alliance: error: configuration: --workers 2 needs REDIS_URL")
    assert not any(tmp_path.iterdir())  # refused before creating or serving anything


@pytest.mark.parametrize(
    ("redis_url", "cores", "workers"),
    [("", 16, 1), ("redis://127.0.0.1:6379/0", 1, 1), ("redis://127.0.0.1:6379/0", 2, 2),
     ("redis://127.0.0.1:6379/0", 16, 4), ("redis://127.0.0.1:6379/0", None, 1)],
)  # fmt: skip
def test_it_sizes_the_default_to_the_cores_with_a_shared_cache(
    monkeypatch: pytest.MonkeyPatch, redis_url: str, cores: int | None, workers: int
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert run.checked_workers(None) == workers


def test_it_takes_a_number_given_and_refuses_none_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert run.checked_workers(1) == 1
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert run.checked_workers(6) == 6
    with pytest.raises(ImproperlyConfigured, match="--workers must be 1 or more"):
        run.checked_workers(0)
