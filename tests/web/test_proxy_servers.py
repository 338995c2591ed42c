"""`alliance serve` in production behind a proxy on this host: each server (waitress for one
process, gunicorn for several) passes the forwarding headers to the app untouched, and the
app believes them from ALLIANCE_TRUSTED_PROXIES (127.0.0.1) only; a request that reaches the
port from another address (127.0.0.2) with the same headers is not believed. Production
refuses to serve without a trusted proxy, and believes no forwarding header by itself.

The servers are real subprocesses on free ports with a fresh data folder each. The gunicorn
one needs Redis for its two workers: marked `services` (see conftest.py here)."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ALLIANCE = str(Path(sys.executable).parent / "alliance")
PROXY, ELSEWHERE = "127.0.0.1", "127.0.0.2"


def production_env(folder: Path, **more: str) -> dict[str, str]:
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    return (
        clean
        | {
            "ALLIANCE_ENV": "production",
            "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(60),
            "ALLIANCE_AUDIT_KEY": secrets.token_urlsafe(48),
            "ALLIANCE_ALLOWED_HOSTS": "localhost",
            "ALLIANCE_BASE_URL": "https://localhost",
            "ALLIANCE_EMAIL_CONSOLE": "allow",
            "ALLIANCE_TASK_WORKER": "off",
            "ALLIANCE_TRUSTED_PROXIES": PROXY,
            "ALLIANCE_DATA_DIR": str(folder),
        }
        | more
    )


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def exchange(port: int, path: str, *, source: str, headers: dict[str, str],
             form: str | None = None) -> Answer:  # fmt: skip
    """One request to the server on 127.0.0.1:`port`, sent from `source`."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0)
    )
    try:
        headers = {"Host": "localhost"} | headers
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if form is not None else "GET", path, form, headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


@dataclass
class Server:
    port: int
    folder: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path, workers: str, **more: str) -> Iterator[Server]:
    port = free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [ALLIANCE, "serve", "--port", str(port), "--workers", workers],
            env=production_env(folder / "data", **more), stdout=out, stderr=out, text=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "Alliance Monitor at" not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`alliance serve` did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(port, folder / "data")
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture(scope="module")
def waitress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start(tmp_path_factory.mktemp("waitress"), "1")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start(tmp_path_factory.mktemp("gunicorn"), "2",
                     REDIS_URL="redis://127.0.0.1:6379/0",
                     ALLIANCE_CACHE_PREFIX=f"test-proxy-{secrets.token_hex(4)}")  # fmt: skip


def believes_only_the_proxy(server: Server) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    through_proxy = exchange(server.port, "/login/", source=PROXY, headers=https)
    assert through_proxy.status == 200
    assert "max-age=31536000" in through_proxy.headers["Strict-Transport-Security"]
    forged = exchange(server.port, "/login/", source=ELSEWHERE, headers=https)
    assert forged.status == 301 and forged.headers["Location"] == "https://localhost/login/"
    assert "Strict-Transport-Security" not in forged.headers
    # The load balancer's health check is answered over plain HTTP, never redirected.
    assert exchange(server.port, "/health/", source=ELSEWHERE, headers={}).status == 200


def failed_sign_in_address(server: Server, source: str, forwarded_for: str) -> str:
    """Sign in with a wrong password over "HTTPS", from `source` with the given
    X-Forwarded-For; the address the audit trail recorded for the failure."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for}
    page = exchange(server.port, "/login/", source=source, headers=headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    cookie = page.headers["Set-Cookie"].split(";")[0]
    assert token is not None and cookie.startswith("csrftoken=")
    assert "; Secure" in page.headers["Set-Cookie"]
    form = f"csrfmiddlewaretoken={token[1]}&username=nobody&password=wrong+guess"
    origin = {"Cookie": cookie, "Origin": "https://localhost"}
    refused = exchange(server.port, "/login/", source=source, headers=headers | origin, form=form)
    assert refused.status == 200 and "do not match" in refused.body
    with sqlite3.connect(server.folder / "alliance.sqlite3") as database:
        row = database.execute(
            "SELECT address FROM audit_auditevent WHERE action = 'sign_in_failed' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0])


def test_waitress_passes_the_headers_and_the_app_believes_the_proxy_only(
    waitress: Server,
) -> None:
    believes_only_the_proxy(waitress)
    assert failed_sign_in_address(waitress, PROXY, "6.6.6.6, 203.0.113.9") == "203.0.113.9"


@pytest.mark.services
def test_gunicorn_passes_the_headers_and_the_app_believes_the_proxy_only(
    gunicorn: Server,
) -> None:
    believes_only_the_proxy(gunicorn)
    assert failed_sign_in_address(gunicorn, PROXY, "203.0.113.10") == "203.0.113.10"


def test_production_refuses_to_serve_without_a_trusted_proxy(tmp_path: Path) -> None:
    result = subprocess.run(
        [ALLIANCE, "serve", "--port", "9"], capture_output=True, text=True, timeout=120,
        env=production_env(tmp_path, ALLIANCE_TRUSTED_PROXIES=""),
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "alliance: error: configuration: production serves HTTPS through a reverse proxy: "
        "set ALLIANCE_TRUSTED_PROXIES"
    )


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start_with_one_line(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [ALLIANCE, "manage", "check"], capture_output=True, text=True, timeout=120,
        env=production_env(tmp_path, ALLIANCE_TRUSTED_PROXIES="127.0.0.1,proxy.local"),
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ALLIANCE_TRUSTED_PROXIES: 'proxy.local' is not an address" in result.stderr


# Production's own settings, as loaded: a forged header from a peer that is not the proxy
# changes nothing, whatever settings Django would read it through.
BELIEVES_NOTHING = """
from django.conf import settings
from django.test import Client
forged = {"REMOTE_ADDR": "198.51.100.20", "HTTP_HOST": "localhost",
          "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "evil.example"}
response = Client().get("/login/", **forged)
print(response.status_code, response["Location"], settings.SECURE_PROXY_SSL_HEADER,
      settings.USE_X_FORWARDED_HOST)
"""


def test_production_settings_believe_no_forwarding_header_by_themselves(tmp_path: Path) -> None:
    result = subprocess.run(
        [ALLIANCE, "manage", "shell", "-c", BELIEVES_NOTHING], capture_output=True, text=True,
        timeout=120, env=production_env(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "301",
        "https://localhost/login/",
        "None",
        "False",
    ]
