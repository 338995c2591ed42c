"""`alliance analyze` on a synthetic caseload of about 1,000,000 item rows, and on one twice
that size: both paths against the floor of reading the file with the csv module.

Each run is a fresh process: the floor (the csv module reads every row and does nothing
else), `alliance analyze FILE --format json` (the columns path, the default), the same with
a saved reference (no trajectory fit: what is left is the part that grows with the file),
and the row path (`analyze_rows`, writing the same JSON). For each: wall time, CPU time
(user + system, the process and its children: the reference halves are fitted in two
processes of their own and the clients monitored in one worker per core) and peak memory
(max RSS of the process or its largest child, via wait4), and each time as a multiple of the
floor's. The wall time is what a user waits; the CPU time is the work done, on every core.
Peak memory should not grow with the file: the last lines compare the two sizes.

On a machine that is busy with other work, wall times stretch and CPU times hold: read the
CPU ratios then.

Run: python bench/bench_analyze.py [CLIENTS] [--no-rows]   (default 5000: ~1.2 million rows;
the second file has twice as many clients; --no-rows leaves out the row path, the slow one)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FLOOR = "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass\n"

GENERATE = """import sys
from alliance.synthetic import generate_caseload, write_long_csv
with open(sys.argv[1], "w", newline="") as out:
    print(write_long_csv(generate_caseload(int(sys.argv[2]), seed=2026), out))
"""

ROW_PATH = """import sys
from pathlib import Path
from alliance.analytics.analyze import analyze_rows
from alliance.analytics.report import JsonReport
from alliance.monitoring import MonitoringConfig
config = MonitoringConfig()
report = JsonReport(sys.stdout, config)
report.finish(analyze_rows(Path(sys.argv[1]), config=config, on_client=report.client))
"""


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak: float  # MiB


def make_file(folder: Path, clients: int) -> tuple[Path, int]:
    # In its own process: a forked child's peak RSS counts the parent's pages, so the
    # measuring process must stay small.
    path = folder / f"caseload-{clients}.csv"
    done = subprocess.run([sys.executable, "-c", GENERATE, str(path), str(clients)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    return path, int(done.stdout)


def measure(argv: list[str]) -> Run:
    """One run in a fresh process (wait4 gives its CPU time and peak RSS)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed")
    # The run's children (a fit in a forked process) were waited for by the run itself.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # Linux: KiB


def best(argv: list[str], times: int) -> Run:
    runs = [measure(argv) for _ in range(times)]
    return Run(min(r.wall for r in runs), min(r.cpu for r in runs), max(r.peak for r in runs))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    clients = int(args[0]) if args else 5000
    with_rows = "--no-rows" not in sys.argv
    alliance = str(Path(sys.executable).with_name("alliance"))
    table: list[tuple[str, int, int, float, Run]] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in (clients, 2 * clients):
            path, rows = make_file(Path(folder), n)
            size = path.stat().st_size / 2**20
            saved = Path(folder) / f"reference-{n}.json"
            analyze = [alliance, "analyze", str(path), "--format", "json"]
            subprocess.run([*analyze, "--save-reference", str(saved)], check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            runs = {
                "floor (csv module)": best([sys.executable, "-c", FLOOR, str(path)], 3),
                "columns (alliance analyze)": measure(analyze),
                "columns, saved reference": measure([*analyze, "--reference", str(saved)]),
            }
            if with_rows:
                runs["rows (analyze_rows)"] = measure([sys.executable, "-c", ROW_PATH, str(path)])
            table += [(name, n, rows, size, run) for name, run in runs.items()]
    print(f"{len(os.sched_getaffinity(0))} cores; the csv floor is one process on one core")
    print(f"{'path':<27} {'clients':>7} {'rows':>9} {'MiB':>5} {'wall s':>7} {'x floor':>7} "
          f"{'CPU s':>6} {'x floor':>7} {'peak MiB':>8}")  # fmt: skip
    floors = {n: run for name, n, _, _, run in table if name.startswith("floor")}
    for name, n, rows, size, run in table:
        floor = floors[n]
        print(f"{name:<27} {n:>7,} {rows:>9,} {size:>5.0f} {run.wall:>7.2f} "
              f"{run.wall / floor.wall:>6.1f}x {run.cpu:>6.2f} {run.cpu / floor.cpu:>6.1f}x "
              f"{run.peak:>8.1f}")  # fmt: skip
    print()
    for name in dict.fromkeys(name for name, *_ in table):
        small, large = (run for kind, _, _, _, run in table if kind == name)
        print(f"peak memory, {name}: {large.peak / small.peak:.2f}x for twice the rows")


if __name__ == "__main__":
    main()
