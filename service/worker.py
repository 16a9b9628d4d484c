"""gunicorn's thread worker, with the errors gunicorn answers itself as RFC 9457 problems.

gunicorn refuses some requests before the app sees them (a request line over
limit_request_line: 414; a malformed request line or headers: 400; too many or too large
headers: 431) and writes an HTML page for them. This worker writes problem+json instead, so
that every error of the service has the same shape, with the same security headers.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from .app import SECURITY_HEADERS


def write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Write an error that gunicorn answers itself to `sock`, as problem+json."""
    body = json.dumps(
        {"type": "about:blank", "title": reason, "status": status_int, "detail": mesg}
    ).encode()
    security = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n{security}"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class ProblemThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's thread worker, writing its own errors with `write_problem`."""

    def init_process(self) -> None:
        # gunicorn's handle_error writes through util.write_error; in this worker process only.
        util.write_error = write_problem
        super().init_process()
