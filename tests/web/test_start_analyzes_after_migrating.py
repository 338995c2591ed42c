"""`alliance serve` applies migrations at start; when it applied any (a data migration may
rewrite whole tables), it updates the query planner's statistics (ANALYZE) before serving,
and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# As `alliance serve` starts, twice on one SQLite file: first on a new database (every
# migration pending), then with nothing to apply, after the statistics were emptied.
START_TWICE = """
import sqlite3, sys
from alliance.web.run import migrate, setup_django
setup_django()
migrate()
file = sqlite3.connect(sys.argv[1])
print("first", file.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0])
file.execute("DELETE FROM sqlite_stat1")
file.commit()
migrate()
print("again", file.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0])
"""


def test_it_analyzes_after_applying_migrations_and_not_when_none_were_pending(
    tmp_path: Path,
) -> None:
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ALLIANCE_") and k not in dropped}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", START_TWICE, str(tmp_path / "alliance.sqlite3")],
        capture_output=True, text=True, timeout=120,
        env=clean | {"ALLIANCE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, again = result.stdout.split()[1::2]
    assert int(first) > 0  # the tables that hold rows after migrating (django_migrations...)
    assert again == "0"
