"""HTTP benchmark: the service under its production gunicorn config, against references.

A script, not a test: it prints figures and goals, and exits 0 even when a goal is missed
(non-zero only when it could not measure). Run with `make bench`, or
`.venv/bin/python bench/wrk_bench.py` from the project folder.

On 127.0.0.1, random free ports, it starts:
  service      the service, `gunicorn --config gunicorn.conf.py` (the production config)
  bare Flask   bench/bare_app.py under the same config: constant 1.9 KB JSON on every path
               (POST /json-body: the same bytes after parsing the JSON body)
  nginx static nginx serving GET /exercises/heel-raises's body as a static file
  nginx front  deploy/nginx.conf (proxy cache) in front of the service
then drives each with wrk and prints one table with the ratios to the references and the goals.

The table's rows repeat one request, which the service answers from stored bytes after the
first. The "distinct" row below it sends POST /routines with a different JSON body every time
(as real frontends do: every field varies and a counter is folded into `seed`, so no body
recurs, in a run or across runs), against bare Flask's POST /json-body, which parses the body
and answers constant bytes. It runs the two BENCH_DISTINCT_RUNS times each, alternating, and
prints the median req/s, the spread (min-max), p50/p99 and the ratio of the medians.

Settings, from the environment:
  BENCH_SECONDS      seconds of wrk load behind each figure      (default 10)
  BENCH_ROUNDS       runs those seconds are split into; a figure is the best of them, the
                     service and its reference taking turns                          (default 3)
  BENCH_WARMUP       seconds of the wrk run before the first of them   (default 1)
  BENCH_THREADS      wrk threads                        (default 1: see THREADS_NOTE)
  BENCH_CONNECTIONS  wrk connections                    (default 32)
  BENCH_DISTINCT_RUNS  runs of BENCH_SECONDS / BENCH_ROUNDS seconds each for the distinct row,
                     for the service and for its reference                         (default 5)
  BENCH_DISTINCT_BALANCED  1 (default): a distinct run in which, half a second in, one
                     gunicorn worker holds none of wrk's connections is stopped and run again
                     (at most DISTINCT_ATTEMPTS tries, the last one kept whatever its split),
                     so that the medians compare like with like; 0: every run kept as it was
  BENCH_ONLY         `distinct`: only the distinct row (no nginx, no other row), to re-run it
                     quickly; unset or empty: everything
  WEB_CONCURRENCY, THREADS, ...: read by gunicorn.conf.py, for both gunicorn servers
Installs Debian's wrk and nginx with apt-get when missing (needs root).
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: tests.local_server is found from the root
from tests.local_server import LocalServer, ServerError, free_port  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
GUNICORN = VENV_BIN / "gunicorn"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
RUN_SECONDS = max(1, SECONDS // ROUNDS)
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
WRK_THREADS = int(os.environ.get("BENCH_THREADS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DISTINCT_RUNS = max(1, int(os.environ.get("BENCH_DISTINCT_RUNS", "5")))
DISTINCT_BALANCED = os.environ.get("BENCH_DISTINCT_BALANCED", "1") != "0"
DISTINCT_ATTEMPTS = 6  # wrk runs at most for one distinct figure, when DISTINCT_BALANCED
SPLIT_CHECK = 0.5  # seconds into a run when a distinct run's connection split is checked
ONLY = os.environ.get("BENCH_ONLY", "").strip().lower()
ONLY_CHOICES = ("", "distinct")
THREADS_NOTE = (
    "wrk shares the cores with the server under test: with -t1 it takes one core at most "
    "(on 2 cores, -t2 gave the same gunicorn figures and lower nginx ones)"
)

HEEL_RAISES = "/exercises/heel-raises"
FILTERED = "/exercises?equipment=towel&position=seated"
ROUTINE_BODY = {"minutes": 20, "equipment": ["towel", "wall"], "focus": ["balance"]}
CATALOGUE_GOAL = 1.0  # service / bare Flask, catalogue reads (304 included)
ROUTINES_GOAL = 0.6  # service / bare Flask, POST /routines and GET /routines/{id}
DISTINCT_GOAL = 0.6  # median service / median bare Flask (JSON parsed), distinct POST /routines
JSON_PATH = "/json-body"  # bench/bare_app.py: parses the JSON body, then constant bytes
FRONT_GOAL = 0.5  # nginx front (cache hits) / nginx static

# A static nginx with the same process, connection and logging settings as deploy/nginx.conf.
STATIC_CONF = """\
worker_processes auto;
pid @RUNDIR@/nginx.pid;
lock_file @RUNDIR@/nginx.lock;
events {
    worker_connections 1024;
    accept_mutex off;
}
http {
    client_body_temp_path @RUNDIR@/tmp/client_body;
    proxy_temp_path @RUNDIR@/tmp/proxy;
    fastcgi_temp_path @RUNDIR@/tmp/fastcgi;
    uwsgi_temp_path @RUNDIR@/tmp/uwsgi;
    scgi_temp_path @RUNDIR@/tmp/scgi;
    access_log @RUNDIR@/logs/access.log combined buffer=64k flush=1s;
    sendfile on;
    tcp_nodelay on;
    server_tokens off;
    keepalive_timeout 5;
    server {
        listen 127.0.0.1:@PORT@ default_server;
        root @RUNDIR@/www;
        default_type application/json;
    }
}
"""


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BOOTING = "Booting worker with pid"  # gunicorn's log line for each worker it starts
NOISY = 0.05  # a run during which other processes took more of the CPU than this is flagged


class BenchError(Exception):
    """The benchmark could not measure: a server did not start or answered wrongly."""


def run_script(main: Callable[[], int], *, failed: int) -> None:
    """Run a benchmark's main as a script: SIGTERM stops it like Ctrl-C, so that its finally
    blocks stop every server; a BenchError exits with `failed`."""

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"FAILED: {error}")
        sys.exit(failed)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- tools -----------------------------------------------------------------------------------


def ensure_tools() -> tuple[str, str]:
    """wrk and nginx, installed from Debian's packages when missing."""
    missing = [name for name in ("wrk", "nginx") if find_tool(name) is None]
    if missing:
        if os.geteuid() != 0:
            raise BenchError(f"{', '.join(missing)} missing, and installing needs root")
        log(f"installing {' '.join(missing)} with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            check=True,
            timeout=600,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    wrk, nginx = find_tool("wrk"), find_tool("nginx")
    if wrk is None or nginx is None:
        raise BenchError("wrk or nginx still missing after apt-get install")
    return wrk, nginx


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found is None and os.access(f"/usr/sbin/{name}", os.X_OK):
        found = f"/usr/sbin/{name}"
    return found


def output(argv: list[str]) -> str:
    """stdout and stderr of a short command (some print their version on stderr)."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    return (done.stdout + done.stderr).strip()


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


# --- servers ---------------------------------------------------------------------------------


class Server(LocalServer):
    """A server of the benchmark, saying when it starts and when it is ready."""

    def start(self) -> None:
        log(f"starting {self.name} on 127.0.0.1:{self.port} (log {self.log_path})")
        super().start()

    def wait_ready(self, timeout: float = 30.0, also: Callable[[], bool] = lambda: True) -> None:
        try:
            super().wait_ready(timeout, also)
        except ServerError as error:
            raise BenchError(str(error)) from None
        log(f"{self.name} ready (pid {self.proc.pid if self.proc else '?'})")


def gunicorn_server(name: str, work: Path, app: str | None) -> Server:
    port = free_port()
    slug = name.replace(" ", "-")
    argv = [str(GUNICORN), "--config", "gunicorn.conf.py"]
    if app is not None:
        argv.append(app)  # overrides the config's wsgi_app
    return Server(
        name,
        argv,
        port,
        "/health/ready" if app is None else "/",
        work / f"{slug}.log",
        {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            # Each its own: gunicorn.conf.py empties this folder at start.
            "PROMETHEUS_MULTIPROC_DIR": str(work / f"{slug}-metrics"),
        },
        gunicorn=True,
    )


def connections_per_worker(server: Server) -> list[int]:
    """How many established connections each of a gunicorn's workers holds, most first.

    gthread workers keep a connection for its whole keep-alive life, and whichever worker
    accepts fastest can take all of a burst of new connections: one worker of two then serves
    every request, and req/s halves. Read from /proc: the sockets on the server's port, and
    which worker holds each.
    """
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == server.port:
                    established.add(f"socket:[{fields[9]}]")
    master = server.proc.pid if server.proc is not None else -1
    counts = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            ppid = int(Path(entry.path, "stat").read_text().rpartition(")")[2].split()[1])
            if ppid != master:
                continue
            held = 0
            for fd in os.scandir(Path(entry.path, "fd")):
                with contextlib.suppress(OSError):
                    held += os.readlink(fd.path) in established
            counts.append(held)
    return sorted(counts, reverse=True)


def nginx_server(name: str, nginx: str, rundir: Path, conf: str, ready_path: str) -> Server:
    port = free_port()
    for sub in ("logs", "tmp"):
        (rundir / sub).mkdir(parents=True, exist_ok=True)
    rundir.chmod(0o755)  # the workers run as nobody when the master is root
    text = conf.replace("@RUNDIR@", str(rundir)).replace("@PORT@", str(port))
    # The benchmark measures throughput, not the per-address write limit: raised out of reach.
    text = text.replace("@RATE@", "1000000").replace("@BURST@", "1000000")
    (rundir / "nginx.conf").write_text(text)
    directives = "daemon off;" + (" user nobody nogroup;" if os.geteuid() == 0 else "")
    argv = [nginx, "-p", str(rundir), "-c", str(rundir / "nginx.conf"), "-e", "stderr"]
    check = subprocess.run(
        [*argv, "-g", directives, "-t", "-q"], capture_output=True, text=True, timeout=30
    )
    if check.returncode != 0:
        raise BenchError(f"nginx rejects {rundir / 'nginx.conf'}:\n{check.stderr}")
    return Server(name, [*argv, "-g", directives], port, ready_path, rundir / "nginx.out")


# --- distinct routine requests --------------------------------------------------------------

# Every body a different, valid routine request, as real frontends send: each field drawn from
# its table below by a small hash of the request's number i (h -> h * h + MIX_C mod MIX_P,
# exact in LuaJIT's doubles since MIX_P < 2**26), and "seed": i. The wrk script (distinct_lua)
# and distinct_body (bench/rss.py) build the same body for the same i. Every (equipment,
# position) pair allows a warm-up stretch, and pain stays below 7, so every answer is a 200 and
# a full routine. Fields: those of the README's routine table.
DISTINCT_FIELDS: tuple[tuple[str, ...], ...] = (
    tuple(f'"minutes":{minutes}' for minutes in range(10, 61)),
    tuple(
        f'"equipment":{kit},"position":"{position}"'
        for kit, positions in (
            ('["wall"]', ("any", "standing")),
            ('["towel","wall"]', ("any", "seated", "standing")),
            ('["cloth","foam-roller","wall"]', ("any", "seated", "standing")),
            ('["container","marbles","towel","wall"]', ("any", "seated", "standing")),
            ('["towel"]', ("any", "seated")),
            ('["cloth","container","marbles"]', ("any", "seated")),
        )
        for position in positions
    ),
    tuple(f'"pain":{pain}' for pain in range(7)),
    ('"level":"beginner"', '"level":"intermediate"'),
    tuple(
        f'"focus":{focus}'
        for focus in (
            "[]",
            '["strength"]',
            '["balance"]',
            '["flexibility"]',
            '["massage"]',
            '["strength","balance"]',
            '["balance","flexibility","strength"]',
        )
    ),
    tuple(
        f'"exclude":{ids}'
        for ids in ("[]", "[]", '["heel-raises"]', '["single-leg-balance","heel-walks"]')
    ),
    tuple(f'"week":{week}' for week in range(1, 13)),
    tuple(f'"days_per_week":{days}' for days in range(2, 6)),
)
MIX_P, MIX_C, MIX_ROUNDS = 2**26 - 5, 1_000_003, 2  # a prime; rounds before the first field
SEED_LIMIT = 2**31  # the service's seed: 0 to 2**31 - 1
DISTINCT_STRIDE = 10_000_000  # numbers reserved for one wrk run (or one rss.py target)


def distinct_body(i: int) -> bytes:
    """The routine request number i: the same bytes as the wrk script sends for i."""
    h = i % MIX_P
    for _ in range(MIX_ROUNDS):
        h = (h * h + MIX_C) % MIX_P
    parts = []
    for choices in DISTINCT_FIELDS:
        h = (h * h + MIX_C) % MIX_P
        parts.append(choices[h * len(choices) // MIX_P])
    parts.append(f'"seed":{i % SEED_LIMIT}')
    return ("{" + ",".join(parts) + "}").encode()


def distinct_lua() -> str:
    """A wrk script POSTing distinct_body(i) for i = first, first + 1, ... (`-- first threads`).

    Each wrk thread takes every threads-th number from first + its index, so no two requests
    of a run share a body; each run gets its own first (Bench.run), so no two runs do either.
    """

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    tables = ",\n".join(
        "  {" + ", ".join(quoted(choice) for choice in choices) + "}" for choices in DISTINCT_FIELDS
    )
    return f"""\
-- POST /routines, a different body every time: bench/wrk_bench.py, distinct_lua
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local fields = {{
{tables}
}}
local P, C = {MIX_P}, {MIX_C}
local started = 0
function setup(thread)
  thread:set("thread_index", started)
  started = started + 1
end
local i, step = 0, 1
function init(args)
  i = (tonumber(args[1]) or 0) + (thread_index or 0)
  step = tonumber(args[2]) or 1
end
function request()
  local h = i % P
  for _ = 1, {MIX_ROUNDS} do
    h = (h * h + C) % P
  end
  local parts = {{}}
  for k = 1, #fields do
    h = (h * h + C) % P
    local choices = fields[k]
    parts[k] = choices[math.floor(h * #choices / P) + 1]
  end
  parts[#fields + 1] = string.format('"seed":%d', i % {SEED_LIMIT})
  i = i + step
  return wrk.format(nil, nil, nil, "{{" .. table.concat(parts, ",") .. "}}")
end
"""


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> Reply:
    # Imported here, once sys.path no longer starts with bench/ (see the end of this file).
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        conn.close()


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise BenchError(f"{what}: expected {status}, got {reply.status}: {reply.body[:300]!r}")
    return reply


# --- wrk -------------------------------------------------------------------------------------


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str  # empty when every response was 2xx/3xx and no socket error
    foreign: float = 0.0  # share of the machine's CPU that other processes took meanwhile
    steal: float = 0.0  # share stolen by the hypervisor meanwhile
    restarts: int = 0  # gunicorn workers booted during the run (max_requests)
    split: str = ""  # wrk's connections on each gunicorn worker mid-run, most first: "20/12"
    discarded: bool = False  # stopped early: one worker held none of wrk's connections

    @property
    def idle_worker(self) -> bool:
        return self.split.endswith("/0")

    def summary(self) -> str:
        if self.discarded:
            return f"stopped after {SPLIT_CHECK}s, one worker holding none of wrk's connections"
        return f"{self.rps:.0f} req/s, p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms"

    def cells(self) -> str:
        return f"{self.rps:9.0f} {self.p50_ms:7.2f} {self.p99_ms:7.2f}"


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
TOTAL = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
SOCKET_ERRORS = re.compile(r"^\s*Socket errors: (.*)$", re.MULTILINE)
NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses: (\d+)", re.MULTILINE)


@dataclass(frozen=True)
class CpuSample:
    busy: int  # clock ticks of every CPU spent neither idle, waiting for I/O nor stolen
    steal: int
    total: int
    ours: int  # ticks of our servers' process trees, this script and its reaped children (wrk)


@dataclass
class CpuMeter:
    """How much CPU other processes (another job on a shared machine) took during a run."""

    servers: list[Server]

    def sample(self) -> CpuSample:
        user, nice, system, idle, iowait, irq, softirq, steal = (
            int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
        )
        # Each server runs in a session of its own: its workers, even restarted ones, share
        # its session id, and the time of the workers it reaped is in its cutime and cstime.
        sessions = {s.proc.pid for s in self.servers if s.proc is not None}
        ours = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[3]) in sessions:  # field 6, session id
                ours += sum(int(value) for value in stat[11:15])  # utime stime cutime cstime
        mine = os.times()
        ours += round(sum(mine[:4]) * CLOCK_TICKS)
        busy = user + nice + system + irq + softirq
        return CpuSample(busy, steal, busy + idle + iowait + steal, ours)

    @staticmethod
    def shares(before: CpuSample, after: CpuSample) -> tuple[float, float]:
        total = max(after.total - before.total, 1)
        foreign = (after.busy - before.busy) - (after.ours - before.ours)
        return max(foreign, 0) / total, (after.steal - before.steal) / total


@dataclass
class Bench:
    wrk: str
    work: Path
    meter: CpuMeter
    scripts: dict[str, Path] = field(default_factory=dict)
    history: list[Result] = field(default_factory=list)  # every measured run, best or not
    # The distinct_lua runs' first numbers, DISTINCT_STRIDE apart: no two runs share a body.
    firsts: Iterator[int] = field(
        default_factory=lambda: itertools.count(DISTINCT_STRIDE, DISTINCT_STRIDE)
    )

    def lua(self, name: str, text: str) -> Path:
        path = self.work / f"{name}.lua"
        path.write_text(text)
        self.scripts[name] = path
        return path

    def run(
        self,
        url: str,
        *,
        headers: tuple[str, ...] = (),
        script: Path | None = None,
        distinct: bool = False,
        seconds: int = RUN_SECONDS,
        server: Server | None = None,
        stop_if_idle: bool = False,
    ) -> Result:
        """One wrk run; with stop_if_idle, stopped and marked discarded when, SPLIT_CHECK
        seconds in, one gunicorn worker holds none of its connections."""
        argv = [self.wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
        for header in headers:
            argv += ["-H", header]
        if script is not None:
            argv += ["-s", str(script)]
        argv.append(url)
        if distinct:  # a distinct_lua script: its first number, and how many threads share it
            argv += ["--", str(next(self.firsts)), str(WRK_THREADS)]
        with subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as wrk:
            split = ""
            if server is not None and server.gunicorn:
                if stop_if_idle:
                    # wrk opens its connections at once, and they stay where they landed.
                    time.sleep(SPLIT_CHECK)
                    split = "/".join(str(n) for n in connections_per_worker(server))
                    if split.endswith("/0"):
                        wrk.kill()
                        wrk.communicate(timeout=30)
                        return Result(0.0, 0.0, 0.0, 0, "", split=split, discarded=True)
                time.sleep(max(0.0, seconds / 2 - (SPLIT_CHECK if stop_if_idle else 0.0)))
                split = "/".join(str(n) for n in connections_per_worker(server))
            try:
                text, stderr = wrk.communicate(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                wrk.kill()
                raise BenchError(f"wrk did not finish within {seconds + 30}s on {url}") from None
        if wrk.returncode != 0:
            raise BenchError(f"wrk failed on {url}:\n{text}\n{stderr}")
        return parse_wrk(text, stderr, url, split)

    def measure(
        self, label: str, server: Server, path: str, *, warm: bool = False, **options: Any
    ) -> Result:
        url = server.url + path
        try:
            if WARMUP > 0 and not warm:
                self.run(url, seconds=WARMUP, **options)
            before, offset = self.meter.sample(), server.log_size()
            result = self.run(url, server=server, **options)
        except BenchError as error:
            if server.proc is not None and server.proc.poll() is not None:
                raise BenchError(
                    f"{server.name} (pid {server.proc.pid}) exited with status "
                    f"{server.proc.returncode} during the run (a negative status is the signal "
                    f"that stopped it: killed from outside?); its log:\n{server.tail()}\n{error}"
                ) from None
            raise
        result.foreign, result.steal = CpuMeter.shares(before, self.meter.sample())
        result.restarts = server.log_since(offset).count(BOOTING)
        note = f"  [{result.errors}]" if result.errors else ""
        if result.discarded:
            log(f"{label}: {result.summary()} ({result.split}): discarded, run again")
            self.history.append(result)
            return result
        noise = f"other processes {result.foreign:.0%} of the CPU, steal {result.steal:.0%}"
        if result.restarts:
            noise += f", {result.restarts} gunicorn worker restarts"
        if result.split:
            noise += f"; wrk's connections per worker {result.split}"
        log(f"{label}: {result.summary()}; {noise}{note}")
        self.history.append(result)
        return result

    def compare(self, targets: list[tuple[str, Server]], path: str, **options: Any) -> list[Result]:
        """The best of ROUNDS runs for each target, the targets taking turns.

        A run can only be slowed by what it does not measure (another process, gunicorn
        restarting a worker under it), never sped up, so the best run is the least disturbed.
        """
        runs = self.interleave(
            [(label, server, path) for label, server in targets], ROUNDS, **options
        )
        return [max(results, key=lambda result: result.rps) for results in runs]

    def interleave(
        self, targets: list[tuple[str, Server, str]], rounds: int, **options: Any
    ) -> list[list[Result]]:
        """Every run of each (label, server, path), `rounds` each, the targets taking turns."""
        runs: list[list[Result]] = [[] for _ in targets]
        for round_ in range(rounds):
            for (label, server, path), results in zip(targets, runs, strict=True):
                tag = f" (run {round_ + 1}/{rounds})" if rounds > 1 else ""
                results.append(self.measure(label + tag, server, path, warm=round_ > 0, **options))
        return runs


# --- the run ---------------------------------------------------------------------------------


def parse_wrk(text: str, stderr: str, url: str, split: str) -> Result:
    """The figures of a wrk run from its output; BenchError when they are not all there."""
    rps, total = RPS.search(text), TOTAL.search(text)
    latencies = {m[1]: float(m[2]) * UNITS_MS[m[3]] for m in LATENCY.finditer(text)}
    if rps is None or total is None or len(latencies) != 2:
        raise BenchError(f"wrk failed on {url}:\n{text}\n{stderr}")
    errors = []
    if (found := SOCKET_ERRORS.search(text)) is not None:
        errors.append(f"socket errors: {found[1]}")
    if (found := NON_2XX.search(text)) is not None:
        errors.append(f"{found[1]} non-2xx/3xx")
    p50, p99 = latencies["50"], latencies["99"]
    return Result(float(rps[1]), p50, p99, int(total[1]), "; ".join(errors), split=split)


@dataclass
class Case:
    label: str
    path: str
    goal: float
    headers: tuple[str, ...] = ()
    script: Path | None = None
    reference_path: str | None = None  # bare Flask's, when not `path`
    ratios: list[float] = field(default_factory=list)  # service / bare Flask, run by run


def header(wrk: str, nginx: str) -> None:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    threads = os.environ.get("THREADS", "4")
    max_requests = os.environ.get("MAX_REQUESTS", "100000")  # as gunicorn.conf.py
    jitter = os.environ.get("MAX_REQUESTS_JITTER", "10000")
    print("HTTP benchmark: the service against bare Flask and nginx (bench/wrk_bench.py)")
    print(f"date      {now}")
    print(f"machine   nproc {output(['nproc'])}, CPU {cpu_model()}")
    print(f"python    {platform.python_version()} ({sys.executable})")
    print(f"gunicorn  {output([str(GUNICORN), '--version'])}")
    print(f"nginx     {output([nginx, '-v']).removeprefix('nginx version: ')}")
    print(f"wrk       {output([wrk, '-v']).splitlines()[0].split(' Copyright')[0]}")
    print(
        f"servers   gunicorn.conf.py as in production: gthread, {workers} workers x {threads} "
        f"threads, preload, max_requests {max_requests} (+ up to {jitter}), JSON access log "
        "(to a file here)"
    )
    if ONLY != "distinct":
        print(
            f"load      wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{RUN_SECONDS}s --latency; each "
            f"figure in the table is the best of {ROUNDS} such runs, the service and its "
            f"reference taking turns, after a {WARMUP}s warm-up run"
        )
    else:
        print("only      BENCH_ONLY=distinct: the distinct row alone, no nginx, no other row")
        print(f"load      wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{RUN_SECONDS}s --latency")
    print(
        f"distinct  {DISTINCT_RUNS} such runs each for the service and its reference, "
        f"alternating, after a {WARMUP}s warm-up run each; a new body every request"
        + (
            "; a run in which one worker holds none of wrk's connections is run again"
            if DISTINCT_BALANCED
            else ""
        )
    )
    print(f"          {THREADS_NOTE}")
    print("          no Accept-Encoding: every body is sent uncompressed")
    print()


def verdict(ratio: float, goal: float) -> str:
    return f"{'PASS' if ratio >= goal else 'FAIL'} (goal >= {goal}x)"


def main() -> int:
    if ONLY not in ONLY_CHOICES:
        raise BenchError(f"BENCH_ONLY={ONLY!r}: expected `distinct`, or nothing for every row")
    wrk, nginx = ensure_tools()
    if not GUNICORN.exists():
        raise BenchError(f"{GUNICORN} is missing: run `make run` once to create .venv")
    header(wrk, nginx)
    work = Path(tempfile.mkdtemp(prefix="metatarsalgia-bench."))
    work.chmod(0o755)
    servers: list[Server] = []
    try:
        return run(work, wrk, nginx, servers)
    finally:
        for server in reversed(servers):
            server.stop()
        log(f"stopped {len(servers)} servers")
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Spread:
    """Every run of one target in the distinct row: medians and spread, not the best run."""

    label: str
    runs: list[Result] = field(default_factory=list)
    dropped: list[Result] = field(default_factory=list)  # stopped early: a worker held none

    @property
    def median(self) -> float:
        return statistics.median(r.rps for r in self.runs)

    @property
    def balanced(self) -> list[Result]:
        """The runs during which every worker held some of wrk's connections."""
        return [r for r in self.runs if r.split and not r.idle_worker]

    def cells(self) -> str:
        rps = [r.rps for r in self.runs]
        p50 = statistics.median(r.p50_ms for r in self.runs)
        p99 = statistics.median(r.p99_ms for r in self.runs)
        spread = f"{min(rps):.0f}-{max(rps):.0f}"
        splits = " ".join(r.split or "?" for r in self.runs)
        return f"{self.median:8.0f} {spread:>11} {p50:8.2f} {p99:8.2f}   {splits}"


@dataclass
class Distinct:
    """The distinct row: the service's and the reference's runs, and what was checked first."""

    service: Spread
    reference: Spread
    checked: str  # what the check of sample bodies found, for the report


DISTINCT_CHECKED = 200  # sample bodies sent to the service once before the runs


def check_distinct(service: Server, bare: Server) -> str:
    """Sample distinct bodies: each a 200 with a routine from the service, a 200 from bare Flask.

    They use numbers below DISTINCT_STRIDE, which no wrk run sends.
    """
    import http.client

    statuses: Counter[str] = Counter()
    sizes = []
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    try:
        for i in range(DISTINCT_CHECKED):
            body = distinct_body(i)
            conn.request("POST", "/routines", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                raise BenchError(
                    f"service POST /routines {body.decode()}: expected 200, got "
                    f"{response.status}: {data[:300]!r}"
                )
            statuses[str(json.loads(data).get("status"))] += 1
            sizes.append(len(data))
    finally:
        conn.close()
    reference = fetch(
        bare.port, "POST", JSON_PATH, {"Content-Type": "application/json"}, distinct_body(0)
    )
    expect(reference, 200, f"bare Flask POST {JSON_PATH}")
    expect(
        fetch(bare.port, "POST", JSON_PATH, {"Content-Type": "application/json"}, b"{"),
        400,
        f"bare Flask POST {JSON_PATH} with a broken body (it must parse the body)",
    )
    shares = ", ".join(f"{status} {count}" for status, count in statuses.most_common())
    return (
        f"{DISTINCT_CHECKED} sample bodies checked first: every one a 200 from the service "
        f"({shares}; {min(sizes)}-{max(sizes)} B, median {statistics.median(sizes):.0f} B), "
        f"bare Flask {len(reference.body)} B"
    )


def measure_distinct(bench: Bench, service: Server, bare: Server, checked: str) -> Distinct:
    """DISTINCT_RUNS runs each, the service and its reference taking turns.

    A gthread worker can accept the whole burst of wrk's new connections, leaving the other
    worker idle for the run and halving req/s; with five runs each, one target can draw more
    such runs than the other and the ratio of medians swings from about 0.35 to 0.85 (seen
    here). So, with DISTINCT_BALANCED, a run in which one worker holds none of the connections
    half a second in is stopped and run again, before its throughput is known: the choice
    depends on the split only, never on the figure.
    """
    script = bench.lua("post-routine-distinct", distinct_lua())
    mine = Spread("service    POST /routines")
    ref = Spread(f"bare Flask POST {JSON_PATH} (get_json)")
    targets = [
        ("service    POST /routines, distinct bodies", service, "/routines", mine),
        (f"bare Flask POST {JSON_PATH}, distinct bodies", bare, JSON_PATH, ref),
    ]
    for round_ in range(DISTINCT_RUNS):
        for label, server, path, spread in targets:
            for attempt in range(1, DISTINCT_ATTEMPTS + 1):
                again = f", attempt {attempt}" if attempt > 1 else ""
                result = bench.measure(
                    f"{label} (run {round_ + 1}/{DISTINCT_RUNS}{again})",
                    server,
                    path,
                    warm=round_ > 0 or attempt > 1,
                    script=script,
                    distinct=True,
                    stop_if_idle=DISTINCT_BALANCED and attempt < DISTINCT_ATTEMPTS,
                )
                if not result.discarded:
                    spread.runs.append(result)
                    break
                spread.dropped.append(result)
                time.sleep(0.25)  # the stopped run's connections closed before the next burst
    return Distinct(mine, ref, checked)


def start_pair(work: Path, servers: list[Server]) -> tuple[Server, Server]:
    """The service and the bare Flask reference under the same gunicorn config, both ready;
    each is in `servers` from its start, so the caller's finally stops it."""
    service = gunicorn_server("service", work, None)
    bare = gunicorn_server("bare Flask", work, "bench.bare_app:app")
    for server in (service, bare):
        servers.append(server)
        server.start()
    for server in (service, bare):
        server.wait_ready()
    return service, bare


def run(work: Path, wrk: str, nginx: str, servers: list[Server]) -> int:
    service, bare = start_pair(work, servers)
    bench = Bench(wrk, work, CpuMeter(servers))
    checked = check_distinct(service, bare)
    if ONLY == "distinct":
        print(f"distinct  {checked}")
        print()
        started = time.monotonic()
        distinct = measure_distinct(bench, service, bare, checked)
        log(f"measured in {time.monotonic() - started:.0f}s")
        report([], None, [], Counter(), distinct, [service, bare], bench.history)
        return 0

    # What the runs send, checked once by hand first.
    item = expect(fetch(service.port, "GET", HEEL_RAISES), 200, f"service GET {HEEL_RAISES}")
    etag = item.headers["etag"]
    expect(fetch(service.port, "GET", HEEL_RAISES, {"If-None-Match": etag}), 304, "service 304")
    page = expect(fetch(service.port, "GET", FILTERED), 200, f"service GET {FILTERED}")
    routine_json = json.dumps(ROUTINE_BODY).encode()
    created = expect(
        fetch(
            service.port, "POST", "/routines", {"Content-Type": "application/json"}, routine_json
        ),
        200,
        "service POST /routines",
    )
    routine_path = f"/routines/{json.loads(created.body)['id']}"
    latest = json.loads(
        expect(fetch(service.port, "GET", "/content/releases"), 200, "releases").body
    )
    bundle_path = f"/content/releases/{latest[0]['version']}/bundle"
    bundle = expect(
        fetch(service.port, "GET", bundle_path, {"Accept-Encoding": "gzip"}), 200, "bundle"
    )
    raw_bundle = expect(fetch(service.port, "GET", bundle_path), 200, "bundle")
    expect(fetch(service.port, "GET", routine_path), 200, f"service GET {routine_path}")
    for method in ("GET", "POST"):
        expect(fetch(bare.port, method, routine_path), 200, f"bare Flask {method}")
    print(
        f"bodies    {HEEL_RAISES} {len(item.body)} B, {FILTERED} {len(page.body)} B, "
        f"routine {len(created.body)} B; bare Flask {len(fetch(bare.port, 'GET', '/').body)} B "
        "on every path (the service's larger list and routine bodies weigh a little against it)"
    )
    print(
        f"bundle    {bundle_path}: {len(raw_bundle.body)} B raw, {len(bundle.body)} B gzip "
        f"(as sent with Accept-Encoding: gzip; bare Flask answers {len(bundle.body)} constant "
        "bytes on /bytes/<n> as its reference)"
    )
    print(f"distinct  {checked}")
    print()

    # nginx serving the same bytes as a static file, and deploy/nginx.conf in front.
    static_dir = work / "nginx-static"
    target = static_dir / "www" / HEEL_RAISES.lstrip("/")
    target.parent.mkdir(parents=True)
    target.write_bytes(item.body)
    for folder in (static_dir / "www", target.parent):
        folder.chmod(0o755)
    target.chmod(0o644)
    static = nginx_server("nginx static", nginx, static_dir, STATIC_CONF, HEEL_RAISES)
    front_conf = NGINX_TEMPLATE.read_text().replace("@UPSTREAM@", f"127.0.0.1:{service.port}")
    front = nginx_server("nginx front", nginx, work / "nginx-front", front_conf, "/health/ready")
    for server in (static, front):
        servers.append(server)
        server.start()
    for server in (static, front):
        server.wait_ready()
    served = expect(fetch(static.port, "GET", HEEL_RAISES), 200, "nginx static")
    if served.body != item.body:
        raise BenchError("nginx static does not serve the service's bytes")
    for path, body in ((HEEL_RAISES, item.body), (FILTERED, page.body)):
        fetch(front.port, "GET", path)
        again = expect(fetch(front.port, "GET", path), 200, f"nginx front {path}")
        if again.headers.get("x-cache-status") != "HIT" or again.body != body:
            raise BenchError(f"nginx front: {path} not a cache hit of the service's bytes")

    post = bench.lua(
        "post-routine",
        'wrk.method = "POST"\n'
        f"wrk.body = [[{routine_json.decode()}]]\n"
        'wrk.headers["Content-Type"] = "application/json"\n',
    )
    cases = [
        Case(f"GET {HEEL_RAISES}", HEEL_RAISES, CATALOGUE_GOAL),
        Case(f"GET {FILTERED}", FILTERED, CATALOGUE_GOAL),
        Case(
            f"GET {HEEL_RAISES} If-None-Match (304)",
            HEEL_RAISES,
            CATALOGUE_GOAL,
            headers=(f"If-None-Match: {etag}",),
        ),
        Case("POST /routines", "/routines", ROUTINES_GOAL, script=post),
        Case("GET /routines/{id}", routine_path, ROUTINES_GOAL),
        Case(
            "GET bundle (gzip)",
            bundle_path,
            CATALOGUE_GOAL,
            headers=("Accept-Encoding: gzip",),
            reference_path=f"/bytes/{len(bundle.body)}",
        ),
    ]
    started = time.monotonic()
    pairs = []
    for case in cases:
        options = {"headers": case.headers, "script": case.script}
        runs = bench.interleave(
            [
                (f"service    {case.label}", service, case.path),
                (f"bare Flask {case.label}", bare, case.reference_path or case.path),
            ],
            ROUNDS,
            **options,
        )
        mine, ref = (max(results, key=lambda result: result.rps) for results in runs)
        case.ratios = [a.rps / b.rps for a, b in zip(*runs, strict=True)]  # round by round
        pairs.append((case, mine, ref))
    distinct = measure_distinct(bench, service, bare, checked)
    (static_result,) = bench.compare([(f"nginx static GET {HEEL_RAISES}", static)], HEEL_RAISES)
    fronted = [
        (path, bench.compare([(f"nginx front GET {path}", front)], path)[0])
        for path in (HEEL_RAISES, FILTERED)
    ]
    log(f"measured in {time.monotonic() - started:.0f}s")

    time.sleep(1.5)  # nginx flushes its buffered access log every second
    cache_statuses = Counter(
        re.findall(r" cache=(\S*) ", (front.log_path.parent / "logs" / "access.log").read_text())
    )
    report(pairs, static_result, fronted, cache_statuses, distinct, [service, bare], bench.history)
    return 0


def report_distinct(distinct: Distinct, missed: list[str]) -> None:
    mine, ref = distinct.service, distinct.reference
    ratio = mine.median / ref.median
    if ratio < DISTINCT_GOAL:
        missed.append(f"distinct POST /routines: {ratio:.2f}x < {DISTINCT_GOAL}x")
    runs = len(mine.runs)
    print(
        f"distinct  POST /routines, a different JSON body every request ({runs} runs each of "
        f"{RUN_SECONDS}s, alternating), against bare Flask parsing the body (request.get_json()) "
        "and answering constant bytes; p50/p99: the median of the runs' figures"
    )
    width = max(len(mine.label), len(ref.label))
    print(
        f"{'':<{width}} | {'median':>8} {'min-max':>11} {'p50':>8} {'p99':>8}   "
        "wrk's connections per worker, each run"
    )
    print(f"{'':<{width}} | {'req/s':>8} {'req/s':>11} {'ms':>8} {'ms':>8}")
    print("-" * (width + 78))
    for spread in (mine, ref):
        print(f"{spread.label:<{width}} | {spread.cells()}")
    print(f"{'ratio of medians':<{width}} | {ratio:8.2f}  {verdict(ratio, DISTINCT_GOAL)}")
    if mine.dropped or ref.dropped:
        print(
            f"          runs stopped {SPLIT_CHECK}s in and run again because one worker held none "
            f"of wrk's connections (req/s about halves in such runs): {len(mine.dropped)} for "
            f"the service, {len(ref.dropped)} for the reference (BENCH_DISTINCT_BALANCED=0 "
            "keeps them)"
        )
    idle = [sum(r.idle_worker for r in s.runs) for s in (mine, ref)]
    if any(idle):
        mine_ok, ref_ok = mine.balanced, ref.balanced
        line = (
            f"          one worker held none of wrk's connections in {idle[0]} of {runs} service "
            f"runs and {idle[1]} of {runs} reference runs (req/s about halves in those)"
        )
        if mine_ok and ref_ok:
            balanced = statistics.median(r.rps for r in mine_ok) / statistics.median(
                r.rps for r in ref_ok
            )
            line += (
                f"; the medians of the balanced runs only ({len(mine_ok)} / {len(ref_ok)}) give "
                f"{balanced:.2f}x"
            )
        print(line)
    if any(r.foreign > NOISY for s in (mine, ref) for r in s.runs):
        shares = [" ".join(f"{r.foreign:.0%}" for r in s.runs) for s in (mine, ref)]
        print(
            f"          CPU taken by other processes, each run: service {shares[0]}; "
            f"reference {shares[1]} (over {NOISY:.0%}: that run's figures are low)"
        )
    restarts = [sum(r.restarts for r in s.runs) for s in (mine, ref)]
    if any(restarts):
        print(f"          gunicorn worker restarts during the runs: {restarts[0]} / {restarts[1]}")
    print(f"          {distinct.checked}")
    print()


def report(
    pairs: list[tuple[Case, Result, Result]],
    static_result: Result | None,
    fronted: list[tuple[str, Result]],
    cache_statuses: Counter[str],
    distinct: Distinct | None,
    gunicorns: list[Server],
    history: list[Result],
) -> None:
    missed: list[str] = []
    if pairs:
        report_table(pairs, missed)
    if distinct is not None:
        report_distinct(distinct, missed)
    if static_result is not None:
        report_nginx(static_result, fronted, cache_statuses, missed)

    runs = labelled_runs(pairs, static_result, fronted, distinct)
    problems = [f"{label}: {result.errors}" for label, result in runs if result.errors]
    problems += log_errors(gunicorns)
    if problems:
        print("ERRORS during the runs (the figures above include them):")
        for problem in problems:
            print(f"  {problem}")
    else:
        print("No errors: every response 2xx/3xx, no socket errors, no ERROR log line.")
    every = [result for _, result in runs]
    noisiest = max(runs, key=lambda run: run[1].foreign)
    print(
        f"Machine: other processes took {sum(r.foreign for r in every) / len(every):.1%} of the "
        f"CPU on average during the runs, at most {noisiest[1].foreign:.1%} ({noisiest[0]}); "
        f"steal at most {max(r.steal for r in every):.1%}."
    )
    if noisiest[1].foreign > NOISY:
        print(
            f"WARNING: the machine was not idle (over {NOISY:.0%} of its CPU went to other "
            "processes during a run): those figures are low; run again on an idle machine."
        )
    split = [r for r in history if r.split]
    idle = sum(r.idle_worker for r in split)
    restarts = sum(r.restarts for r in history)
    stopped = sum(r.discarded for r in split)
    print(
        f"gunicorn: in {idle} of {len(split)} runs ({stopped} distinct runs stopped early and "
        f"run again among them) one worker held none of wrk's {CONNECTIONS} keep-alive "
        "connections (a gthread worker can accept a whole burst of them) and req/s halved; "
        f"{restarts} workers were restarted by max_requests during the "
        "runs (their connections move to the other worker). Each figure in the table is the "
        "best of its runs; the distinct row gives medians."
    )
    if missed:
        print(f"GOALS MISSED ({len(missed)}): " + "; ".join(missed))
    else:
        print("Every goal met.")


def report_nginx(
    static_result: Result,
    fronted: list[tuple[str, Result]],
    cache_statuses: Counter[str],
    missed: list[str],
) -> None:
    """Print nginx's static and fronted runs, adding each missed goal to `missed`."""
    print(f"nginx static  GET {HEEL_RAISES}: {static_result.summary()}")
    for path, result in fronted:
        ratio = result.rps / static_result.rps
        if ratio < FRONT_GOAL:
            missed.append(f"nginx front {path}: {ratio:.2f}x < {FRONT_GOAL}x")
        print(
            f"nginx front   GET {path} (cached): {result.summary()}; "
            f"{ratio:.2f}x nginx static  {verdict(ratio, FRONT_GOAL)}"
        )
    total = sum(cache_statuses.values())
    shares = ", ".join(f"{status or '-'} {count}" for status, count in cache_statuses.most_common())
    print(f"nginx front   cache status of its {total} requests: {shares}")
    print()


def labelled_runs(
    pairs: list[tuple[Case, Result, Result]],
    static_result: Result | None,
    fronted: list[tuple[str, Result]],
    distinct: Distinct | None,
) -> list[tuple[str, Result]]:
    """Every reported run, each with a label that names what it measured."""
    runs = [(f"{case.label} (service)", mine) for case, mine, _ in pairs]
    runs += [(f"{case.label} (bare Flask)", ref) for case, _, ref in pairs]
    if distinct is not None:
        for spread in (distinct.service, distinct.reference):
            runs += [
                (f"distinct {spread.label.split()[0]} run {n}", r)
                for n, r in enumerate(spread.runs, 1)
            ]
    if static_result is not None:
        runs += [(f"nginx static {HEEL_RAISES}", static_result)]
    runs += [(f"nginx front {path}", result) for path, result in fronted]
    return runs


def log_errors(gunicorns: list[Server]) -> list[str]:
    """How many ERROR and CRITICAL lines each gunicorn logged, for those that logged any."""
    problems = []
    for server in gunicorns:
        text = server.log_path.read_text(errors="replace")
        errors = text.count('"level": "ERROR"') + text.count('"level": "CRITICAL"')
        if errors:
            problems.append(f"{server.name}: {errors} ERROR/CRITICAL log lines")
    return problems


def report_table(pairs: list[tuple[Case, Result, Result]], missed: list[str]) -> None:
    width = max(len(case.label) for case, _, _ in pairs)
    print(
        f"{'endpoint':<{width}} | {'service':>9} {'p50':>7} {'p99':>7} | "
        f"{'bare Flask':>9} {'p50':>7} {'p99':>7} | ratio  by run     verdict"
    )
    print(
        f"{'':<{width}} | {'req/s':>9} {'ms':>7} {'ms':>7} | {'req/s':>9} {'ms':>7} {'ms':>7} | "
        "best   min-max"
    )
    print("-" * (width + 88))
    for case, mine, ref in pairs:
        ratio = mine.rps / ref.rps
        if ratio < case.goal:
            missed.append(f"{case.label}: {ratio:.2f}x < {case.goal}x")
        notes = []
        if mine.idle_worker or ref.idle_worker:
            notes.append(f"connections per worker {mine.split} / {ref.split}")
        if mine.restarts + ref.restarts:
            notes.append(f"worker restarts {mine.restarts} / {ref.restarts}")
        if max(mine.foreign, ref.foreign) > NOISY:
            notes.append(f"CPU to other processes {mine.foreign:.0%} / {ref.foreign:.0%}")
        print(
            f"{case.label:<{width}} | {mine.cells()} | {ref.cells()} | "
            f"{ratio:5.2f}  {min(case.ratios):.2f}-{max(case.ratios):.2f}  "
            f"{verdict(ratio, case.goal)}" + (f"  [{'; '.join(notes)}]" if notes else "")
        )
    print()


if __name__ == "__main__":
    # As a script, this file's folder comes first on sys.path, and this file (http.py) would
    # shadow the standard library's http package there: drop it before anything imports http.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]

    run_script(main, failed=1)
