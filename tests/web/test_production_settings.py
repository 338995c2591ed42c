"""Production refuses insecure settings with one clear line, and passes Django's deploy
check at WARNING level; development stays easy to run."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ALLIANCE = str(Path(sys.executable).parent / "alliance")
GOOD_KEY = secrets.token_urlsafe(60)


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # As a server would start: none of this test run's own settings (the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE included, which the deploy check rightly refuses).
    dropped = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    return subprocess.run(
        [ALLIANCE, "manage", *args], capture_output=True, text=True, timeout=120,
        env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)} | env,
    )  # fmt: skip


PRODUCTION = {"ALLIANCE_ENV": "production", "ALLIANCE_ALLOWED_HOSTS": "clinic.example.org"}


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({}, "real ALLIANCE_SECRET_KEY"),
        ({"ALLIANCE_SECRET_KEY": "short"}, "real ALLIANCE_SECRET_KEY"),
        ({"ALLIANCE_SECRET_KEY": "a" * 60}, "real ALLIANCE_SECRET_KEY"),
        ({"ALLIANCE_SECRET_KEY": "django-insecure-" + GOOD_KEY}, "real ALLIANCE_SECRET_KEY"),
        ({"ALLIANCE_SECRET_KEY": GOOD_KEY, "ALLIANCE_DEBUG": "true"}, "ALLIANCE_DEBUG off"),
        ({"ALLIANCE_SECRET_KEY": GOOD_KEY, "ALLIANCE_ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLIANCE_SECRET_KEY": GOOD_KEY, "ALLIANCE_RELAX_MFA": "demo"}, "never runs with"),
        ({"ALLIANCE_SECRET_KEY": GOOD_KEY, "ALLIANCE_DEBUG": "maybe"}, "true or false"),
    ],
)
def test_production_refuses_to_start_insecurely(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    result = run(tmp_path, "check", **(PRODUCTION | env))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("alliance: error: configuration:") and words in result.stderr


# The audit trail's key, kept outside the database (production refuses to run without one).
AUDIT_KEY = "kR7vQ2mX9pL4tW8zN1cF6hJ3bY5sD0gA-audit-key-for-tests"


def test_production_passes_the_deploy_check_at_warning_level(tmp_path: Path) -> None:
    result = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                 **(PRODUCTION | {"ALLIANCE_SECRET_KEY": GOOD_KEY,
                                  "ALLIANCE_AUDIT_KEY": AUDIT_KEY}))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_headers_harden_every_page(client: object, settings: object) -> None:
    response = client.get("/login/")  # type: ignore[attr-defined]
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "base-uri 'none'"):  # fmt: skip
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_carries_an_inline_script() -> None:
    import re

    templates = Path(__file__).parents[2] / "src" / "alliance"
    pages = scripts = 0
    for template in templates.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "application/json" in tag, (template, tag)
            scripts += 1
        assert not re.search(r"\son[a-z]+=", text), template  # no onclick= and the like
        pages += 1
    assert pages >= 10 and scripts >= 5  # the templates and their scripts were found


@pytest.mark.parametrize(("minutes", "seconds"), [("", 1800), ("45", 2700)])
def test_sessions_expire_after_inactivity(tmp_path: Path, minutes: str, seconds: int) -> None:
    # Activity (not every request: a page's background poll is not activity) renews it.
    show = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, "
            "'alliance.web.activity.ActivityMiddleware' in s.MIDDLEWARE)")  # fmt: skip
    result = run(tmp_path, "shell", "-c", show, ALLIANCE_SESSION_MINUTES=minutes)
    assert result.stdout.split()[-3:] == [str(seconds), "False", "True"], result.stderr
    bad = run(tmp_path, "check", ALLIANCE_SESSION_MINUTES="half an hour")
    assert bad.returncode == 2 and "positive whole number" in bad.stderr
