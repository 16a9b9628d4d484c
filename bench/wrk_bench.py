"""HTTP benchmark: the service under its production gunicorn config, against references.

A script, not a test: it prints figures and goals, and exits 0 even when a goal is missed
(non-zero only when it could not measure). Run with `make bench`, or
`.venv/bin/python bench/wrk_bench.py` from the project folder.

On 127.0.0.1, random free ports, it starts:
  service      the service, `gunicorn --config gunicorn.conf.py` (the production config)
  bare Flask   bench/bare_app.py under the same config: constant 1.9 KB JSON on every path
  nginx static nginx serving GET /exercises/heel-raises's body as a static file
  nginx front  deploy/nginx.conf (proxy cache) in front of the service
then drives each with wrk and prints one table with the ratios to the references and the goals.

Settings, from the environment:
  BENCH_SECONDS      seconds of wrk load behind each figure      (default 10)
  BENCH_ROUNDS       runs those seconds are split into; a figure is the best of them, the
                     service and its reference taking turns                          (default 3)
  BENCH_WARMUP       seconds of the wrk run before the first of them   (default 1)
  BENCH_THREADS      wrk threads                        (default 1: see THREADS_NOTE)
  BENCH_CONNECTIONS  wrk connections                    (default 32)
  WEB_CONCURRENCY, THREADS, ...: read by gunicorn.conf.py, for both gunicorn servers
Installs Debian's wrk and nginx with apt-get when missing (needs root).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
GUNICORN = VENV_BIN / "gunicorn"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
RUN_SECONDS = max(1, SECONDS // ROUNDS)
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
WRK_THREADS = int(os.environ.get("BENCH_THREADS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
THREADS_NOTE = (
    "wrk shares the cores with the server under test: with -t1 it takes one core at most "
    "(on 2 cores, -t2 gave the same gunicorn figures and lower nginx ones)"
)

HEEL_RAISES = "/exercises/heel-raises"
FILTERED = "/exercises?equipment=towel&position=seated"
ROUTINE_BODY = {"minutes": 20, "equipment": ["towel", "wall"], "focus": ["balance"]}
CATALOGUE_GOAL = 0.9  # service / bare Flask, catalogue reads (304 included)
ROUTINES_GOAL = 0.6  # service / bare Flask, POST /routines and GET /routines/{id}
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    argv: list[str]
    port: int
    ready_path: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    gunicorn: bool = False
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log(f"starting {self.name} on 127.0.0.1:{self.port} (log {self.log_path})")
        with self.log_path.open("wb") as sink:
            # Its own session: Ctrl-C reaches this script only, which stops it by PID.
            self.proc = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited during start-up:\n{self.tail()}")
            with contextlib.suppress(OSError):
                if fetch(self.port, "GET", self.ready_path).status == 200:
                    log(f"{self.name} ready (pid {self.proc.pid})")
                    return
            time.sleep(0.2)
        raise BenchError(f"{self.name} not ready within {timeout:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            # gunicorn lets its workers finish within graceful_timeout (20 s).
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log(f"{self.name} (pid {self.proc.pid}) ignored SIGTERM: killing it")
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log_size(self) -> int:
        with contextlib.suppress(OSError):
            return self.log_path.stat().st_size
        return 0

    def log_since(self, offset: int) -> str:
        with contextlib.suppress(OSError), self.log_path.open("rb") as log_file:
            log_file.seek(offset)
            return log_file.read().decode(errors="replace")
        return ""

    def tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


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
    (rundir / "nginx.conf").write_text(text)
    directives = "daemon off;" + (" user nobody nogroup;" if os.geteuid() == 0 else "")
    argv = [nginx, "-p", str(rundir), "-c", str(rundir / "nginx.conf"), "-e", "stderr"]
    check = subprocess.run(
        [*argv, "-g", directives, "-t", "-q"], capture_output=True, text=True, timeout=30
    )
    if check.returncode != 0:
        raise BenchError(f"nginx rejects {rundir / 'nginx.conf'}:\n{check.stderr}")
    return Server(name, [*argv, "-g", directives], port, ready_path, rundir / "nginx.out")


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

    @property
    def idle_worker(self) -> bool:
        return self.split.endswith("/0")

    def summary(self) -> str:
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
        seconds: int = RUN_SECONDS,
        server: Server | None = None,
    ) -> Result:
        argv = [self.wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
        for header in headers:
            argv += ["-H", header]
        if script is not None:
            argv += ["-s", str(script)]
        argv.append(url)
        with subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as wrk:
            split = ""
            if server is not None and server.gunicorn:
                time.sleep(seconds / 2)
                split = "/".join(str(n) for n in connections_per_worker(server))
            try:
                text, stderr = wrk.communicate(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                wrk.kill()
                raise BenchError(f"wrk did not finish within {seconds + 30}s on {url}") from None
        rps, total = RPS.search(text), TOTAL.search(text)
        latencies = {m[1]: float(m[2]) * UNITS_MS[m[3]] for m in LATENCY.finditer(text)}
        if wrk.returncode != 0 or rps is None or total is None or len(latencies) != 2:
            raise BenchError(f"wrk failed on {url}:\n{text}\n{stderr}")
        errors = []
        if (found := SOCKET_ERRORS.search(text)) is not None:
            errors.append(f"socket errors: {found[1]}")
        if (found := NON_2XX.search(text)) is not None:
            errors.append(f"{found[1]} non-2xx/3xx")
        p50, p99 = latencies["50"], latencies["99"]
        return Result(float(rps[1]), p50, p99, int(total[1]), "; ".join(errors), split=split)

    def measure(
        self, label: str, server: Server, path: str, *, warm: bool = False, **options: Any
    ) -> Result:
        url = server.url + path
        if WARMUP > 0 and not warm:
            self.run(url, seconds=WARMUP, **options)
        before, offset = self.meter.sample(), server.log_size()
        result = self.run(url, server=server, **options)
        result.foreign, result.steal = CpuMeter.shares(before, self.meter.sample())
        result.restarts = server.log_since(offset).count(BOOTING)
        note = f"  [{result.errors}]" if result.errors else ""
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
        runs: list[list[Result]] = [[] for _ in targets]
        for round_ in range(ROUNDS):
            for (label, server), results in zip(targets, runs, strict=True):
                tag = f" (run {round_ + 1}/{ROUNDS})" if ROUNDS > 1 else ""
                results.append(self.measure(label + tag, server, path, warm=round_ > 0, **options))
        return [max(results, key=lambda result: result.rps) for results in runs]


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    path: str
    goal: float
    headers: tuple[str, ...] = ()
    script: Path | None = None


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
    print(
        f"load      wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{RUN_SECONDS}s --latency; each figure "
        f"is the best of {ROUNDS} such runs, the service and its reference taking turns, after "
        f"a {WARMUP}s warm-up run"
    )
    print(f"          {THREADS_NOTE}")
    print("          no Accept-Encoding: every body is sent uncompressed")
    print()


def verdict(ratio: float, goal: float) -> str:
    return f"{'PASS' if ratio >= goal else 'FAIL'} (goal >= {goal}x)"


def main() -> int:
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


def run(work: Path, wrk: str, nginx: str, servers: list[Server]) -> int:
    service = gunicorn_server("service", work, None)
    bare = gunicorn_server("bare Flask", work, "bench.bare_app:app")
    for server in (service, bare):
        servers.append(server)
        server.start()
    for server in (service, bare):
        server.wait_ready()

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
    expect(fetch(service.port, "GET", routine_path), 200, f"service GET {routine_path}")
    for method in ("GET", "POST"):
        expect(fetch(bare.port, method, routine_path), 200, f"bare Flask {method}")
    print(
        f"bodies    {HEEL_RAISES} {len(item.body)} B, {FILTERED} {len(page.body)} B, "
        f"routine {len(created.body)} B; bare Flask {len(fetch(bare.port, 'GET', '/').body)} B "
        "on every path (the service's larger list and routine bodies weigh a little against it)"
    )
    print()

    # nginx serving the same bytes as a static file, and deploy/nginx.conf in front.
    static_dir = work / "nginx-static"
    target = static_dir / "www" / HEEL_RAISES.lstrip("/")
    target.parent.mkdir(parents=True)
    target.write_bytes(item.body)
    for path in (static_dir / "www", target.parent):
        path.chmod(0o755)
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

    bench = Bench(wrk, work, CpuMeter(servers))
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
    ]
    started = time.monotonic()
    pairs = []
    for case in cases:
        options = {"headers": case.headers, "script": case.script}
        mine, ref = bench.compare(
            [(f"service    {case.label}", service), (f"bare Flask {case.label}", bare)],
            case.path,
            **options,
        )
        pairs.append((case, mine, ref))
    (static_result,) = bench.compare([(f"nginx static GET {HEEL_RAISES}", static)], HEEL_RAISES)
    fronted = [
        (path, *bench.compare([(f"nginx front GET {path}", front)], path))
        for path in (HEEL_RAISES, FILTERED)
    ]
    log(f"measured in {time.monotonic() - started:.0f}s")

    time.sleep(1.5)  # nginx flushes its buffered access log every second
    cache_statuses = Counter(
        re.findall(r" cache=(\S*) ", (front.log_path.parent / "logs" / "access.log").read_text())
    )
    report(pairs, static_result, fronted, cache_statuses, [service, bare], bench.history)
    return 0


def report(
    pairs: list[tuple[Case, Result, Result]],
    static_result: Result,
    fronted: list[tuple[str, Result]],
    cache_statuses: Counter[str],
    gunicorns: list[Server],
    history: list[Result],
) -> None:
    width = max(len(case.label) for case, _, _ in pairs)
    print(
        f"{'endpoint':<{width}} | {'service':>9} {'p50':>7} {'p99':>7} | "
        f"{'bare Flask':>9} {'p50':>7} {'p99':>7} | ratio  verdict"
    )
    print(f"{'':<{width}} | {'req/s':>9} {'ms':>7} {'ms':>7} | {'req/s':>9} {'ms':>7} {'ms':>7} |")
    print("-" * (width + 78))
    missed = []
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
            f"{ratio:5.2f}  {verdict(ratio, case.goal)}"
            + (f"  [{'; '.join(notes)}]" if notes else "")
        )
    print()
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

    runs = [(f"{case.label} (service)", mine) for case, mine, _ in pairs]
    runs += [(f"{case.label} (bare Flask)", ref) for case, _, ref in pairs]
    runs += [(f"nginx static {HEEL_RAISES}", static_result)]
    runs += [(f"nginx front {path}", result) for path, result in fronted]
    problems = [f"{label}: {result.errors}" for label, result in runs if result.errors]
    for server in gunicorns:
        text = server.log_path.read_text(errors="replace")
        errors = text.count('"level": "ERROR"') + text.count('"level": "CRITICAL"')
        if errors:
            problems.append(f"{server.name}: {errors} ERROR/CRITICAL log lines")
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
    print(
        f"gunicorn: in {idle} of {len(split)} runs one worker held none of wrk's 32 keep-alive "
        "connections (a gthread worker can accept a whole burst of them) and req/s halved; "
        f"{restarts} workers were restarted by max_requests during the runs (their connections "
        "move to the other worker). Each figure is the best of its runs."
    )
    if missed:
        print(f"GOALS MISSED ({len(missed)}): " + "; ".join(missed))
    else:
        print("Every goal met.")


if __name__ == "__main__":
    # As a script, this file's folder comes first on sys.path, and this file (http.py) would
    # shadow the standard library's http package there: drop it before anything imports http.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"FAILED: {error}")
        sys.exit(1)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
