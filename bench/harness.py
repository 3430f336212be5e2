"""Shared machinery for benchmarks: serve the platform with its production server and
settings, load it with wrk from a second process, and compare with the floor.

Every benchmark measures, in the same run and the same way, ``/bench/floor``: the cheapest
response the same server and middleware can give. Figures are reported as medians of several
rounds and as ratios to that floor, because the machine is shared and noisy.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
POSTGRESQL_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRESQL_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


@contextlib.contextmanager
def _database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    if kind != "postgresql":
        raise ValueError(f"Unknown database {kind!r}")
    import psycopg

    name = f"megafonen_bench_{os.getpid()}"
    admin = psycopg.connect(
        POSTGRESQL_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRESQL_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Server:
    url: str
    env: dict[str, str]

    def manage(self, *args: str) -> None:
        _manage(*args, env=self.env)

    def python(self, code: str) -> str:
        """Run Django code against the served database (to prepare data) and return stdout."""
        result = subprocess.run(  # noqa: S603
            [PYTHON, "-c", f"import django; django.setup()\n{code}"],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout


@contextlib.contextmanager
def served(
    *, database: str = "sqlite", workers: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Migrate a fresh database and serve it with gunicorn, as in production (DEBUG off,
    hashed static files, the database task queue)."""
    workdir = Path(tempfile.mkdtemp(prefix="megafonen-bench-"))
    try:
        with _database(database, workdir) as database_url:
            env = {
                **os.environ,
                "DEBUG": "0",
                "SECRET_KEY": "bench-" + "x7Kp2Lq9Vm4Rt8Ws3Yz6Bn1Cf5Dg0Hj" * 2,
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": database_url,
                "STATIC_ROOT": str(workdir / "static"),
                "STATIC_MANIFEST": "1",
                "TASK_BACKEND": "database",
                "BENCHMARK_FLOOR": "1",
                "LOG_LEVEL": "WARNING",
                **(extra_env or {}),
            }
            _manage("migrate", "--no-input", "--verbosity", "0", env=env)
            _manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
            port = _free_port()
            process = subprocess.Popen(  # noqa: S603
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(f"{url}/healthz")
                yield Server(url=url, env=env)
            finally:
                process.terminate()
                process.wait(timeout=20)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (127.0.0.1 only)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server did not answer on {url}")


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip())
    if not match:
        raise ValueError(f"Cannot read a latency from {value!r}")
    return float(match[1]) * _UNITS[match[2]]


def wrk(
    url: str,
    *,
    connections: int = 32,
    seconds: int = 10,
    threads: int = 2,
    script: Path | None = None,
) -> Load:
    """Load ``url`` with wrk (a second process, in C) and read throughput and latency."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk")
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(  # noqa: S603
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)", output, flags=re.MULTILINE))
    total = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(part) for part in match.groups())
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),  # type: ignore[index]
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=total,
        errors=errors,
    )


# wrk runs one Lua state per thread: each thread takes every n-th line of a file, so no two
# requests share a line (a one-time key, a call to log). ``request()`` reads ``next_line()``.
_LINES_LUA = """
local lines = {{}}
local counter = 1
local threads = {{}}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local index = 0
  for line in io.lines("{lines}") do
    if index % {threads} == id then table.insert(lines, line) end
    index = index + 1
  end
end

function next_line()
  local line = lines[counter]
  counter = counter + 1
  return line
end
"""


def lines_script(path: Path, lines: list[str], request_lua: str, *, threads: int = 2) -> Path:
    """Write ``lines`` beside ``path`` and a wrk script that hands each request its own line;
    ``request_lua`` defines ``request()`` with ``next_line()`` (nil when they run out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines_file = path.with_suffix(".lines")
    lines_file.write_text("\n".join(lines) + "\n")
    path.write_text(_LINES_LUA.format(lines=lines_file, threads=threads) + request_lua)
    return path


def median_load(rounds: list[Load]) -> Load:
    return Load(
        requests_per_second=statistics.median(item.requests_per_second for item in rounds),
        p50_ms=statistics.median(item.p50_ms for item in rounds),
        p99_ms=statistics.median(item.p99_ms for item in rounds),
        requests=sum(item.requests for item in rounds),
        errors=sum(item.errors for item in rounds),
    )


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2, default=lambda item: asdict(item)))
    return path
