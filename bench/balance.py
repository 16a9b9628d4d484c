"""How wrk's keep-alive connections split across gunicorn's workers, with and without a bound:
`make bench-balance`.

A script, not a test: it prints figures. On 127.0.0.1, for each WORKER_CONNECTIONS setting (the
gthread default, 1000, and the service's, gunicorn.conf.py), it starts the service under the
production config and runs wrk -c32 BALANCE_RUNS times on one cached read, each run with new
connections, on two requests: one cached read, and distinct routine requests (POST
/routines, a new body every time, as bench/wrk_bench.py's distinct row), which cost a worker
real CPU. Half a second into each run it reads from /proc how many connections each worker
holds. It prints every run's split and req/s, the share of runs worse than 75/25, and the
median and range of req/s, so the cost of an uneven split shows beside its frequency.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrk_bench import (
    RPS,
    BenchError,
    connections_per_worker,
    distinct_lua,
    ensure_tools,
    gunicorn_server,
    log,
    run_script,
)

RUNS = int(os.environ.get("BALANCE_RUNS", "10"))
SECONDS = int(os.environ.get("BALANCE_SECONDS", "3"))
CONNECTIONS = 32
TARGETS = ("GET /exercises/heel-raises (cached)", "POST /routines (distinct bodies)")
SETTINGS = {"unbounded (gthread default 1000)": "1000", "bounded (gunicorn.conf.py)": ""}


def one_run(
    wrk: str, server_port: int, split_of: object, script: Path | None, first: int
) -> tuple[float, list[int]]:
    """req/s of one wrk run (with the distinct script when given, from body `first`), and the
    connections per worker half a second in."""
    found: list[list[int]] = []

    def sample() -> None:
        time.sleep(0.5)
        found.append(split_of())  # type: ignore[operator]

    sampler = threading.Thread(target=sample)
    sampler.start()
    argv = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s"]
    if script is None:
        argv.append(f"http://127.0.0.1:{server_port}/exercises/heel-raises")
    else:
        argv += ["-s", str(script), f"http://127.0.0.1:{server_port}/routines"]
        argv += ["--", str(first), "1"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=SECONDS + 30, check=False)
    sampler.join()
    rps = RPS.search(done.stdout)
    if rps is None:
        raise BenchError(f"wrk failed: {done.stdout}\n{done.stderr}")
    return float(rps[1]), found[0]


def uneven(split: list[int]) -> bool:
    """Worse than 75/25: the busiest worker holds more than three quarters of the connections."""
    return sum(split) > 0 and max(split) > 0.75 * sum(split)


def measure(
    wrk: str, work: Path, name: str, setting: str, script: Path | None
) -> list[tuple[float, list[int]]]:
    env = {"WORKER_CONNECTIONS": setting} if setting else {}
    server = gunicorn_server(name.split(" ")[0], work, None)
    server.env.update(env)
    server.start()
    try:
        server.wait_ready(also=lambda: len(server.workers()) >= 2)
        runs = []
        for number in range(RUNS):
            rps, split = one_run(
                wrk, server.port, lambda: connections_per_worker(server), script,
                (number + 1) * 10_000_000,
            )  # fmt: skip
            log(f"{name} run {number + 1}: {rps:.0f} req/s, split {'/'.join(map(str, split))}")
            runs.append((rps, split))
        return runs
    finally:
        server.stop()


def main() -> int:
    wrk, _ = ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="bench-balance-"))
    script = work / "distinct.lua"
    script.write_text(distinct_lua())
    results = {
        (target, name): measure(wrk, work, name, setting, script if "POST" in target else None)
        for target in TARGETS
        for name, setting in SETTINGS.items()
    }
    print(f"--- {CONNECTIONS} wrk connections, {RUNS} runs of {SECONDS} s each, 2 workers")
    for (target, name), runs in results.items():
        name = f"{target}, {name}"
        rates = [rps for rps, _ in runs]
        bad = [rps for rps, split in runs if uneven(split)]
        even = [rps for rps, split in runs if not uneven(split)]
        splits = " ".join("/".join(map(str, split)) for _, split in runs)
        print(f"{name}: splits {splits}")
        print(
            f"  worse than 75/25 in {len(bad)}/{len(runs)} runs; req/s median "
            f"{statistics.median(rates):.0f} (range {min(rates):.0f}-{max(rates):.0f}); "
            f"uneven runs median {statistics.median(bad) if bad else float('nan'):.0f}, "
            f"even runs median {statistics.median(even) if even else float('nan'):.0f}"
        )
    return 0


if __name__ == "__main__":
    run_script(main, failed=2)
