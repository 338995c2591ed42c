"""Two `alliance serve` processes on one PostgreSQL database and one Redis, as an agency runs
the app behind a load balancer: a client link used on one is refused on the other, and the
link-guessing limit and the sign-in lockout count across both.

The servers are real subprocesses on free ports, started at the same moment on a fresh
database (so their migrations meet the migration lock): one with gunicorn workers
(`--workers 2`), one with waitress (`--workers 1`). The test creates its own database on the
server DATABASE_URL names and drops it afterwards, and keeps its Redis keys (127.0.0.1:6379)
under a prefix of its own, removed afterwards. Marked `services` (see conftest.py here): it
runs in CI's PostgreSQL pass, and fails, saying which, when a server cannot be reached.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from alliance.web.guesses import GUESS_LIMIT

from ..cast import PASSWORD

pytestmark = pytest.mark.services

REDIS_URL = "redis://127.0.0.1:6379/0"
ALLIANCE = str(Path(sys.executable).parent / "alliance")
REPOSITORY = Path(__file__).resolve().parents[2]
# What the test's data are made with, in the servers' database: the cast's clinician1 (with
# the cast's password) and two clients with a session each and a link for the SRS.
MAKE_DATA = """
from alliance.care.models import Organization
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from tests.cast import client_of, member

clinician = member("clinician1", Organization.objects.create(name="Org", slug="org"), "clinician")
for code in ("TP-1", "TP-2"):
    session = start_session(client=client_of(clinician, code))
    print("token", create_form_link(session=session, instruments=["srs"])[1])
"""


@dataclass
class Servers:
    gunicorn: str  # base URLs
    waitress: str
    tokens: list[str]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reachable_postgresql() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(f"DATABASE_URL must name a PostgreSQL server for this test, got {url!r}")
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at DATABASE_URL cannot be reached: {exc}")
    return url


def reachable_redis() -> redis.Redis:
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} cannot be reached (redis-server --daemonize yes): {exc}")
    return store


def wait_for(base: str, server: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`alliance serve` at {base} stopped:\n{log.read_text()}")
        try:
            urllib.request.urlopen(base + "/health/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"`alliance serve` at {base} did not answer in 120 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    server_url = reachable_postgresql()
    store = reachable_redis()
    name = f"alliance_two_processes_{secrets.token_hex(4)}"
    prefix = f"test-two-processes-{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as maintenance:
        maintenance.execute(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("two-processes")
    # As servers start: none of this test run's own settings, one key for both (sessions
    # signed by one are valid on the other), one database, one cache.
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_") and k not in dropped
    }
    env |= {
        "DATABASE_URL": urllib.parse.urlsplit(server_url)._replace(path=f"/{name}").geturl(),
        "REDIS_URL": REDIS_URL,
        "ALLIANCE_CACHE_PREFIX": prefix,
        "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(60),
        "ALLIANCE_DATA_DIR": str(folder),
        "PYTHONPATH": str(REPOSITORY),  # the cast, for the test's data
    }
    started: list[tuple[str, subprocess.Popen[str], Path]] = []
    try:
        for workers in ("2", "1"):
            port, log = free_port(), folder / f"serve-{workers}.log"
            with log.open("w") as out:
                command = [ALLIANCE, "serve", "--port", str(port), "--workers", workers]
                server = subprocess.Popen(command, env=env, stdout=out, stderr=out, text=True)
            started.append((f"http://127.0.0.1:{port}", server, log))
        for base, server, log in started:
            wait_for(base, server, log)
        made = subprocess.run([ALLIANCE, "manage", "shell", "-c", MAKE_DATA], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert made.returncode == 0, made.stderr
        tokens = re.findall(r"^token (\S+)$", made.stdout, re.MULTILINE)
        assert len(tokens) == 2, made.stdout
        yield Servers(gunicorn=started[0][0], waitress=started[1][0], tokens=tokens)
    finally:
        for _base, server, _log in started:
            server.terminate()
        for _base, server, _log in started:
            server.wait(timeout=60)
        with psycopg.connect(server_url, autocommit=True) as maintenance:
            maintenance.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        keys = list(store.scan_iter(match=f"{prefix}:*"))
        if keys:
            store.delete(*keys)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's browser (cookies kept, redirects not followed), from 127.0.0.1."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str], page: str) -> tuple[int, str]:
        """Post `fields` with the CSRF token of the form on `page`."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, "no form on the page"
        body = urllib.parse.urlencode(fields | {"csrfmiddlewaretoken": token.group(1)})
        return self._open(urllib.request.Request(url, data=body.encode()))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def status_from(address: str, base: str, path: str) -> int:
    """The status of a GET of `path`, sent from `address` (any of 127.0.0.0/8)."""
    parts = urllib.parse.urlsplit(base)
    assert parts.hostname is not None and parts.port is not None
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(address, 0)
    )
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_it_refuses_on_one_process_a_link_used_on_the_other(servers: Servers) -> None:
    browser = Browser()
    url = f"{servers.gunicorn}/f/{servers.tokens[0]}/"
    status, page = browser.get(url)
    assert status == 200
    answers = {f"srs-{n}": "8.5" for n in range(1, 5)}
    status, thanks = browser.post(url, answers, page)
    assert status == 200 and "Thank you" in thanks
    # The same link on the other process: used, whether opened or sent again.
    other = f"{servers.waitress}/f/{servers.tokens[0]}/"
    status, closed = browser.get(other)
    assert status == 410 and "already been sent" in closed
    status, closed = browser.post(other, answers, page)
    assert status == 410 and "already been sent" in closed
    # The other client's link, never used, still opens on either.
    assert Browser().get(f"{servers.waitress}/f/{servers.tokens[1]}/")[0] == 200


def test_it_counts_link_guesses_from_one_address_across_both_processes(
    servers: Servers,
) -> None:
    guesser, bystander = "127.0.0.2", "127.0.0.3"
    half = GUESS_LIMIT // 2
    answers = [status_from(guesser, base, f"/f/guess-{base[-5:]}-{n}/")
               for base in (servers.gunicorn, servers.waitress) for n in range(half)]  # fmt: skip
    assert answers == [404] * (2 * half)
    # The limit is reached by the two halves together: a further guess is refused on either,
    # while a real link still opens from that address (guesses never block a client's link).
    for base in (servers.gunicorn, servers.waitress):
        assert status_from(guesser, base, "/f/guess-once-more/") == 429
        assert status_from(guesser, base, f"/f/{servers.tokens[1]}/") == 200
    # Another address is not held back by it.
    assert status_from(bystander, servers.waitress, "/f/guess-elsewhere/") == 404
    assert status_from(bystander, servers.gunicorn, f"/f/{servers.tokens[1]}/") == 200


def test_it_locks_a_sign_in_out_after_failures_spread_over_both_processes(
    servers: Servers,
) -> None:
    browser = Browser()
    statuses = []
    for base in (servers.gunicorn, servers.waitress) * 2:
        _status, page = browser.get(f"{base}/login/")
        wrong = {"username": "clinician1", "password": "a wrong guess"}
        statuses.append(browser.post(f"{base}/login/", wrong, page)[0])
    assert statuses == [200] * 4  # four failures, two on each
    _status, page = browser.get(f"{servers.gunicorn}/login/")
    wrong = {"username": "clinician1", "password": "a fifth guess"}
    assert browser.post(f"{servers.gunicorn}/login/", wrong, page)[0] == 429
    # Locked on the other process too, even with the right password.
    _status, page = browser.get(f"{servers.waitress}/login/")
    right = {"username": "clinician1", "password": PASSWORD}
    status, locked = browser.post(f"{servers.waitress}/login/", right, page)
    assert status == 429 and "Sign-in locked for now" in locked
