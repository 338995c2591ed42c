"""The client's own progress: what a client may see of their scores over time."""

from __future__ import annotations

from typing import Any


def progress_for(client: Any) -> Any:
    """The client's progress to show after a submission, or None when sharing is off."""
    return None
