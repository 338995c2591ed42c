"""Where the audit key comes from: the environment, a key file, or in development a key file
made once in the data folder; production without a configured key fails its checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from alliance.audit.chain import entry_hash
from alliance.audit.checks import audit_key_check
from alliance.audit.keys import AuditKeyError, audit_key, forget_keys
from alliance.audit.trail import Actor, record

GOOD_KEY = "Vq3-k9Zp_Lr2Xw8mNc4Tb7Hd1Sf6Gj5Ya0Ue"  # 37 characters, many different


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_in_development_a_key_file_is_made_once_private_and_reused(data_folder: Path) -> None:
    first = audit_key()
    path = data_folder / "audit-key"
    assert first.source == str(path) and path.stat().st_mode & 0o777 == 0o600
    assert len(first.secret) >= 32
    forget_keys()
    assert audit_key().secret == first.secret  # read again from the file, not made anew
    assert audit_check_ids() == []  # development without a configured key: nothing to fix


def audit_check_ids() -> list[str]:
    return ids(audit_key_check())


@pytest.mark.django_db
def test_a_key_from_the_environment_keys_the_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_AUDIT_KEY", GOOD_KEY)
    entry = record("read", object_type="client", object_id=1, actor=Actor(1, "u", ""))
    assert audit_key().source == "ALLIANCE_AUDIT_KEY"
    assert entry.hash == entry_hash(entry, GOOD_KEY.encode())


@pytest.mark.django_db
def test_a_key_file_keys_the_entries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(GOOD_KEY + "\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("ALLIANCE_AUDIT_KEY_FILE", str(key_file))
    entry = record("read", object_type="client", object_id=1, actor=Actor(1, "u", ""))
    assert entry.hash == entry_hash(entry, GOOD_KEY.encode())
    assert audit_check_ids() == []
    key_file.chmod(0o644)
    assert audit_check_ids() == ["alliance.audit.W001"]  # others may read it


def test_production_without_a_key_fails_its_checks_and_makes_no_key(
    settings: Any, data_folder: Path
) -> None:
    settings.PRODUCTION = True
    assert audit_check_ids() == ["alliance.audit.E001"]
    message = audit_key_check()[0].msg
    assert "no audit key: set ALLIANCE_AUDIT_KEY or ALLIANCE_AUDIT_KEY_FILE" in message
    with pytest.raises(SystemCheckError, match=r"alliance\.audit\.E001"):
        call_command("check")
    with pytest.raises(AuditKeyError, match="production needs an audit key"):
        audit_key()
    assert not (data_folder / "audit-key").exists()


def test_production_with_a_key_passes(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PRODUCTION = True
    monkeypatch.setenv("ALLIANCE_AUDIT_KEY", GOOD_KEY)
    assert audit_check_ids() == []
    assert audit_key().secret == GOOD_KEY.encode()


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ALLIANCE_AUDIT_KEY", "too-short-a-key", "is 15 bytes long; the audit key needs 32"),
        ("ALLIANCE_AUDIT_KEY", "ab" * 20, "repeats a few characters"),
        ("ALLIANCE_AUDIT_KEY_FILE", "/nonexistent/audit.key", "which cannot be read"),
    ],
)
def test_an_unusable_key_is_an_error_even_in_development(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert audit_check_ids() == ["alliance.audit.E001"]
    assert says in audit_key_check()[0].msg
    with pytest.raises(AuditKeyError, match=says):
        audit_key()


def test_a_key_and_a_key_file_together_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_AUDIT_KEY", GOOD_KEY)
    monkeypatch.setenv("ALLIANCE_AUDIT_KEY_FILE", "/etc/alliance/audit.key")
    assert "not both" in audit_key_check()[0].msg
