"""`alliance serve` runs the task worker beside itself: a client's form sent through a link
with a self-harm answer is emailed to the clinician by that worker (file backend), and the
worker stops with the server, whether it is stopped or killed."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ALLIANCE = str(Path(sys.executable).parent / "alliance")
REPOSITORY = Path(__file__).resolve().parents[2]
MAKE_DATA = """
from alliance.care.models import Organization
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from tests.cast import client_of, member

clinician = member("clinician1", Organization.objects.create(name="Org", slug="org"), "clinician")
clinician.email = "clinician1@example.org"
clinician.save()
session = start_session(client=client_of(clinician, "SV-1"))
print("session", session.pk)
print("token", create_form_link(session=session, instruments=["phq-9"])[1])
"""
# PHQ-9 answers as the link's form posts them: item 9 (thoughts of self-harm) at 2.
ANSWERS = {f"phq-9-{n}": "1" for n in range(1, 11)} | {"phq-9-9": "2"}


@dataclass
class Server:
    process: subprocess.Popen[str]
    base: str
    mail: Path
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while listed
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLIANCE_")
           and k not in dropped}  # fmt: skip
    mail = tmp_path / "mail"
    env |= {"ALLIANCE_DATA_DIR": str(tmp_path / "data"), "ALLIANCE_EMAIL_FILE_PATH": str(mail),
            "PYTHONPATH": str(REPOSITORY)}  # fmt: skip
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([ALLIANCE, "serve", "--port", str(port)], env=env, stdout=log,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            try:
                return bool(urllib.request.urlopen(base + "/health/", timeout=2).status == 200)
            except OSError:
                return process.poll() is not None  # stopped: reported below

        wait_until(answers, 180, "`alliance serve` did not answer")
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        yield Server(process, base, mail, env)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()


def send_link_form(server: Server) -> tuple[int, float]:
    """Make the data, send the form with a self-harm answer; (session pk, when it returned)."""
    made = subprocess.run([ALLIANCE, "manage", "shell", "-c", MAKE_DATA], env=server.env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert made.returncode == 0, made.stderr
    session = int(re.findall(r"^session (\d+)$", made.stdout, re.MULTILINE)[0])
    token = re.findall(r"^token (\S+)$", made.stdout, re.MULTILINE)[0]
    url = f"{server.base}/f/{token}/"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(url, timeout=60).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None, page
    body = urllib.parse.urlencode(ANSWERS | {"csrfmiddlewaretoken": csrf.group(1)}).encode()
    reply = opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}),
                        timeout=60)  # fmt: skip
    assert reply.status == 200
    return session, time.monotonic()


def test_the_server_s_worker_emails_the_clinician_and_stops_with_it(server: Server) -> None:
    workers = children(server.process.pid)
    assert len(workers) == 1  # the task worker
    session, _sent = send_link_form(server)
    wait_until(lambda: server.mail.exists() and any(server.mail.iterdir()), 60,
               "no email was written")  # fmt: skip
    (message,) = server.mail.iterdir()
    text = message.read_text()
    assert "To: clinician1@example.org" in text
    assert f"http://localhost:8000/sessions/{session}/" in text and "SV-1" not in text
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)
    wait_until(lambda: not alive(workers[0]), 10, "the worker outlived its server")


def test_the_worker_stops_by_itself_when_its_server_is_killed(server: Server) -> None:
    (worker,) = children(server.process.pid)
    server.process.kill()
    server.process.wait(timeout=30)
    wait_until(lambda: not alive(worker), 10, "the worker outlived its killed server")


def test_a_worker_that_dies_is_started_again(server: Server) -> None:
    (first,) = children(server.process.pid)
    os.kill(first, signal.SIGKILL)

    def replaced() -> bool:
        return [pid for pid in children(server.process.pid) if alive(pid)] not in ([], [first])

    wait_until(replaced, 30, "no new worker was started")
    assert server.process.poll() is None
