"""Call campaigns under load: 30 ambassadors logging calls at once, and the figures page over
a million logged calls, each against the floor (/bench/floor) measured in the same run.

    .venv/bin/python bench/bench_calls.py [--seconds 10] [--rounds 3] [--calls 1000000]
                                          [--database sqlite|postgresql|both]

Logging: 30 wrk connections, each request one ambassador (of 30) logging a reached call of
5 minutes (a third with a resident's question) through the real call page: her session cookie,
a CSRF token, a fresh log key. Every call was assigned to her beforehand, as "Next call" does,
so every request logs a different call; the view then hands her the next one and redirects
(302), as on her phone. Her next call page (GET) is measured the same way.

Figures: a million calls are written into the call log and the tallies rebuilt from it, then
the figures page is loaded as a city communicator (every partner) and as the partner's
coordinator (her own partner). Query counts come from the same requests made in-process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Load,
    Server,
    lines_script,
    machine,
    median_load,
    save,
    served,
    wrk,
)

AMBASSADORS = 30
FIGURES_CONNECTIONS = 8

# Each line: the ambassador's cookie, the call's address and the form, separated by tabs.
CALL_LUA = """
function request()
  local line = next_line()
  if line == nil then return wrk.format("GET", "/exhausted") end
  local cookie, path, body = line:match("([^\\t]*)\\t([^\\t]*)\\t(.*)")
  if "{method}" == "GET" then
    return wrk.format("GET", path, {{["Cookie"] = cookie}})
  end
  return wrk.format("POST", path, {{["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
"""

COOKIE_LUA = """
wrk.headers["Cookie"] = "{cookie}"
"""


def _data(server: Server, call: str) -> Any:
    output = server.python(f"from bench import calls_data\ncalls_data.{call}")
    return json.loads(output.strip().splitlines()[-1])


def _script(workdir: Path, name: str, lines: list[str], method: str) -> Path:
    return lines_script(workdir / f"{name}.lua", lines, CALL_LUA.format(method=method))


def _cookie_script(workdir: Path, name: str, cookie: str) -> Path:
    script = workdir / f"{name}.lua"
    script.write_text(COOKIE_LUA.format(cookie=cookie))
    return script


def _line(name: str, load: Load, floor: Load) -> str:
    ratio = load.requests_per_second / floor.requests_per_second
    return (
        f"{name:<16} {load.requests_per_second:7.0f} req/s  p50 {load.p50_ms:7.1f} ms  "
        f"p99 {load.p99_ms:7.1f} ms  {ratio:5.3f} of the floor  errors {load.errors}"
    )


def run(database: str, seconds: int, rounds: int, calls: int) -> dict[str, Any]:
    # Every round logs distinct calls: enough for the fastest logging this machine could do.
    calls_each = max(200, 250 * seconds * rounds // AMBASSADORS)
    workdir = Path(tempfile.mkdtemp(prefix="calls-bench-"))
    with served(database=database) as server:
        prepared = _data(server, f"prepare({AMBASSADORS}, {calls_each})")
        lines: list[str] = prepared["lines"]
        half = len(lines) // 2
        # The first half is logged (POST); the call pages are read from the second half, which
        # stays assigned and unlogged.
        to_log, to_open = lines[:half], lines[half:]
        per_round = len(to_log) // rounds
        floor_rounds, log_rounds, open_rounds = [], [], []
        open_script = _script(workdir, "open", to_open, "GET")
        wrk(f"{server.url}/bench/floor", seconds=2, connections=AMBASSADORS)  # warm up
        for round_ in range(rounds):
            log_script = _script(
                workdir / f"round{round_}",
                "log",
                to_log[round_ * per_round : (round_ + 1) * per_round],
                "POST",
            )
            floor_rounds.append(
                wrk(f"{server.url}/bench/floor", seconds=seconds, connections=AMBASSADORS)
            )
            log_rounds.append(
                wrk(server.url, seconds=seconds, connections=AMBASSADORS, script=log_script)
            )
            open_rounds.append(
                wrk(server.url, seconds=seconds, connections=AMBASSADORS, script=open_script)
            )
        logged = server.python(
            "from megafonen.outreach.models import Call; print(Call.objects.count())"
        ).strip()
        log_queries = _data(server, "log_queries()")

        million = _data(server, f"million({calls})")
        cookies = _data(server, "figures_cookies()")
        figures_url = f"{server.url}/sv/topics/staff/figures/"
        figure_rounds: dict[str, list[Load]] = {"city": [], "partner": []}
        figures_floor_rounds = []
        for who in ("city", "partner"):
            wrk(
                figures_url,
                seconds=2,
                connections=FIGURES_CONNECTIONS,
                script=_cookie_script(workdir, f"warm-{who}", cookies[who]),
            )
        for _round in range(rounds):
            figures_floor_rounds.append(
                wrk(f"{server.url}/bench/floor", seconds=seconds, connections=FIGURES_CONNECTIONS)
            )
            for who in ("city", "partner"):
                figure_rounds[who].append(
                    wrk(
                        figures_url,
                        seconds=seconds,
                        connections=FIGURES_CONNECTIONS,
                        script=_cookie_script(workdir, who, cookies[who]),
                    )
                )
        figures_queries = {
            who: _data(server, f"queries('/sv/topics/staff/figures/', {who!r})")
            for who in ("city", "partner")
        }
    floor, log, open_ = (median_load(r) for r in (floor_rounds, log_rounds, open_rounds))
    figures_floor = median_load(figures_floor_rounds)
    figures = {who: median_load(r) for who, r in figure_rounds.items()}
    return {
        "database": database,
        "ambassadors": AMBASSADORS,
        "prepare_seconds": prepared["seconds"],
        "floor": floor,
        "log": log,
        "open": open_,
        "log_ratio": log.requests_per_second / floor.requests_per_second,
        "open_ratio": open_.requests_per_second / floor.requests_per_second,
        "calls_logged": int(logged),
        "log_queries": log_queries,
        "million": million,
        "figures_floor": figures_floor,
        "figures": figures,
        "figures_ratio": {
            who: load.requests_per_second / figures_floor.requests_per_second
            for who, load in figures.items()
        },
        "figures_queries": figures_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql", "both"])
    options = parser.parse_args()
    databases = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    results = []
    for database in databases:
        result = run(database, options.seconds, options.rounds, options.calls)
        results.append(result)
        print(f"== {database}: {AMBASSADORS} ambassadors")
        print(_line("floor", result["floor"], result["floor"]))
        print(_line("log a call", result["log"], result["floor"]))
        print(_line("open a call", result["open"], result["floor"]))
        print(
            f"   calls logged {result['calls_logged']} of {result['log'].requests} POSTs; "
            f"one log: {result['log_queries']['queries']} queries "
            f"(status {result['log_queries']['status']})"
        )
        million = result["million"]
        print(
            f"== figures over {million['calls']} calls ({million['tally_rows']} tally rows; "
            f"insert {million['insert_seconds']:.0f} s, rebuild {million['rebuild_seconds']:.0f} s)"
        )
        print(_line("floor", result["figures_floor"], result["figures_floor"]))
        for who, load in result["figures"].items():
            queries = result["figures_queries"][who]
            print(
                _line(f"figures ({who})", load, result["figures_floor"])
                + f"  {queries['queries']} queries (status {queries['status']})"
            )
    path = save("calls", {"machine": machine(), "ambassadors": AMBASSADORS, "results": results})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
