"""Contract fuzzing over HTTP: schemathesis' CLI against gunicorn with the production config.

Run by `make verify`: starts gunicorn on a free 127.0.0.1 port, runs every phase (examples,
coverage, fuzzing and the stateful phase through the OpenAPI links, e.g. a routine's id to
GET /routines/{id}) with every check, bounded in time, then stops gunicorn by its PID. The
checks configured in schemathesis.toml carry their reasons there.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MAX_TIME = os.environ.get("CONTRACT_MAX_TIME", "150")


def main() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    metrics = tempfile.mkdtemp(prefix="contract-metrics-")
    env = os.environ | {"PORT": str(port), "HOST": "127.0.0.1", "PROMETHEUS_MULTIPROC_DIR": metrics}
    log = open(ROOT / "test-artifacts" / "contract-gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # A fixed http URL on loopback.
                with urllib.request.urlopen(f"{base}/health/ready", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("gunicorn did not start; see test-artifacts/contract-gunicorn.log")
                    return 1
                time.sleep(0.2)
        command = [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-time",
            MAX_TIME,
            "--report",
            "junit",
            "--report-dir",
            str(ROOT / "test-artifacts"),
        ]
        print(" ".join(command), flush=True)
        return subprocess.run(
            command, cwd=ROOT, check=False, timeout=int(MAX_TIME) + 120
        ).returncode
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


if __name__ == "__main__":
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    sys.exit(main())
