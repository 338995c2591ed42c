"""The settings notifications read: production serves only with a way to deliver email and
the address the links open; a wrong task queue or base address stops the start in one line."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from alliance.notify.worker import check_settings

ALLIANCE = str(Path(sys.executable).parent / "alliance")
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_the_console_unless_allowed(settings: Any) -> None:
    settings.PRODUCTION, settings.EMAIL_BACKEND, settings.BASE_URL_SET = True, CONSOLE, True
    settings.EMAIL_CONSOLE_ALLOWED = False
    with pytest.raises(ImproperlyConfigured, match="set ALLIANCE_EMAIL_HOST"):
        check_settings()
    settings.EMAIL_CONSOLE_ALLOWED = True
    check_settings()


def test_production_needs_the_address_the_links_open(settings: Any) -> None:
    settings.PRODUCTION, settings.EMAIL_BACKEND, settings.BASE_URL_SET = True, SMTP, False
    with pytest.raises(ImproperlyConfigured, match="production needs ALLIANCE_BASE_URL"):
        check_settings()
    settings.BASE_URL_SET = True
    check_settings()


def test_development_starts_with_the_console_and_the_default_address(settings: Any) -> None:
    settings.PRODUCTION, settings.EMAIL_BACKEND, settings.BASE_URL_SET = False, CONSOLE, False
    check_settings()


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    return subprocess.run([ALLIANCE, *args], capture_output=True, text=True, timeout=180,
                          env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)} | env)  # fmt: skip


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"ALLIANCE_TASKS": "celery"}, "ALLIANCE_TASKS must be database or rq, got 'celery'"),
        ({"ALLIANCE_TASKS": "rq"}, "ALLIANCE_TASKS=rq needs REDIS_URL"),
        ({"ALLIANCE_BASE_URL": "clinic.example.org"}, "ALLIANCE_BASE_URL must start with"),
        ({"ALLIANCE_EMAIL_HOST": "smtp.example.org", "ALLIANCE_EMAIL_PORT": "smtp"},
         "ALLIANCE_EMAIL_PORT must be a positive whole number"),
    ],
)  # fmt: skip
def test_a_wrong_setting_stops_the_start_in_one_line(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    result = run(tmp_path, "manage", "check", **env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("alliance: error: configuration:") and words in result.stderr


def test_production_serve_refuses_to_start_with_email_going_nowhere(tmp_path: Path) -> None:
    production = {"ALLIANCE_ENV": "production", "ALLIANCE_ALLOWED_HOSTS": "clinic.example.org",
                  "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(60),
                  "ALLIANCE_AUDIT_KEY": secrets.token_urlsafe(48)}  # fmt: skip
    result = run(tmp_path, "serve", "--port", "9", **production)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "production sends urgent-signal notifications by email" in result.stderr
    assert not (tmp_path / "alliance.sqlite3").exists()  # refused before migrating
