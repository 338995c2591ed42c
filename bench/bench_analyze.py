"""`alliance analyze` on a synthetic caseload of about 1,000,000 item rows.

Prints wall time and peak memory (max RSS) of the command, beside the floor: reading the
same file with the csv module and doing nothing else, each in a fresh process. Also runs
a file half the size, to show memory does not grow with the file.
Run: python bench/bench_analyze.py [CLIENTS]   (default 5000)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass\n"


GENERATE = """import sys
from alliance.synthetic import generate_caseload, write_long_csv
with open(sys.argv[1], "w", newline="") as out:
    print(write_long_csv(generate_caseload(int(sys.argv[2]), seed=2026), out))
"""


def make_file(folder: Path, clients: int) -> tuple[Path, int]:
    # In its own process: a forked child's peak RSS counts the parent's pages, so the
    # measuring process must stay small.
    path = folder / f"caseload-{clients}.csv"
    done = subprocess.run([sys.executable, "-c", GENERATE, str(path), str(clients)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    return path, int(done.stdout)


def measure(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one run in a fresh process (via wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    alliance = str(Path(sys.executable).with_name("alliance"))
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for n in (clients // 2, clients):
            path, rows = make_file(Path(folder), n)
            floor_s, floor_mb = min(measure([sys.executable, "-c", FLOOR, str(path)])
                                    for _ in range(3))  # fmt: skip
            run_s, run_mb = measure([alliance, "analyze", str(path), "--format", "json"])
            results.append((n, rows, path.stat().st_size, floor_s, floor_mb, run_s, run_mb))
    print(f"{'clients':>8} {'rows':>10} {'MiB':>6} {'floor s':>8} {'floor MiB':>9} "
          f"{'analyze s':>9} {'analyze MiB':>11} {'time ratio':>10}")  # fmt: skip
    for n, rows, size, floor_s, floor_mb, run_s, run_mb in results:
        print(f"{n:>8,} {rows:>10,} {size / 2**20:>6.1f} {floor_s:>8.2f} {floor_mb:>9.1f} "
              f"{run_s:>9.2f} {run_mb:>11.1f} {run_s / floor_s:>9.1f}x")  # fmt: skip
    (_, rows_half, *_, mb_half), (_, rows_full, *_, mb_full) = results
    print(
        f"peak memory, full file vs half: {mb_full / mb_half:.2f}x for "
        f"{rows_full / rows_half:.2f}x the rows"
    )


if __name__ == "__main__":
    main()
