"""Tests marked `services` need a PostgreSQL server and Redis, as an agency's install does.
They run where DATABASE_URL names a PostgreSQL server (CI's PostgreSQL pass in `.ci/run`,
which starts both servers) and are deselected, not skipped, where it is unset, so the
README's test command passes on a machine with neither. Once selected, a server that
cannot be reached fails them with a message saying which."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DATABASE_URL"):
        return
    needing = [item for item in items if item.get_closest_marker("services")]
    if needing:
        config.hook.pytest_deselected(items=needing)
        items[:] = [item for item in items if not item.get_closest_marker("services")]
