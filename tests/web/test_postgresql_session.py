"""On a real PostgreSQL server, the app's connections run with JIT compilation off (the
`options` of its connection settings reach the server). Marked `services`: it runs where
DATABASE_URL names a PostgreSQL server (see conftest.py here)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_it_connects_to_postgresql_with_jit_off_and_checked_persistent_connections() -> None:
    assert connection.vendor == "postgresql", "DATABASE_URL must name a PostgreSQL server"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    assert connection.settings_dict["CONN_MAX_AGE"] == 600
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
