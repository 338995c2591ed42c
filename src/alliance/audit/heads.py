"""Heads of the audit trail (entry count and last hash) written outside the database.

The chain itself cannot show that its latest entries, or all of them, were removed: what is
left still verifies. So the head is written, as it stands, to an append-only file in the
data folder (`audit-heads.log`, or the file ALLIANCE_AUDIT_HEADS_FILE names) and to the
logger "alliance.audit.head" (route it to the system log or a log server: SECURITY.md),
every HEAD_INTERVAL entries and whenever `verify_audit` finds the chain intact;
`verify_audit` then checks the database against every head in the file. One line per head:
when, COUNT:HASH, and why it was written.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from django.utils import timezone

from alliance.errors import DomainError
from alliance.measures.site import data_dir

from .chain import Head

HEADS_FILE = "audit-heads.log"
# Another place for it (an append-only mount, a disk the database is not on).
HEADS_FILE_VARIABLE = "ALLIANCE_AUDIT_HEADS_FILE"
HEAD_INTERVAL = 100  # entries between two heads written by the trail itself
HEAD_LOG = logging.getLogger("alliance.audit.head")
_LINE = re.compile(r"(?P<when>\S+) (?P<count>[0-9]{1,18}):(?P<hash>[0-9a-f]{64})(?: .*)?")


class HeadsFileError(DomainError):
    """The heads file cannot be read, or holds a line that is not a head (code:
    heads_file)."""

    def __init__(self, message: str) -> None:
        super().__init__("heads_file", message)


def heads_path() -> Path:
    configured = os.environ.get(HEADS_FILE_VARIABLE, "").strip()
    return Path(configured) if configured else data_dir() / HEADS_FILE


def write_head(head: Head, why: str, path: Path | None = None) -> None:
    """Append `head` to the heads file and the head logger."""
    path = path or heads_path()
    line = f"{timezone.now().isoformat()} {head} {why}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: each line lands whole at the end, whichever process writes it.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as heads:
        heads.write(line)
    HEAD_LOG.info("audit head %s (%s)", head, why)


def write_head_after_commit(head: Head) -> None:
    """For the trail, once the entry that makes `head` is committed: never fails the
    request that wrote it (a head that cannot be written is logged as an error)."""
    try:
        write_head(head, f"every {HEAD_INTERVAL} entries")
    except OSError:
        HEAD_LOG.exception("the audit head %s could not be written to %s", head, heads_path())


def recorded_heads(path: Path | None = None) -> list[Head]:
    """Every head in the heads file (none when there is no file yet)."""
    path = path or heads_path()
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise HeadsFileError(f"{path} cannot be read: {exc}") from None
    heads = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise HeadsFileError(f"{path} line {number} is not a head (COUNT:HASH): it was "
                                 "edited")  # fmt: skip
        heads.append(Head(int(match["count"]), match["hash"], f"recorded in {path} line {number}"))
    return heads
