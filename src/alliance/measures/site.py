"""Where a site keeps what it adds to the shipped instruments (licensed wording, cutoffs)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    """Where the site's data lives: ALLIANCE_DATA_DIR, or the user's data folder."""
    configured = os.environ.get("ALLIANCE_DATA_DIR")
    return Path(configured) if configured else Path(user_data_dir("alliance-monitor"))
