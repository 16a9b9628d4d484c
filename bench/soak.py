"""Load and fault test of the production config on 127.0.0.1: `make soak`.

Bounded in time; loopback only; every process it starts is stopped by its PID. It prints the
figures in its last lines and exits non-zero when a goal is missed:

1. steady mixed load (catalogue reads, revalidations, routine generations and look-ups):
   zero transport errors, zero answers outside 2xx/3xx;
2. one worker killed with SIGKILL under load: the requests lost are at most those in flight on
   it, and the master replaces it;
3. SIGTERM to the master under load: every request in flight at that moment completes;
4. a deliberately broken content release: the service refuses to start, exit code non-zero,
   naming the file, the item and the field;
5. slow clients: SLOW_CLIENTS connections that send half their headers and wait, against
   gunicorn directly (which they stop: the reason it never faces clients) and then through the
   nginx front (deploy/run-nginx.sh), where /health/live must keep answering.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: tests.local_server is found from the root
from tests.local_server import LocalServer, free_port, gunicorn  # noqa: E402

PYTHON_BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("SOAK_SECONDS", "20"))
THREADS = int(os.environ.get("SOAK_THREADS", "8"))
HOST = "127.0.0.1"


@dataclass
class Tally:
    ok: int = 0
    errors: list[str] = field(default_factory=list)
    bad_status: list[int] = field(default_factory=list)
    spans: list[tuple[float, float, bool]] = field(default_factory=list)  # start, end, ok
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, start: float, status: int | None, error: str | None) -> None:
        end = time.monotonic()
        with self.lock:
            if error is not None:
                self.errors.append(error)
            elif status is not None and not 200 <= status < 400:
                self.bad_status.append(status)
            else:
                self.ok += 1
            self.spans.append((start, end, error is None and status is not None and status < 400))


def Server(env: dict[str, str] | None = None) -> LocalServer:
    """gunicorn with the production config on a free loopback port, started, its log kept."""
    log = Path(tempfile.mkstemp(prefix="soak-gunicorn-", suffix=".log")[1])
    server = gunicorn(log, env)
    server.start()
    return server


def wait_for_workers(server: LocalServer) -> None:
    """Ready, with both workers up."""
    server.wait_ready(also=lambda: len(server.workers()) >= 2)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if connection is None:
            conn.close()


def load(port: int, stop: threading.Event, tally: Tally, seed: int) -> None:
    """One client: keep-alive connection, a mix of reads, revalidations and routines."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    etag = ""
    routine_id = ""
    while not stop.is_set():
        choice = rng.random()
        headers: dict[str, str] = {}
        body = None
        method = "GET"
        if choice < 0.3:
            path = "/exercises/heel-raises"
        elif choice < 0.45:
            path = "/exercises?equipment=towel&position=seated"
        elif choice < 0.55 and etag:
            path, headers = "/exercises/heel-raises", {"If-None-Match": etag}
        elif choice < 0.75:
            method, path = "POST", "/routines"
            body = json.dumps(
                {
                    "minutes": rng.randint(5, 60),
                    "equipment": rng.sample(["towel", "wall", "cloth", "foam-roller"], 2),
                    "week": rng.randint(1, 12),
                    "level": rng.choice(["beginner", "intermediate", "advanced"]),
                    "seed": rng.randint(0, 10),
                }
            ).encode()
            headers = {"Content-Type": "application/json"}
        elif routine_id:
            path = f"/routines/{routine_id}"
        else:
            path = "/routines?minutes=20&equipment=towel&equipment=wall"
        start = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            tally.record(start, response.status, None)
            if path == "/exercises/heel-raises" and response.status == 200:
                etag = response.getheader("ETag") or ""
            if method == "POST" and response.status == 200:
                routine_id = json.loads(data)["id"]
        except (OSError, http.client.HTTPException) as error:
            tally.record(start, None, type(error).__name__)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.close()


def run_load(port: int, seconds: float, during: Callable[[Tally], None] | None = None) -> Tally:
    """Load for `seconds`; `during(tally)`, if given, runs in the middle of it."""
    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=load, args=(port, stop, tally, n), daemon=True)
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    if during is not None:
        time.sleep(seconds / 2)
        during(tally)
        time.sleep(seconds / 2)
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    return tally


def steady() -> dict[str, object]:
    server = Server()
    try:
        wait_for_workers(server)
        tally = run_load(server.port, SECONDS)
        return {
            "served": tally.ok,
            "errors": len(tally.errors),
            "non_2xx_3xx": len(tally.bad_status),
            "rate": round(tally.ok / SECONDS),
        }
    finally:
        server.stop()


def kill_worker() -> dict[str, object]:
    server = Server()
    info: dict[str, object] = {}
    try:
        wait_for_workers(server)

        def kill(_: Tally) -> None:
            before = server.workers()
            victim = before[0]
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            info["killed_pid"] = victim
            deadline = killed_at + 20
            while time.monotonic() < deadline:
                now = server.workers()
                if victim not in now and len(now) == len(before):
                    info["replaced_by"] = sorted(set(now) - set(before))
                    info["replaced_in_s"] = round(time.monotonic() - killed_at, 2)
                    break
                time.sleep(0.1)

        tally = run_load(server.port, SECONDS, kill)
        # Each client thread has at most one request in flight, so at most THREADS were on
        # the killed worker.
        return info | {
            "served": tally.ok,
            "failed": len(tally.errors) + len(tally.bad_status),
            "failure_kinds": sorted(set(tally.errors) | {str(s) for s in tally.bad_status}),
        }
    finally:
        server.stop()


def terminate() -> dict[str, object]:
    server = Server()
    info: dict[str, object] = {}
    try:
        wait_for_workers(server)

        def sigterm(_: Tally) -> None:
            info["sent_at"] = time.monotonic()
            if server.proc is None:
                raise RuntimeError("gunicorn did not start")
            server.proc.send_signal(signal.SIGTERM)
            info["exit_code"] = server.proc.wait(timeout=60)
            info["drain_seconds"] = round(time.monotonic() - float(info["sent_at"]), 2)  # type: ignore[arg-type]

        # After the master has gone, clients are refused: that is not counted, only the
        # requests under way when SIGTERM was sent.
        tally = run_load(server.port, SECONDS / 2, sigterm)
        sent_at = float(info.pop("sent_at"))  # type: ignore[arg-type]
        with tally.lock:
            in_flight = [span for span in tally.spans if span[0] <= sent_at <= span[1]]
        return info | {
            "in_flight_at_sigterm": len(in_flight),
            "in_flight_completed": sum(1 for span in in_flight if span[2]),
        }
    finally:
        server.stop()


def broken_content() -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="soak-content-"))
    try:
        release = folder / "1.0.0"
        shutil.copytree(ROOT / "service" / "content" / "releases" / "1.0.0", release)
        exercises = json.loads((release / "exercises.json").read_text())
        exercises[1]["dosage"]["sets"]["min"] = "one"
        (release / "exercises.json").write_text(json.dumps(exercises))
        server = Server({"CONTENT_DIR": str(folder)})
        try:
            if server.proc is None:
                raise RuntimeError("gunicorn did not start")
            code = server.proc.wait(timeout=30)
        finally:
            server.stop()
        output = server.log_path.read_text()
        message = next((line for line in output.splitlines() if "invalid content" in line), "")
        return {"exit_code": code, "message": message}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SLOW_CLIENTS = 200
PROBES = 20
PROBE_TIMEOUT = 3.0


def half_open(port: int, count: int) -> list[socket.socket]:
    """`count` connections that each send a request line and one header, then nothing."""
    found = []
    for _ in range(count):
        sock = socket.create_connection((HOST, port), timeout=5)
        sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: slow\r\n")
        found.append(sock)
    return found


def probe(port: int) -> tuple[int, float]:
    """How many of PROBES GET /health/live answered 200 within PROBE_TIMEOUT, and the slowest."""
    answered, slowest = 0, 0.0
    for _ in range(PROBES):
        start = time.monotonic()
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
            conn.request("GET", "/health/live")
            answered += conn.getresponse().status == 200
            conn.close()
        except OSError:
            pass
        slowest = max(slowest, time.monotonic() - start)
    return answered, round(slowest, 3)


def slow_clients() -> dict[str, object]:
    """The half-open attack on gunicorn alone, then on the nginx front before another one."""
    found: dict[str, object] = {"connections": SLOW_CLIENTS, "probes": PROBES}
    direct = Server()
    try:
        wait_for_workers(direct)
        sockets = half_open(direct.port, SLOW_CLIENTS)
        try:
            found["direct_answered"], found["direct_slowest_s"] = probe(direct.port)
        finally:
            for sock in sockets:
                sock.close()
    finally:
        direct.stop()
    port, upstream = free_port(), free_port()
    log = Path(tempfile.mkstemp(prefix="soak-front-", suffix=".log")[1])
    front = LocalServer(
        "nginx front", ["bash", str(ROOT / "deploy" / "run-nginx.sh")], port, "/health/ready",
        log, {"PORT": str(port), "UPSTREAM_PORT": str(upstream)},
    )  # fmt: skip
    with front:
        sockets = half_open(port, SLOW_CLIENTS)
        try:
            found["front_answered"], found["front_slowest_s"] = probe(port)
        finally:
            for sock in sockets:
                sock.close()
    return found


def main() -> int:
    print(f"soak: {THREADS} client threads, {SECONDS:.0f} s per loaded phase, 127.0.0.1 only")
    first = steady()
    print(f"steady load: {json.dumps(first)}")
    second = kill_worker()
    print(f"SIGKILL one worker under load: {json.dumps(second)}")
    third = terminate()
    print(f"SIGTERM under load: {json.dumps(third)}")
    fourth = broken_content()
    print(f"broken content: {json.dumps(fourth)}")
    fifth = slow_clients()
    print(f"slow clients: {json.dumps(fifth)}")
    goals = {
        "steady: 0 errors and 0 non-2xx/3xx": first["errors"] == 0 and first["non_2xx_3xx"] == 0,
        f"SIGKILL: failed <= threads in flight ({THREADS})": int(second["failed"]) <= THREADS,  # type: ignore[call-overload]
        "SIGKILL: the master replaced the worker": bool(second.get("replaced_by")),
        "SIGTERM: every in-flight request completed": third["in_flight_completed"]
        == third["in_flight_at_sigterm"],
        "SIGTERM: clean exit": third["exit_code"] == 0,
        "broken content: refused to start, non-zero": fourth["exit_code"] not in (0, None),
        "broken content: names file, item and field": all(
            part in str(fourth["message"])
            for part in ("1.0.0/exercises.json", "item 'towel-curls'", "field 'dosage.sets.min'")
        ),
        f"slow clients through the front: {PROBES}/{PROBES} /health/live answered": fifth[
            "front_answered"
        ]
        == PROBES,
    }
    print("--- figures")
    print(
        f"served {first['served']} requests in {SECONDS:.0f} s ({first['rate']}/s), "
        f"errors {first['errors']}, non-2xx/3xx {first['non_2xx_3xx']}"
    )
    print(
        f"worker {second.get('killed_pid')} killed: {second['failed']} request(s) failed "
        f"{second['failure_kinds']}, replaced by {second.get('replaced_by')} "
        f"in {second.get('replaced_in_s')} s"
    )
    print(
        f"SIGTERM: {third['in_flight_completed']}/{third['in_flight_at_sigterm']} in-flight "
        f"requests completed, exit code {third['exit_code']}, drained in {third['drain_seconds']} s"
    )
    print(f"broken content: exit code {fourth['exit_code']}: {fourth['message']}")
    print(
        f"{SLOW_CLIENTS} half-open connections: gunicorn alone answered "
        f"{fifth['direct_answered']}/{PROBES} /health/live within {PROBE_TIMEOUT} s (slowest "
        f"{fifth['direct_slowest_s']} s); through the nginx front {fifth['front_answered']}/"
        f"{PROBES} (slowest {fifth['front_slowest_s']} s)"
    )
    for goal, met in goals.items():
        print(f"{'PASS' if met else 'FAIL'}  {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
