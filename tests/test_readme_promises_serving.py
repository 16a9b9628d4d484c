"""README promises only a real process can show: start-up refusal and gunicorn's own errors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import start_wsgi
from .local_server import free_port, gunicorn

ROOT = Path(__file__).resolve().parents[1]
RELEASES = ROOT / "service" / "content" / "releases"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
# README, "Content": the shape of a refusal, "file: item: field: problem".
BROKEN_FIELD = "1.1.0/exercises.json: item 'heel-raises': field 'dosage.sets.min': "


def _broken_content(tmp_path: Path) -> Path:
    """Both releases, with a string where 1.1.0's heel raises need a number of sets."""
    root = tmp_path / "releases"
    for release in RELEASES.iterdir():
        if release.is_dir():  # the copies are drafts: no lock
            shutil.copytree(release, root / release.name)
    path = root / "1.1.0" / "exercises.json"
    exercises = json.loads(path.read_text(encoding="utf-8"))
    heel_raises = next(item for item in exercises if item["id"] == "heel-raises")
    heel_raises["dosage"]["sets"]["min"] = "three"
    path.write_text(json.dumps(exercises), encoding="utf-8")
    return root


def _environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    """One worker on a free loopback port, its metrics in the test's own folder."""
    metrics = tmp_path / "metrics"
    metrics.mkdir(exist_ok=True)
    return os.environ | {
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "THREADS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        **extra,
    }


def test_bad_content_refuses_start_up_with_one_json_line(tmp_path: Path) -> None:
    """README: "A broken file stops start-up with the file, the item and the field";
    service/wsgi.py writes exactly one JSON line on stderr and exits non-zero."""
    environ = _environ(tmp_path, CONTENT_DIR=str(_broken_content(tmp_path)))
    result = start_wsgi(environ)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = json.loads(lines[0])
    assert line.pop("time")
    message = line.pop("message")
    assert message.startswith(f"refusing to start: invalid content: {BROKEN_FIELD}")
    assert line == {
        "level": "CRITICAL",
        "logger": "service.startup",
        "file": "1.1.0/exercises.json",
        "item": "heel-raises",
        "field": "dosage.sets.min",
    }


def test_good_content_starts_without_a_word_on_stderr(tmp_path: Path) -> None:
    """The same entry point on the bundled releases builds the app and says nothing, given
    keys (without ROUTINE_ID_KEYS the README's warning is the only line)."""
    key = "k1:" + "A" * 86
    result = subprocess.run(
        [sys.executable, "-c", "import service.wsgi; print(service.wsgi.app.name)"],
        cwd=ROOT,
        env=_environ(tmp_path, ROUTINE_ID_KEYS=key),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "service.app\n", "")


def test_gunicorn_refuses_bad_content_before_any_worker_starts(tmp_path: Path) -> None:
    """README "Serving": the app and every release are loaded in the master, "so bad content
    stops start-up before any worker forks": the one refusal line, on stderr and not repeated
    by gunicorn's JSON log on stdout, every line of which is still JSON."""
    environ = _environ(tmp_path, CONTENT_DIR=str(_broken_content(tmp_path)))
    result = subprocess.run(
        [GUNICORN, "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Booting worker" not in result.stdout + result.stderr
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    refusals = [json.loads(line) for line in lines if "refusing to start" in line]
    assert [r["field"] for r in refusals] == ["dosage.sets.min"], lines  # once, not twice
    assert refusals[0]["message"] in result.stderr
    for line in result.stdout.splitlines():
        json.loads(line)


@dataclass
class Server:
    """A running gunicorn, spoken to in raw bytes."""

    port: int
    log: Path

    def raw(self, request: bytes) -> tuple[str, dict[str, str], bytes]:
        """Send bytes as they are; the status line, headers and body that come back."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, body

    def lines_when(self, found: str) -> list[str]:
        """The log's lines once one holds `found`, waiting up to 10 s for gunicorn to write."""
        deadline = time.monotonic() + 10
        while True:
            lines = self.log.read_text(encoding="utf-8").splitlines()
            if any(found in line for line in lines) or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


@contextmanager
def _gunicorn(tmp_path: Path) -> Iterator[Server]:
    """gunicorn with the project's config on a free loopback port, stopped by its PID."""
    log = tmp_path / "gunicorn.log"
    env = {"WEB_CONCURRENCY": "1", "THREADS": "2", "ROUTINE_ID_KEYS": "k1:" + "A" * 86}
    with gunicorn(log, env) as running:
        yield Server(running.port, log)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with _gunicorn(tmp_path_factory.mktemp("gunicorn")) as running:
        yield running


HEADERS_101 = b"".join(b"X-H%d: v\r\n" % n for n in range(101))


@pytest.mark.parametrize(
    ("request_bytes", "status", "title"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414, "URI Too Long"),
        (b"GET /exercises HTTP/1.1 extra\r\nHost: t\r\n\r\n", 400, "Bad Request"),
        (b"GET /exercises HTTP/9.9\r\nHost: t\r\n\r\n", 400, "Bad Request"),
        (b"GET /exercises HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n", 400, "Bad Request"),
        (
            b"GET /exercises HTTP/1.1\r\nHost: t\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n",
            431,
            "Request Header Fields Too Large",
        ),
        (
            b"GET /exercises HTTP/1.1\r\nHost: t\r\n" + HEADERS_101 + b"\r\n",
            431,
            "Request Header Fields Too Large",
        ),
    ],
)
def test_gunicorns_own_refusals_are_problem_json(
    server: Server, request_bytes: bytes, status: int, title: str
) -> None:
    """README "Errors": every error is an RFC 9457 problem, application/problem+json, with a
    detail to read; so are those gunicorn answers before the app sees the request."""
    line, headers, body = server.raw(request_bytes)
    assert line == f"HTTP/1.1 {status} {title}"
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    problem: dict[str, Any] = json.loads(body)
    detail = problem.pop("detail")
    assert problem == {"type": "about:blank", "title": title, "status": status}
    assert isinstance(detail, str)
    assert len(detail) > 10


def test_every_stdout_line_is_json_after_refusals(server: Server) -> None:
    """README "Logs": every line on stdout is one JSON object, gunicorn's own lines included,
    whatever a client sends (here a request line of control characters and quotes); one access
    line per request with `method`, `route` (the template), `status`, `duration_ms`, `bytes`
    and `request_id`, the X-Request-ID the response echoed."""
    server.raw(b'GET /"\x01\x7f}{ HTTP/1.1 x\r\n\r\n')
    request = b"GET /stretches/calf-stretch HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    status, headers, body = server.raw(request + b"X-Request-ID: readme-promise-1\r\n\r\n")
    assert (status, headers["x-request-id"]) == ("HTTP/1.1 200 OK", "readme-promise-1")
    lines = server.lines_when("readme-promise-1")  # written after the answer
    records = [json.loads(line) for line in lines]
    (access,) = [r for r in records if r.get("request_id") == "readme-promise-1"]
    assert isinstance(access.pop("time"), str)
    assert isinstance(access.pop("duration_ms"), float)
    assert access == {
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "request",
        "method": "GET",
        "route": "/stretches/<stretch_id>",
        "status": 200,
        "bytes": len(body),
        "request_id": "readme-promise-1",
    }


def test_a_malformed_request_line_leaves_no_answer_in_the_log(server: Server) -> None:
    """README: the service's own logs "record the route template, never the path or query
    string", and no pain score or screening answer is ever in a log line."""
    line = b"GET /routines?pain=8&screening=night-or-constant-pain\x01 HTTP/1.1\r\nHost: t\r\n\r\n"
    assert server.raw(line)[0] == "HTTP/1.1 400 Bad Request"
    # Then a request whose access line comes after gunicorn's warning about the bad one.
    request = b"GET /health/live HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    assert server.raw(request + b"X-Request-ID: after-the-bad-line\r\n\r\n")[0].endswith("200 OK")
    text = "\n".join(server.lines_when("after-the-bad-line"))
    assert "after-the-bad-line" in text
    assert "night-or-constant-pain" not in text
    assert "pain=8" not in text


def test_gunicorns_own_refusals_carry_the_security_headers(server: Server) -> None:
    """README "Security headers on every response": nosniff, no-referrer and the CSP."""
    _, headers, _ = server.raw(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "no-referrer"
    assert "content-security-policy" in headers
