"""Scoring throughput over 100,000 administrations.

Prints administrations per second for `score()` and for the floor: a plain loop that only
sums the same answers. The ratio (score time / floor time) is what to compare across runs;
absolute figures move with the machine. Run: python bench/bench_scoring.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from alliance.measures import definitions, score

# A session's mix: SRS and a symptom measure every session, a WAI-SR now and then.
MIX = [("srs", 10), ("phq-9", 4), ("gad-7", 4), ("ors", 2), ("wai-sr", 1)]


def make_forms(n: int, seed: int = 20261128) -> list[tuple[str, dict[str, float]]]:
    rng = random.Random(seed)
    ids = [instrument for instrument, weight in MIX for _ in range(weight)]
    forms = []
    for _ in range(n):
        instrument = rng.choice(ids)
        d = definitions()[instrument]
        if d.scale.kind == "vas":
            answers = {item: rng.randint(40, 100) / 10 for item in d.item_ids}
        else:
            values = [p.value for p in d.scale.points]
            answers = {item: float(rng.choice(values)) for item in d.item_ids}
        forms.append((instrument, answers))
    return forms


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    forms = make_forms(n)

    def floor() -> float:
        grand = 0.0
        for _instrument, answers in forms:
            grand += sum(answers.values())
        return grand

    def scoring() -> int:
        flagged = 0
        for instrument, answers in forms:
            flagged += len(score(instrument, answers).flags)
        return flagged

    scoring()  # warm the compiled keys, so start-up is not counted
    floor_s = best_of(5, floor)
    score_s = best_of(3, scoring)
    print(f"administrations            {n:>12,}")
    print(f"floor (sum only)           {n / floor_s:>12,.0f} administrations/s  ({floor_s:.3f} s)")
    print(f"score()                    {n / score_s:>12,.0f} administrations/s  ({score_s:.3f} s)")
    print(f"per administration         {score_s / n * 1e6:>12.2f} us")
    print(f"ratio score / floor        {score_s / floor_s:>12.1f}x")


if __name__ == "__main__":
    main()
