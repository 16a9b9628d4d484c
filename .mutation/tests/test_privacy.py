"""Health answers stay private: no pain score or screening answer in gunicorn's log or metrics."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from .local_server import gunicorn

# Answers no log line or metric may show; distinctive enough to find anywhere in the text.
QUESTIONS = ("night-or-constant-pain", "diabetes-with-foot-pain", "numbness-or-tingling")
PAIN_DURING, PAIN_NEXT_DAY = 3, 4


def _call(base: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - a loopback URL this test built
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    return json.loads(text) if text.startswith(("{", "[")) else text


def test_a_real_request_leaves_no_answer_in_the_log_or_the_metrics(tmp_path: Path) -> None:
    """Through gunicorn: POST, GET by id, the query form, programme and feedback log no answer."""
    log = tmp_path / "gunicorn.log"
    with gunicorn(log, {"WEB_CONCURRENCY": "1"}) as server:
        base = server.url
        answers = {QUESTIONS[0]: False, QUESTIONS[1]: False}
        routine = _call(base, "POST", "/routines", {"pain": 2, "screening": answers})
        _call(base, "GET", f"/routines/{routine['id']}")
        _call(base, "GET", f"/routines/{routine['id']}/programme")
        _call(base, "GET", f"/routines?pain=2&screening_no={QUESTIONS[2]}")
        feedback = {
            "pain_during": PAIN_DURING,
            "pain_next_day": PAIN_NEXT_DAY,
            "effort": "right",
            "completed": True,
            "screening": {QUESTIONS[2]: False},
        }
        decided = _call(base, "POST", f"/routines/{routine['id']}/feedback", feedback)
        metrics = _call(base, "GET", "/metrics")
    lines = log.read_text().splitlines()
    access = [json.loads(line) for line in lines if '"message": "request"' in line]
    assert {entry["route"] for entry in access} >= {
        "/routines",
        "/routines/<routine_id>",
        "/routines/<routine_id>/programme",
        "/routines/<routine_id>/feedback",
    }
    assert decided["decision"] == "step-back"  # next-day pain 2 above the baseline: answers arrived
    for text in (*lines, metrics):
        for question in QUESTIONS:
            assert question not in text
        assert "pain" not in text.replace("metatarsalgia", "")
    assert "routine_id" not in metrics or routine["id"] not in metrics
