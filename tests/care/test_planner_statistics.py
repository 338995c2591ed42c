"""After bulk work the query planner has fresh statistics: the demo's load and
`alliance manage refit_reference` (run after an import) end with ANALYZE, on SQLite and on
PostgreSQL alike."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from alliance.care.models import Client
from alliance.care.services.demo import create_demo

pytestmark = pytest.mark.django_db


def analyzed(table: str) -> Any:
    """When `table` was last analyzed by hand (PostgreSQL), or its statistics rows (SQLite):
    a value that changes when ANALYZE runs."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # not this transaction's copy
            cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s",
                           [table])  # fmt: skip
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s ORDER BY idx", [table])
        return cursor.fetchall() or None


def forget_statistics() -> None:
    """SQLite: no statistics (rolled back with the test). PostgreSQL keeps the time of the
    last ANALYZE, which a new one moves on."""
    if connection.vendor == "sqlite" and analyzed("care_client") is not None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")


def moved_on(before: Any, after: Any) -> bool:
    return after is not None and (before is None or after != before)


def test_it_analyzes_after_loading_the_demo() -> None:
    forget_statistics()
    before = {table: analyzed(table) for table in ("care_client", "care_administration")}
    assert create_demo(password="demo-pass-9", clients_per_clinician=3) == 6
    assert all(moved_on(before[table], analyzed(table)) for table in before)
    # Run again (passwords only, nothing loaded): nothing to analyze.
    forget_statistics()
    again = analyzed("care_administration")
    assert create_demo(password="demo-pass-10", clients_per_clinician=3) == 6
    assert analyzed("care_administration") == again


def test_it_analyzes_after_refitting_the_reference(client_with_history: Client) -> None:
    forget_statistics()
    before = analyzed("care_signalrecord")
    out = io.StringIO()
    call_command("refit_reference", stdout=out)
    assert "signals recomputed for 1 episodes" in out.getvalue()
    assert out.getvalue().endswith("query planner statistics updated (ANALYZE)\n")
    assert moved_on(before, analyzed("care_signalrecord"))
