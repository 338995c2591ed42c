"""The secret that keys the audit trail's hash chain, kept outside the database.

Someone who can write to the database can rewrite an entry and recompute every hash after
it; with the hashes keyed (HMAC-SHA256), they also need this key, which the database never
holds. It comes from, in this order:
- `ALLIANCE_AUDIT_KEY`: the key itself (32 bytes or more), from the environment;
- `ALLIANCE_AUDIT_KEY_FILE`: a file holding it (only its owner should read it);
- in development, with neither set: `audit-key` in the data folder, made once (mode 0600)
  and reused. Production refuses to run without one of the first two (see checks.py).
"""

from __future__ import annotations

import functools
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from alliance.errors import DomainError
from alliance.measures.site import data_dir

KEY_VARIABLE = "ALLIANCE_AUDIT_KEY"
KEY_FILE_VARIABLE = "ALLIANCE_AUDIT_KEY_FILE"
DEVELOPMENT_KEY_FILE = "audit-key"
MINIMUM_BYTES = 32
# A key of 32 bytes drawn from a handful of characters ("aaaa…", "abab…") is no secret.
MINIMUM_DISTINCT = 8
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class AuditKeyError(DomainError, ImproperlyConfigured):
    """The audit key is missing, unreadable or too weak (code: audit_key)."""

    def __init__(self, message: str) -> None:
        super().__init__("audit_key", message)


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    source: str  # where it came from, for messages: never the key itself


def _weakness(secret: bytes, where: str) -> str:
    if len(secret) < MINIMUM_BYTES:
        return f"{where} is {len(secret)} bytes long; the audit key needs {MINIMUM_BYTES} or more"
    if len(set(secret)) < MINIMUM_DISTINCT:
        return f"{where} repeats a few characters; make a random one"
    return ""


def configured() -> bool:
    """A key is given through the environment (itself or its file), usable or not."""
    return bool(
        os.environ.get(KEY_VARIABLE, "").strip() or os.environ.get(KEY_FILE_VARIABLE, "").strip()
    )


def configuration_problem() -> str:
    """What is wrong with the configured key, in words for whoever runs the install; empty
    when a key is configured (environment or key file) and usable. Reads the key file."""
    value = os.environ.get(KEY_VARIABLE, "").strip()
    path = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    if value and path:
        return f"set {KEY_VARIABLE} or {KEY_FILE_VARIABLE}, not both"
    if value:
        return _weakness(value.encode(), KEY_VARIABLE)
    if path:
        try:
            secret = Path(path).read_bytes().strip()
        except OSError as exc:
            return f"{KEY_FILE_VARIABLE} names {path}, which cannot be read ({exc.strerror})"
        return _weakness(secret, f"the key in {path}")
    return f"no audit key: set {KEY_VARIABLE} or {KEY_FILE_VARIABLE}"


def key_file_too_open() -> str:
    """The configured key file, when others than its owner may read it; else empty."""
    path = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    if not path:
        return ""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return ""  # reported by configuration_problem
    return path if mode & (stat.S_IRWXG | stat.S_IRWXO) else ""


def audit_key() -> AuditKey:
    """The key in use. Raises AuditKeyError when the configured one is unusable, and in
    production when none is configured."""
    value = os.environ.get(KEY_VARIABLE, "").strip()
    path = os.environ.get(KEY_FILE_VARIABLE, "").strip()
    if value or path:
        return _configured(value, path)
    if getattr(settings, "PRODUCTION", False):
        raise AuditKeyError(f"production needs an audit key: set {KEY_VARIABLE} or "
                            f"{KEY_FILE_VARIABLE} (make one with {HOW_TO_MAKE_ONE})")  # fmt: skip
    return _development_key(str(data_dir()))


@functools.lru_cache(maxsize=8)
def _configured(value: str, path: str) -> AuditKey:
    # Cached by what the environment says, so that a changed variable takes effect; the
    # file is read once per process (a changed key file needs a restart).
    problem = configuration_problem()
    if problem:
        raise AuditKeyError(problem)
    if value:
        return AuditKey(value.encode(), KEY_VARIABLE)
    return AuditKey(Path(path).read_bytes().strip(), path)


@functools.lru_cache(maxsize=8)
def _development_key(folder: str) -> AuditKey:
    path = Path(folder) / DEVELOPMENT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a private temporary file, then linked into place: two processes starting
        # at once agree on one key (the second link fails and that process reads the first).
        draft = path.with_name(f".{DEVELOPMENT_KEY_FILE}-{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as draft_file:
            draft_file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_bytes().strip()
    problem = _weakness(secret, f"the key in {path}")
    if problem:
        raise AuditKeyError(problem)
    return AuditKey(secret, str(path))


def forget_keys() -> None:
    """Read the key again at next use (tests that change the environment)."""
    _configured.cache_clear()
    _development_key.cache_clear()
