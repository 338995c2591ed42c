"""`alliance demo` keeps its own data folder and never relaxes two-factor sign-in on a database
it did not create: a database that holds another organization or other accounts is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from alliance.care.models import Organization
from alliance.care.services.demo import foreign_records

ALLIANCE = str(Path(sys.executable).parent / "alliance")


def alliance(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    dropped = ("DATABASE_URL", "REDIS_URL")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    env = clean | {"ALLIANCE_DATA_DIR": str(tmp_path), "ALLIANCE_TASK_WORKER": "off"}
    return subprocess.run([ALLIANCE, *args], capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.django_db
def test_it_names_what_the_demo_did_not_create() -> None:
    assert foreign_records() == ""
    Organization.objects.create(name="A real clinic", slug="real")
    get_user_model().objects.create_user("therapist7")
    get_user_model().objects.create_user("clinician1")  # a demo login's name: the demo's own
    assert foreign_records() == "1 other organization and 1 other account"


def test_the_demo_refuses_a_real_database_in_its_folder(tmp_path: Path) -> None:
    # A real install whose data folder is the demo's own: the demo must not relax sign-in.
    real = tmp_path / "demo"
    setup = alliance(real, "manage", "migrate", "--verbosity", "0")
    assert setup.returncode == 0, setup.stderr
    made = alliance(real, "manage", "shell", "-c",
                    "from alliance.care.models import Organization as O; "
                    "O.objects.create(name='Real clinic', slug='real')")  # fmt: skip
    assert made.returncode == 0, made.stderr
    refused = alliance(tmp_path, "demo", "--port", "0", "--password", "x" * 16)
    assert refused.returncode == 2
    assert "the database holds 1 other organization, which the demo did not create" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr
    # The real install's own folder (the parent) was never given a database.
    assert not (tmp_path / "alliance.sqlite3").exists()


def test_serve_in_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    env_run = subprocess.run(
        [ALLIANCE, "serve", "--port", "0"], capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in ("DATABASE_URL", "REDIS_URL")}
        | {"ALLIANCE_DATA_DIR": str(tmp_path), "ALLIANCE_ENV": "production",
           "ALLIANCE_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "ALLIANCE_ALLOWED_HOSTS": "clinic.example.org",
           "ALLIANCE_TRUSTED_PROXIES": "127.0.0.1", "ALLIANCE_BASE_URL": "https://clinic.example.org",
           "ALLIANCE_EMAIL_CONSOLE": "allow", "ALLIANCE_TASK_WORKER": "off"},
    )  # fmt: skip
    assert env_run.returncode == 2, env_run.stderr
    assert "ALLIANCE_AUDIT_KEY" in env_run.stderr and "Traceback" not in env_run.stderr
    assert not (tmp_path / "alliance.sqlite3").exists()  # refused before migrating
