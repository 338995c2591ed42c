"""`alliance backup FILE` copies a running install's SQLite database consistently, and
`alliance restore FILE` brings it back into an empty data folder, where the audit trail
verifies once the install's audit key is back (the key is never in a backup). Anything else
is refused with a clear line and exit status 2: an existing backup file, a data folder that
is not empty, a file that is not an Alliance Monitor database, and PostgreSQL (pg_dump's
job, which the refusal explains).

The install here is a small demo clinic on the development audit key (the key file in the
data folder, as on a solo practitioner's laptop), in real subprocesses: one stores forms
without a pause, as a serving process would, while the backup runs."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ALLIANCE = str(Path(sys.executable).parent / "alliance")

SEED = """
from alliance.care.services.demo import create_demo
create_demo(password="a long enough demo password", clients_per_clinician=5)
"""
# Stores an SRS at a new session of each client in turn, one transaction each, until the
# stop file appears; one line per stored form with its commit time.
WRITER = """
import os, time
from pathlib import Path
from alliance.care.models import Client
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session
stop = Path(os.environ["WRITER_STOP"])
clients = list(Client.objects.order_by("id"))
stored = 0
while not stop.exists():
    session = start_session(client=clients[stored % len(clients)])
    record_administration(session=session, instrument="srs",
                          answers={str(n): 8.5 for n in range(1, 5)})
    stored += 1
    print("stored", stored, time.time(), flush=True)
"""


def env_for(folder: Path, **more: str) -> dict[str, str]:
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    return clean | {"ALLIANCE_DATA_DIR": str(folder)} | more


def alliance(folder: Path, *args: str, **more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALLIANCE, *args], capture_output=True, text=True, timeout=180,
                          env=env_for(folder, **more))  # fmt: skip


def forms_in(database: Path) -> int:
    with sqlite3.connect(database) as opened:
        return int(opened.execute("SELECT COUNT(*) FROM care_administration").fetchone()[0])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The running install's data folder: migrated, with the demo clinic's forms."""
    folder = tmp_path_factory.mktemp("backup") / "live"
    for step in (("manage", "migrate", "-v", "0"), ("manage", "shell", "-c", SEED)):
        result = alliance(folder, *step)
        assert result.returncode == 0, result.stderr
    return folder


@dataclass
class Writer:
    lines: list[tuple[int, float]]  # (forms stored so far, when)
    process: subprocess.Popen[str]
    stop: Path


@pytest.fixture
def writer(live: Path, tmp_path: Path) -> Iterator[Writer]:
    stop = tmp_path / "stop"
    process = subprocess.Popen(
        [ALLIANCE, "manage", "shell", "-c", WRITER], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env_for(live, WRITER_STOP=str(stop)),
    )  # fmt: skip
    lines: list[tuple[int, float]] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("stored "):
                _, count, when = line.split()
                lines.append((int(count), float(when)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield Writer(lines, process, stop)
    finally:
        stop.touch()
        process.wait(timeout=60)
        reader.join(timeout=10)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition(), f"waited 60 s for {what}"


def test_a_backup_taken_while_forms_are_stored_restores_and_its_trail_verifies(
    live: Path, writer: Writer, tmp_path: Path
) -> None:
    backup, restored = tmp_path / "backup.sqlite3", tmp_path / "restored"
    wait_until(lambda: len(writer.lines) >= 3, "the writer's first forms")
    started = time.time()
    made = alliance(live, "backup", str(backup))
    ended = time.time()
    stored_at_start = len(writer.lines)
    wait_until(lambda: len(writer.lines) >= stored_at_start + 3, "forms after the backup")
    writer.stop.touch()
    assert writer.process.wait(timeout=60) == 0, writer.process.stderr
    assert made.returncode == 0, made.stderr
    # The writer committed forms before the backup began and went on after it ended.
    assert writer.lines[0][1] < started and writer.lines[-1][1] > ended
    head = re.search(r"audit trail head in the backup: ([0-9]+:[0-9a-f]{64})", made.stdout)
    assert head is not None, made.stdout
    key_file = live / "audit-key"
    assert f"the audit key is not in the backup: it is the file {key_file}" in made.stdout
    assert backup.stat().st_mode & 0o077 == 0  # readable by its owner only

    result = alliance(restored, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert f"put the original install's key file into {restored} as audit-key" in result.stdout
    # Without the install's key, the restored trail cannot be verified (a key made here
    # keys nothing in it) ...
    unkeyed = alliance(restored, "manage", "verify_audit")
    assert unkeyed.returncode == 1 and "without the audit key" in unkeyed.stderr
    # ... with it, as the backup said, it verifies to exactly the head the backup printed.
    shutil.copy(key_file, restored / "audit-key")
    verified = alliance(restored, "manage", "verify_audit", "--expect", head[1])
    assert verified.returncode == 0, verified.stderr
    assert f"head: {head[1]}" in verified.stdout

    # One snapshot: the forms committed before the backup began, none after it ended.
    seeded = forms_in(live / "alliance.sqlite3") - len(writer.lines)
    in_copy = forms_in(restored / "alliance.sqlite3") - seeded
    before = sum(1 for _count, when in writer.lines if when < started)
    by_end = sum(1 for _count, when in writer.lines if when <= ended)
    assert before <= in_copy <= by_end
    with sqlite3.connect(restored / "alliance.sqlite3") as opened:
        assert opened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_never_overwrites_a_file(live: Path, tmp_path: Path) -> None:
    existing = tmp_path / "backup.sqlite3"
    existing.write_text("last week's notes")
    result = alliance(live, "backup", str(existing))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (f"alliance: error: {existing} exists already: a backup never "
                             "overwrites a file; give a new name\n")  # fmt: skip
    assert existing.read_text() == "last week's notes"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.sqlite3"]  # no draft left


def test_a_backup_of_an_install_without_a_database_says_so(tmp_path: Path) -> None:
    result = alliance(tmp_path / "nothing-here", "backup", str(tmp_path / "b.sqlite3"))
    assert result.returncode == 2
    assert "there is no database at" in result.stderr and "nothing to back up" in result.stderr


def test_a_restore_refuses_a_data_folder_that_is_not_empty(live: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    assert alliance(live, "backup", str(backup)).returncode == 0
    before = forms_in(live / "alliance.sqlite3")
    result = alliance(live, "restore", str(backup))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"the data folder {live} is not empty (it holds alliance.sqlite3" in result.stderr
    assert "restore only into an empty data folder" in result.stderr
    assert forms_in(live / "alliance.sqlite3") == before


def test_a_restore_refuses_what_is_not_an_alliance_monitor_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as opened:
        opened.execute("CREATE TABLE recipes (name TEXT)")
    empty = tmp_path / "restored"
    answers = {
        text: f"{text} is not an Alliance Monitor database (not an SQLite database at all)",
        other: f"{other} is not an Alliance Monitor database (it has no django_migrations",
        tmp_path / "missing.sqlite3": f"there is no file {tmp_path / 'missing.sqlite3'}",
    }
    for source, words in answers.items():
        result = alliance(empty, "restore", str(source))
        assert result.returncode == 2 and result.stderr.startswith(f"alliance: error: {words}")
    assert not empty.exists()  # refused before anything was made


@pytest.mark.parametrize(
    ("command", "words"),
    [("backup", "pg_dump --format=custom"), ("restore", "pg_restore --no-owner")],
)
def test_on_postgresql_both_say_how_with_its_own_tools(
    tmp_path: Path, command: str, words: str
) -> None:
    database_url = "postgresql://alliance@db.example.org:5432/alliance"
    result = alliance(tmp_path, command, str(tmp_path / "dump"), DATABASE_URL=database_url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "keeps its records in PostgreSQL" in result.stderr and words in result.stderr
    assert "db.example.org" not in result.stderr  # never the address (nor a password in it)
