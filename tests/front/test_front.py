"""The nginx front (deploy/nginx.conf through deploy/run-nginx.sh) on 127.0.0.1: what it
refuses on the service's behalf. Run by `make verify`, which has nginx installed if missing."""

from __future__ import annotations

import http.client
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.local_server import ROOT, LocalServer, free_port

RATE, BURST = 5, 10


@dataclass(frozen=True)
class Front:
    port: int  # nginx's
    upstream: int  # gunicorn's own, where Prometheus scrapes


@pytest.fixture(scope="module")
def front() -> Iterator[Front]:
    port, upstream = free_port(), free_port()
    log = Path(tempfile.mkstemp(prefix="front-", suffix=".log")[1])
    server = LocalServer(
        "nginx front",
        ["bash", str(ROOT / "deploy" / "run-nginx.sh")],
        port,
        "/health/ready",
        log,
        {
            "PORT": str(port),
            "UPSTREAM_PORT": str(upstream),
            "RATE_LIMIT": str(RATE),
            "RATE_BURST": str(BURST),
        },
    )
    with server:
        yield Front(port, upstream)


def ask(
    port: int, method: str, path: str, body: dict[str, object] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_metrics_are_not_served_by_the_front(front: Front) -> None:
    """/metrics is a 404 problem at the front, while the instance still serves it on its own
    port for Prometheus."""
    status, headers, body = ask(front.port, "GET", "/metrics")
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 404
    assert ask(front.upstream, "GET", "/metrics")[0] == 200


def test_writes_beyond_the_rate_get_429_problems_with_retry_after(front: Front) -> None:
    """Sent at once, the first 1 + BURST routine requests pass and the rest get 429 as
    problem+json with Retry-After; reads are not limited meanwhile."""
    statuses, refused = [], []
    for seed in range(1 + BURST + 10):
        status, headers, body = ask(front.port, "POST", "/routines", {"seed": seed})
        statuses.append(status)
        if status == 429:
            refused.append((headers, json.loads(body)))
    assert statuses[: 1 + BURST] == [200] * (1 + BURST)
    assert 429 in statuses[1 + BURST :]
    for headers, problem in refused:
        assert headers["Content-Type"] == "application/problem+json"
        assert headers["Retry-After"] == "1"
        assert problem["status"] == 429
        assert "Retry-After" in problem["detail"]
    assert [ask(front.port, "GET", "/exercises")[0] for _ in range(30)] == [200] * 30
