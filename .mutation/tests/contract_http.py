"""Contract fuzzing over HTTP: schemathesis' CLI against gunicorn with the production config.

Run by `make verify`: starts gunicorn on a free 127.0.0.1 port, runs every phase (examples,
coverage, fuzzing and the stateful phase through the OpenAPI links, e.g. a routine's id to
GET /routines/{id}) with every check, bounded in time, then stops gunicorn by its PID. The
checks configured in schemathesis.toml carry their reasons there.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.local_server import BIN, ROOT, ServerError, gunicorn

MAX_TIME = os.environ.get("CONTRACT_MAX_TIME", "150")


def main() -> int:
    server = gunicorn(ROOT / "test-artifacts" / "contract-gunicorn.log")
    try:
        server.start()
        server.wait_ready()
    except ServerError as error:
        server.stop()
        print(f"gunicorn did not start; see test-artifacts/contract-gunicorn.log\n{error}")
        return 1
    base = server.url
    try:
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
        server.stop()


if __name__ == "__main__":
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    sys.exit(main())
