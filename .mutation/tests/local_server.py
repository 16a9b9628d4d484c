"""A server of ours on a free loopback port: start it, wait until it answers, stop it by PID.

The one way the benchmarks (bench/), the soak test and the HTTP tests start gunicorn, nginx or
the bare Flask reference: in its own session, its output in a log file, stopped by its PID
with SIGTERM and then SIGKILL after a bounded wait.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class ServerError(RuntimeError):
    """A server that exited during start-up or did not become ready in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(port: int, path: str) -> int:
    """The status of GET path on the loopback port. Raises OSError when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class LocalServer:
    """One server process: its command, port, readiness URL path and log."""

    name: str
    argv: list[str]
    port: int
    ready_path: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    gunicorn: bool = False
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process in its own session, so Ctrl-C reaches only the caller."""
        with self.log_path.open("wb") as sink:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 30.0, also: Callable[[], bool] = lambda: True) -> None:
        """Wait until GET ready_path gives 200 (and `also` holds). Raises ServerError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited during start-up:\n{self.tail()}")
            with contextlib.suppress(OSError):
                if get_status(self.port, self.ready_path) == 200 and also():
                    return
            time.sleep(0.1)
        raise ServerError(f"{self.name} not ready within {timeout:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        """SIGTERM by PID; SIGKILL if it has not exited within 30 s (gunicorn's grace is 20)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> LocalServer:
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def log_size(self) -> int:
        """Bytes in the log so far."""
        with contextlib.suppress(OSError):
            return self.log_path.stat().st_size
        return 0

    def log_since(self, offset: int) -> str:
        """The log from byte `offset` on."""
        with contextlib.suppress(OSError), self.log_path.open("rb") as log_file:
            log_file.seek(offset)
            return log_file.read().decode(errors="replace")
        return ""

    def tail(self, lines: int = 15) -> str:
        """The last lines of the log."""
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The PIDs of the process's children (gunicorn's workers)."""
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def gunicorn(
    log_path: Path, env: dict[str, str] | None = None, name: str = "gunicorn"
) -> LocalServer:
    """Our service under gunicorn with the production config, on a free port, metrics in a
    fresh multiprocess folder."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="metrics-")
    return LocalServer(
        name,
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
        port,
        "/health/ready",
        log_path,
        {"HOST": "127.0.0.1", "PORT": str(port), "PROMETHEUS_MULTIPROC_DIR": metrics} | (env or {}),
        gunicorn=True,
    )
