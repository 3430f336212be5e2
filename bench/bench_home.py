"""The residents' home page against the floor, on SQLite: the cost of the shared layout
(language switcher, footer, templates) that every module's pages carry.

    .venv/bin/python bench/bench_home.py [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import machine, median_load, save, served, wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    with served(database=options.database) as server:
        floor_rounds, home_rounds = [], []
        for _round in range(options.rounds):
            floor_rounds.append(wrk(f"{server.url}/bench/floor", seconds=options.seconds))
            home_rounds.append(wrk(f"{server.url}/sv/", seconds=options.seconds))
    floor, home = median_load(floor_rounds), median_load(home_rounds)
    result = {
        "machine": machine(),
        "database": options.database,
        "floor": floor,
        "home": home,
        "ratio": home.requests_per_second / floor.requests_per_second,
    }
    path = save("home", result)
    print(
        f"floor: {floor.requests_per_second:.0f} req/s, p50 {floor.p50_ms:.1f} ms, "
        f"p99 {floor.p99_ms:.1f} ms"
    )
    print(
        f"home:  {home.requests_per_second:.0f} req/s, p50 {home.p50_ms:.1f} ms, "
        f"p99 {home.p99_ms:.1f} ms, {result['ratio']:.2f} of the floor, errors {home.errors}"
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
