"""A broadcast to many subscribers in twelve languages against a local fake of the 46elks
API, and the public topic page against the floor, in one run.

    .venv/bin/python bench/bench_outreach.py [--subscribers 100000] [--workers 2]
        [--database sqlite|postgresql] [--redis] [--seconds 10] [--rounds 3]

Measures: time to fan the broadcast out (queue one message per subscriber), messages per
second delivered by the workers (``manage.py db_worker``) to the fake provider, the peak
memory (VmHWM) of each worker, and the topic page's throughput as a ratio to /bench/floor.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PYTHON, ROOT, machine, median_load, save, served, wrk  # noqa: E402
from megafonen.messaging.testing import PASSWORD, USERNAME, FakeSmsProvider  # noqa: E402

FINAL = ("sent", "delivered", "failed", "suppressed", "uncertain")


def _peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--redis", action="store_true", help="cache (rate limits) in Redis")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=3600, help="give up delivery after this")
    options = parser.parse_args()

    provider = FakeSmsProvider()
    provider.start()
    extra_env = {
        "SMS_BACKEND": "46elks",
        "SMS_46ELKS_API_URL": f"{provider.url}/a1",
        "SMS_46ELKS_USERNAME": USERNAME,
        "SMS_46ELKS_PASSWORD": PASSWORD,
        "SMS_PER_SECOND": "100000",
        "OUTREACH_ESPEAK_COMMAND": "",  # measure messaging, not speech synthesis
    }
    if options.redis:
        extra_env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    result: dict[str, object] = {
        "machine": machine(),
        "database": options.database,
        "cache": "redis" if options.redis else "database",
        "subscribers": options.subscribers,
        "workers": options.workers,
    }
    try:
        with served(database=options.database, extra_env=extra_env) as server:
            if options.redis:
                server.python("from django.core.cache import cache; cache.clear()")
            prepared = json.loads(
                server.python(
                    f"from bench.outreach_data import prepare; prepare({options.subscribers})"
                )
            )
            result["prepare_seconds"] = round(prepared["seconds"], 1)
            slug = prepared["slug"]

            floor_rounds, sv_rounds, ar_rounds = [], [], []
            for _round in range(options.rounds):
                floor_rounds.append(wrk(f"{server.url}/bench/floor", seconds=options.seconds))
                sv_rounds.append(wrk(f"{server.url}/sv/topics/{slug}/", seconds=options.seconds))
                ar_rounds.append(wrk(f"{server.url}/ar/topics/{slug}/", seconds=options.seconds))
            floor, sv_page, ar_page = (median_load(r) for r in (floor_rounds, sv_rounds, ar_rounds))
            result.update({"floor": floor, "topic_page_sv": sv_page, "topic_page_ar": ar_page})

            broadcast = json.loads(
                server.python("from bench.outreach_data import publish; publish()")
            )["broadcast"]
            started = time.monotonic()
            workers = [
                subprocess.Popen(  # noqa: S603
                    [
                        PYTHON,
                        "manage.py",
                        "db_worker",
                        "--no-startup-delay",
                        "--interval",
                        "0.2",
                        "--worker-id",
                        f"bench-{index}",
                        "--verbosity",
                        "0",
                    ],
                    cwd=ROOT,
                    env={**server.env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                )
                for index in range(options.workers)
            ]
            peaks = [0] * len(workers)
            state: dict[str, object] = {}
            try:
                while time.monotonic() - started < options.timeout:
                    time.sleep(5)
                    for index, worker in enumerate(workers):
                        peaks[index] = max(peaks[index], _peak_rss_kb(worker.pid))
                    state = json.loads(
                        server.python(
                            f"from bench.outreach_data import progress; progress({broadcast})"
                        )
                    )
                    handled = sum(state["by_status"].get(status, 0) for status in FINAL)  # type: ignore[union-attr]
                    print(
                        f"  {time.monotonic() - started:6.0f} s: {handled} handled, "
                        f"{len(provider.messages)} at the provider",
                        flush=True,
                    )
                    if state["status"] == "done" and handled >= int(state["recipients"]):  # type: ignore[call-overload]
                        break
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(timeout=30)
            elapsed = time.monotonic() - started
            by_status = state.get("by_status", {})
            sent = int(by_status.get("sent", 0)) + int(by_status.get("delivered", 0))  # type: ignore[union-attr]
            span = (
                float(state["last_sent"]) - float(state["first_sent"])  # type: ignore[arg-type]
                if state.get("first_sent") and state.get("last_sent")
                else 0.0
            )
            end_to_end = (
                float(state["last_sent"]) - float(state["published"])  # type: ignore[arg-type]
                if state.get("last_sent") and state.get("published")
                else 0.0
            )
            # Each subscriber gets exactly one text of this broadcast: any repeat is a duplicate.
            duplicates = len(provider.messages) - len({sms.to for sms in provider.messages})
            result.update(
                {
                    "broadcast": state,
                    "wall_seconds": round(elapsed, 1),
                    "sent": sent,
                    "at_provider": len(provider.messages),
                    "duplicates_at_provider": duplicates,
                    "delivery_span_seconds": round(span, 1),
                    "messages_per_second": round(sent / span, 1) if span else None,
                    "end_to_end_seconds": round(end_to_end, 1),
                    "worker_peak_rss_mb": [round(peak / 1024, 1) for peak in peaks],
                }
            )
    finally:
        provider.stop()
    path = save("outreach", result)
    floor = result["floor"]
    print(json.dumps(result, indent=2, default=lambda item: item.__dict__))
    for name in ("topic_page_sv", "topic_page_ar"):
        load = result[name]
        print(
            f"{name}: {load.requests_per_second:.0f} req/s, p99 {load.p99_ms:.1f} ms, "  # type: ignore[attr-defined]
            f"{load.requests_per_second / floor.requests_per_second:.2f} of the floor "  # type: ignore[attr-defined]
            f"({floor.requests_per_second:.0f} req/s)"
        )  # type: ignore[attr-defined]
    print(f"saved {path}")


if __name__ == "__main__":
    main()
