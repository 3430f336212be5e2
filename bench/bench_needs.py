"""The needs box under load: the form page and sending a need, at 32 concurrent clients, on
SQLite and PostgreSQL, each against the floor (/bench/floor) measured in the same run.

    .venv/bin/python bench/bench_needs.py [--seconds 10] [--rounds 3] [--database both]

Every POST carries a fresh one-time submission key, as a real form does. The keys are minted
beforehand with the production function (``codes.submission_keys_mint``) and the server's own
secret, and handed to wrk's Lua script in a file, so no request is a duplicate and none is
refused. The rate limit on sending (10 an hour per client in production) is raised with
``NEEDS_SUBMIT_PER_HOUR`` for the run: every request comes from 127.0.0.1, and the limit still
costs what it costs (it is counted, just never reached). Aims: form page at least half the
floor's throughput, sending at least a third, p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Load, lines_script, machine, median_load, save, served, wrk  # noqa: E402

CONNECTIONS = 32
EXTRA_ENV = {"NEEDS_SUBMIT_PER_HOUR": "100000000", "NEEDS_FOLLOW_UP_PER_HOUR": "100000000"}

PREPARE = """
from megafonen.core.models import District, Organisation
from megafonen.needs import services
from megafonen.needs.models import Category, Subscription
drottninghog = District.objects.create(name="Drottninghög", slug="drottninghog")
labour = Organisation.objects.create(name="Arbetsmarknadsförvaltningen", slug="amf",
                                     kind="city_administration")
subscription = Subscription.objects.create(organisation=labour)
subscription.categories.set(Category.objects.filter(code="work"))
Subscription.objects.create(organisation=Organisation.objects.create(
    name="Stadsledningsförvaltningen", slug="slf", kind="city_administration"), is_triage=True)
placement = services.placement_create(name="Bibliotek", kind="screen", district=drottninghog,
                                      place="Entrén", languages=["sv", "ar", "so"])
print(placement.code)
"""

MINT = """
from megafonen.needs.codes import submission_keys_mint
print("\\n".join(submission_keys_mint({count})))
"""

REQUEST_LUA = """
local body_start = "{body}&key="

function request()
  local key = next_line() or "exhausted"
  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/x-www-form-urlencoded"}},
                    body_start .. key)
end
"""


def _post_script(workdir: Path, keys: list[str], placement: str, threads: int) -> Path:
    body = urlencode(
        {
            "category": "work",
            "text": "Jag behöver hjälp att hitta ett sommarjobb till min son som är sexton år.",
            "district": "drottninghog",
            "contact": "none",
            "contact_language": "sv",
            "website": "",
            "placement": placement,
        }
    )
    return lines_script(
        workdir / "needs_post.lua",
        keys,
        REQUEST_LUA.format(body=body, path="/sv/needs/new/"),
        threads=threads,
    )


def _line(name: str, load: Load, floor: Load) -> str:
    ratio = load.requests_per_second / floor.requests_per_second
    return (
        f"{name:<6} {load.requests_per_second:7.0f} req/s  p50 {load.p50_ms:6.1f} ms  "
        f"p99 {load.p99_ms:6.1f} ms  {ratio:4.2f} of the floor  errors {load.errors}"
    )


def run(database: str, seconds: int, rounds: int) -> dict[str, Any]:
    with served(database=database, extra_env=EXTRA_ENV) as server:
        placement = server.python(PREPARE).strip().splitlines()[-1]
        # Enough keys for the fastest sending this machine could manage, for every round.
        count = 4000 * seconds * rounds
        keys = server.python(MINT.format(count=count)).split()
        workdir = Path(tempfile.mkdtemp(prefix="needs-bench-"))
        per_round = len(keys) // rounds
        floor_rounds, form_rounds, send_rounds = [], [], []
        form_url = f"{server.url}/sv/needs/new/?p={placement}"
        wrk(form_url, seconds=2, connections=CONNECTIONS)  # warm up: caches, connections
        for round_ in range(rounds):
            # Each round its own keys: a key sent again is a duplicate, not a new need.
            script = _post_script(
                workdir / f"round{round_}",
                keys[round_ * per_round : (round_ + 1) * per_round],
                placement,
                threads=2,
            )
            floor_rounds.append(
                wrk(f"{server.url}/bench/floor", seconds=seconds, connections=CONNECTIONS)
            )
            form_rounds.append(wrk(form_url, seconds=seconds, connections=CONNECTIONS))
            send_rounds.append(
                wrk(
                    f"{server.url}/sv/needs/new/",
                    seconds=seconds,
                    connections=CONNECTIONS,
                    script=script,
                )
            )
        needs = server.python(
            "from megafonen.needs.models import Need; print(Need.objects.count())"
        ).strip()
    floor, form, send = (median_load(r) for r in (floor_rounds, form_rounds, send_rounds))
    return {
        "database": database,
        "floor": floor,
        "form": form,
        "send": send,
        "form_ratio": form.requests_per_second / floor.requests_per_second,
        "send_ratio": send.requests_per_second / floor.requests_per_second,
        "needs_created": int(needs),
        "requests_sent": send.requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    options = parser.parse_args()
    databases = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    results = []
    for database in databases:
        result = run(database, options.seconds, options.rounds)
        results.append(result)
        print(f"== {database}")
        print(_line("floor", result["floor"], result["floor"]))
        print(_line("form", result["form"], result["floor"]))
        print(_line("send", result["send"], result["floor"]))
        print(f"   needs created {result['needs_created']} of {result['requests_sent']} POSTs")
    path = save("needs", {"machine": machine(), "connections": CONNECTIONS, "results": results})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
