"""Worker memory after many distinct routine requests: the service against bare Flask.

A check, run with `make bench-rss` or `.venv/bin/python bench/rss.py` from the project folder.
On 127.0.0.1, random free ports, it starts, each under the production gunicorn config
(`gunicorn --config gunicorn.conf.py`, so the same workers, threads, preload and max_requests):
  service      the service
  bare Flask   bench/bare_app.py: POST /json-body parses the JSON body, answers constant bytes
then sends RSS_REQUESTS distinct POST bodies to each (the routine requests of make bench's
distinct row, bench/wrk_bench.py distinct_body: every field varies and no body recurs), from
RSS_THREADS client threads with http.client keep-alive connections, the reference first. Then
it reads each gunicorn worker's VmRSS from /proc/<pid>/status (the master's children) and
prints the service's, the reference's and their ratio: the goal is at most RSS_GOAL (2x), on
the largest worker of each.

Every connection is closed and reopened after RECONNECT_EVERY requests, as clients come and
go: a gthread worker may accept a whole burst of new connections and leave the other idle,
which would leave one worker's memory untested. How the work was shared is printed (each
worker's CPU seconds).

Bounded in time: the two load phases together stop after RSS_SECONDS (default 300), the
reference getting at most a third of it; a phase that could not send all its requests in time
is reported as incomplete. Loopback only; every process it starts is stopped by its PID, also
on error. Exit status 0 when the goal is met, 1 when it is missed or the load was incomplete,
2 when it could not measure.

Settings, from the environment:
  RSS_REQUESTS   requests to each server          (default 100000)
  RSS_THREADS    client threads, one connection each  (default 4)
  RSS_SECONDS    time limit of the load, both servers together (default 300)
  WEB_CONCURRENCY, THREADS, MAX_REQUESTS, ...: read by gunicorn.conf.py, for both servers
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from wrk_bench import (
    BOOTING,
    CLOCK_TICKS,
    DISTINCT_STRIDE,
    GUNICORN,
    JSON_PATH,
    BenchError,
    Server,
    cpu_model,
    distinct_body,
    expect,
    fetch,
    log,
    output,
    run_script,
    start_pair,
)

REQUESTS = int(os.environ.get("RSS_REQUESTS", "100000"))
THREADS = max(1, int(os.environ.get("RSS_THREADS", "4")))
SECONDS = float(os.environ.get("RSS_SECONDS", "300"))
RSS_GOAL = 2.0  # service worker VmRSS / bare Flask worker VmRSS, the largest worker of each
RECONNECT_EVERY = 2_000  # requests on one keep-alive connection before it is reopened
STATUS_FIELDS = ("VmRSS", "RssAnon", "RssFile", "RssShmem")
HEADERS = {"Content-Type": "application/json"}


# --- /proc -----------------------------------------------------------------------------------


def workers(server: Server) -> list[int]:
    """The pids of a gunicorn master's children: its workers."""
    master = server.proc.pid if server.proc is not None else -1
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == master:
            found.append(int(entry.name))
    return sorted(found)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and its parts, in kB, from /proc/<pid>/status."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in STATUS_FIELDS:
            figures[name] = int(value.split()[0])
    missing = [name for name in STATUS_FIELDS if name not in figures]
    if missing:
        raise BenchError(f"/proc/{pid}/status has no {', '.join(missing)}")
    return figures


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


@dataclass
class Snapshot:
    """Each worker of one gunicorn: pid, memory (kB) and CPU seconds; the master's VmRSS."""

    workers: dict[int, dict[str, int]]
    cpu: dict[int, float]
    master_kb: int

    @classmethod
    def take(cls, server: Server) -> Snapshot:
        pids = workers(server)
        if not pids:
            raise BenchError(f"{server.name}: no worker process found")
        master = server.proc.pid if server.proc is not None else -1
        return cls(
            {pid: memory_kb(pid) for pid in pids},
            {pid: cpu_seconds(pid) for pid in pids},
            memory_kb(master)["VmRSS"],
        )

    @property
    def largest_kb(self) -> int:
        return max(figures["VmRSS"] for figures in self.workers.values())

    @property
    def mean_kb(self) -> float:
        return sum(figures["VmRSS"] for figures in self.workers.values()) / len(self.workers)


# --- load ------------------------------------------------------------------------------------


@dataclass
class Load:
    """What one load phase sent and got back, and the largest worker's VmRSS on the way."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    growth: list[tuple[int, int]] = field(default_factory=list)  # (requests done, kB)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ok(self) -> int:
        return self.statuses[200]


# Its branches are one client thread's loop (connect, send, count, reconnect on close or
# error), which reads best whole, beside the threads that run it.
def load(server: Server, path: str, first: int, deadline: float) -> Load:  # noqa: C901
    """REQUESTS distinct bodies (distinct_body(first), first + 1, ...) from THREADS threads.

    Meanwhile the largest worker's VmRSS is read at each tenth of the requests: a plateau is a
    bounded cache, a steady climb a leak.
    """
    port = server.port
    numbers = itertools.count()  # next() on it is atomic under the GIL
    done = [0] * THREADS  # requests answered (or failed), by client thread
    result = Load()
    started = time.monotonic()

    def client(slot: int) -> None:
        conn: http.client.HTTPConnection | None = None
        on_conn = 0
        statuses: Counter[int] = Counter()
        errors: Counter[str] = Counter()
        try:
            while time.monotonic() < deadline:
                n = next(numbers)
                if n >= REQUESTS:
                    break
                if conn is None or on_conn >= RECONNECT_EVERY:
                    if conn is not None:
                        conn.close()
                    conn, on_conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
                try:
                    conn.request("POST", path, distinct_body(first + n), HEADERS)
                    response = conn.getresponse()
                    response.read()
                    statuses[response.status] += 1
                    on_conn += 1
                    done[slot] += 1
                    if response.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as error:
                    errors[type(error).__name__] += 1
                    done[slot] += 1
                    if conn is not None:
                        conn.close()
                    conn = None
        finally:
            if conn is not None:
                conn.close()
            with result.lock:
                result.statuses.update(statuses)
                result.errors.update(errors)
                result.sent += sum(statuses.values()) + sum(errors.values())

    threads = [
        threading.Thread(target=client, args=(k,), name=f"rss-client-{k}", daemon=True)
        for k in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    last, step = started, max(1, REQUESTS // 10)
    milestone = step
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.25)
        so_far = sum(done)
        if so_far >= milestone:
            with contextlib.suppress(OSError, BenchError):
                result.growth.append((so_far, Snapshot.take(server).largest_kb))
            milestone = (so_far // step + 1) * step
        if time.monotonic() - last >= 15:
            last = time.monotonic()
            log(f"  {so_far:,} requests answered so far")
    result.seconds = time.monotonic() - started
    return result


# --- the run ---------------------------------------------------------------------------------


def header() -> None:
    workers_n = os.environ.get("WEB_CONCURRENCY", "2")
    threads = os.environ.get("THREADS", "4")
    max_requests = os.environ.get("MAX_REQUESTS", "100000")
    jitter = os.environ.get("MAX_REQUESTS_JITTER", "10000")
    print("Worker memory after distinct routine requests: service against bare Flask (rss.py)")
    print(f"date      {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"machine   nproc {output(['nproc'])}, CPU {cpu_model()}")
    print(f"python    {platform.python_version()} ({sys.executable})")
    print(f"gunicorn  {output([str(GUNICORN), '--version'])}")
    print(
        f"servers   gunicorn.conf.py as in production: gthread, {workers_n} workers x {threads} "
        f"threads, preload, max_requests {max_requests} (+ up to {jitter})"
    )
    print(
        f"load      {REQUESTS:,} distinct POST bodies to each, {THREADS} client threads "
        f"(http.client keep-alive, a new connection every {RECONNECT_EVERY:,} requests), "
        f"at most {SECONDS:.0f}s in all"
    )
    print()


def phase(server: Server, path: str, first: int, deadline: float) -> tuple[Load, Snapshot]:
    left = deadline - time.monotonic()
    log(f"{server.name}: {REQUESTS:,} distinct POST {path}, {left:.0f}s at most")
    done = load(server, path, first, deadline)
    rate = done.sent / done.seconds if done.seconds else 0.0
    log(
        f"{server.name}: {done.sent:,} requests in {done.seconds:.0f}s ({rate:.0f}/s), "
        f"statuses {dict(done.statuses)}, errors {dict(done.errors)}"
    )
    time.sleep(0.5)  # let the workers finish logging the last requests
    return done, Snapshot.take(server)


def describe(name: str, before: Snapshot, after: Snapshot, done: Load, restarts: int) -> None:
    rate = done.sent / done.seconds if done.seconds else 0.0
    others = {status: n for status, n in done.statuses.items() if status != 200}
    print(
        f"{name}: {done.sent:,} requests in {done.seconds:.0f}s ({rate:.0f}/s); "
        f"200: {done.ok:,}; other statuses: {others or 'none'}; "
        f"transport errors: {dict(done.errors) or 'none'}; worker restarts: {restarts}"
    )
    if done.growth:
        print(
            "  largest worker's VmRSS along the load (requests: MiB): "
            + ", ".join(f"{n // 1000}k {kb / 1024:.1f}" for n, kb in done.growth)
        )
    print(f"  {'master':<19}VmRSS {after.master_kb / 1024:7.1f} MiB")
    for pid, figures in after.workers.items():
        start = before.workers.get(pid)
        grew = (
            f"(start-up {start['VmRSS'] / 1024:5.1f}, "
            f"{(figures['VmRSS'] - start['VmRSS']) / 1024:+5.1f})"
            if start is not None
            else "(a new worker: not there at start-up)"
        )
        cpu = after.cpu[pid] - before.cpu.get(pid, 0.0)
        print(
            f"  worker pid {pid:<7} VmRSS {figures['VmRSS'] / 1024:7.1f} MiB {grew}; RssAnon "
            f"{figures['RssAnon'] / 1024:.1f}, RssFile {figures['RssFile'] / 1024:.1f}, "
            f"RssShmem {figures['RssShmem'] / 1024:.1f} MiB; {cpu:.1f} CPU s in the load"
        )


def run(work: Path, servers: list[Server]) -> int:
    service, bare = start_pair(work, servers)
    # One request each first, outside the count: a 200 for the very bodies the load sends.
    probe = distinct_body(0)
    for server, path in ((service, "/routines"), (bare, JSON_PATH)):
        expect(fetch(server.port, "POST", path, HEADERS, probe), 200, f"{server.name} POST {path}")
    expected = int(os.environ.get("WEB_CONCURRENCY", "2"))  # as gunicorn.conf.py
    deadline = time.monotonic() + 15
    while any(len(workers(server)) < expected for server in (service, bare)):
        if time.monotonic() > deadline:
            raise BenchError(f"fewer than {expected} gunicorn workers running after 15s")
        time.sleep(0.2)
    time.sleep(1.0)  # every worker booted and settled
    before = {server.name: Snapshot.take(server) for server in (service, bare)}
    offsets = {server.name: server.log_size() for server in (service, bare)}

    started = time.monotonic()
    ref_done, ref_after = phase(bare, JSON_PATH, DISTINCT_STRIDE, started + SECONDS / 3)
    mine_done, mine_after = phase(service, "/routines", DISTINCT_STRIDE, started + SECONDS)
    restarts = {
        server.name: server.log_since(offsets[server.name]).count(BOOTING)
        for server in (service, bare)
    }

    describe("service   ", before[service.name], mine_after, mine_done, restarts[service.name])
    describe("bare Flask", before[bare.name], ref_after, ref_done, restarts[bare.name])
    print()
    ratio = mine_after.largest_kb / ref_after.largest_kb
    mean_ratio = mine_after.mean_kb / ref_after.mean_kb
    met = ratio <= RSS_GOAL
    print(
        f"worker VmRSS, largest worker: service {mine_after.largest_kb / 1024:.1f} MiB, "
        f"bare Flask {ref_after.largest_kb / 1024:.1f} MiB, ratio {ratio:.2f}x  "
        f"{'PASS' if met else 'FAIL'} (goal <= {RSS_GOAL}x)"
    )
    print(
        f"worker VmRSS, mean of the workers: service {mine_after.mean_kb / 1024:.1f} MiB, "
        f"bare Flask {ref_after.mean_kb / 1024:.1f} MiB, ratio {mean_ratio:.2f}x"
    )
    problems = []
    for name, done in (("service", mine_done), ("bare Flask", ref_done)):
        if done.sent < REQUESTS:
            problems.append(
                f"{name}: only {done.sent:,} of {REQUESTS:,} requests within the time limit"
            )
        if done.ok < done.sent:
            problems.append(f"{name}: {done.sent - done.ok:,} requests without a 200")
        if restarts[name]:
            problems.append(
                f"{name}: {restarts[name]} worker restarts (max_requests) during the load: a "
                "restarted worker's memory starts afresh"
            )
    for problem in problems:
        print(f"WARNING: {problem}")
    if problems:
        print("INCOMPLETE: the figures above do not cover the whole load.")
        return 1
    return 0 if met else 1


def main() -> int:
    if not GUNICORN.exists():
        raise BenchError(f"{GUNICORN} is missing: run `make run` once to create .venv")
    header()
    work = Path(tempfile.mkdtemp(prefix="metatarsalgia-rss."))
    servers: list[Server] = []
    try:
        return run(work, servers)
    finally:
        for server in reversed(servers):
            server.stop()
        log(f"stopped {len(servers)} servers")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run_script(main, failed=2)
