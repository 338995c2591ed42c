"""System checks of the audit trail's configuration (`alliance manage check`, and at every
start through Django's checks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from . import keys


def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error when the audit key is unusable, or missing in production (where a key made
    in the data folder would sit beside the database it protects); a warning when the key
    file may be read by others than its owner."""
    problem = keys.configuration_problem()
    found: list[CheckMessage] = []
    if problem and (keys.configured() or getattr(settings, "PRODUCTION", False)):
        found.append(
            Error(
                f"The audit trail's key: {problem}.",
                hint=f"Make a key with {keys.HOW_TO_MAKE_ONE} and pass it in "
                f"{keys.KEY_VARIABLE}, or put it in a file only the app's account can read "
                f"and name that file in {keys.KEY_FILE_VARIABLE}.",
                id="alliance.audit.E001",
            )
        )
    too_open = keys.key_file_too_open()
    if too_open:
        found.append(
            Warning(
                f"The audit key file {too_open} can be read by others than its owner.",
                hint=f"chmod 600 {too_open}",
                id="alliance.audit.W001",
            )
        )
    return found
