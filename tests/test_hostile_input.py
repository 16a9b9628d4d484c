"""Hostile and careless input against every endpoint: always the documented 4xx problem."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import json_of

PROBLEM = "application/problem+json"
INTERNALS = ("Traceback", "/work/", "site-packages", ".py", 'File "')

# (method, url, request kwargs, expected status)
CASES: list[tuple[str, str, dict[str, Any], int]] = [
    # path traversal and encoded dots in versions
    ("GET", "/exercises?content_version=../../etc/passwd", {}, 404),
    ("GET", "/exercises?content_version=%2e%2e%2f%2e%2e", {}, 404),
    ("GET", "/exercises/heel-raises?content_version=%2e%2e", {}, 404),
    ("GET", "/content/releases/%2e%2e", {}, 404),
    ("GET", "/content/releases/..%2F..%2Fetc%2Fpasswd", {}, 404),
    ("GET", "/routines?content_version=..%5C..%5Cwindows", {}, 404),
    # very long ids and query strings
    ("GET", "/exercises/" + "a" * 5000, {}, 404),
    ("GET", "/routines/" + "r1." + "A" * 5000 + ".B", {}, 404),
    ("GET", "/exercises?q=" + "x" * 5000, {}, 422),
    ("GET", "/exercises?content_version=" + "9" * 500, {}, 422),
    ("GET", "/exercises?" + "&".join(f"p{i}=1" for i in range(300)), {}, 422),
    # unicode and control characters
    ("GET", "/exercises/h%C3%A9el-r%C3%A4ises", {}, 404),
    ("GET", "/exercises/%F0%9F%A6%B6", {}, 404),
    ("GET", "/exercises/%00", {}, 404),
    ("GET", "/exercises?q=%00%FF%FE", {}, 200),
    ("GET", "/guidance?q=%E2%80%AE%F0%9F%A6%B6", {}, 200),
    # repeated parameters: list fields repeat, single-valued ones must not
    ("GET", "/exercises?page=1&page=2", {}, 422),
    ("GET", "/exercises?position=seated&position=standing", {}, 422),
    ("GET", "/routines?minutes=10&minutes=20", {}, 422),
    # wrong types and out-of-range numbers, huge integers
    ("GET", "/exercises?page=-1", {}, 422),
    ("GET", "/exercises?page=1e3", {}, 422),
    ("GET", "/exercises?page_size=99999999999999999999999999999", {}, 422),
    ("GET", "/routines?minutes=abc", {}, 422),
    ("GET", "/routines?pain=-1", {}, 422),
    ("GET", "/routines?week=0", {}, 422),
    ("GET", "/routines?seed=99999999999999999999999999", {}, 422),
    ("GET", "/routines?screening=numbness-or-tingling&screening_no=numbness-or-tingling", {}, 422),
    ("GET", "/routines?screening=made-up", {}, 422),
    ("POST", "/routines", {"json": {"minutes": 10**100}}, 422),
    ("POST", "/routines", {"json": {"minutes": -5}}, 422),
    ("POST", "/routines", {"json": {"minutes": None}}, 422),
    ("POST", "/routines", {"json": {"minutes": True}}, 422),
    ("POST", "/routines", {"json": {"seed": 1.5}}, 422),
    ("POST", "/routines", {"json": {"equipment": [["towel"]]}}, 422),
    ("POST", "/routines", {"json": {"equipment": ["towel"] * 100}}, 422),
    ("POST", "/routines", {"json": {"screening": ["numbness-or-tingling"]}}, 422),
    ("POST", "/routines", {"json": {"screening": {"numbness-or-tingling": 1}}}, 422),
    ("POST", "/routines", {"json": {"exclude": "heel-raises"}}, 422),
    ("POST", "/routines", {"json": {"unknown": 1}}, 422),
    ("POST", "/routines", {"json": {"\u202e": "x"}}, 422),
    ("POST", "/routines", {"json": []}, 422),
    ("POST", "/routines", {"json": "minutes"}, 422),
    ("POST", "/routines", {"data": "null", "content_type": "application/json"}, 422),
    # malformed, empty, wrong content type, non-UTF-8, oversized bodies
    ("POST", "/routines", {"data": "{", "content_type": "application/json"}, 400),
    ("POST", "/routines", {"data": "{'a': 1}", "content_type": "application/json"}, 400),
    ("POST", "/routines", {"data": "", "content_type": "application/json"}, 400),
    ("POST", "/routines", {"data": b"\xc3\x28", "content_type": "application/json"}, 400),
    ("POST", "/routines", {"data": "NaN", "content_type": "application/json"}, 422),
    ("POST", "/routines", {"data": "{}", "content_type": "text/plain"}, 415),
    ("POST", "/routines", {"data": "{}", "content_type": "application/xml"}, 415),
    ("POST", "/routines", {"data": "minutes=10"}, 415),
    ("POST", "/routines", {}, 415),
    (
        "POST",
        "/routines",
        {"data": '{"exclude": ["' + "x" * 17_000 + '"]}', "content_type": "application/json"},
        413,
    ),
    # methods the resources do not allow
    ("DELETE", "/exercises/heel-raises", {}, 405),
    ("PUT", "/routines", {"json": {}}, 405),
    ("POST", "/exercises", {"json": {}}, 405),
    ("PATCH", "/content/releases", {}, 405),
    # garbage routine ids
    ("GET", "/routines/r1.%FF.%FF", {}, 404),
    ("GET", "/routines/r1.e30.AAAA", {}, 404),
    ("GET", "/routines/..%2F..%2Fetc%2Fpasswd", {}, 404),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), CASES)
def test_hostile_input_gets_the_documented_status_as_a_problem(
    client: FlaskClient, method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    """Never a 500: each case gets its 4xx as problem+json with a useful detail, or a 200."""
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == status, response.data[:300]
    if status >= 400:
        assert response.mimetype == PROBLEM
        body = json_of(response)
        assert body["status"] == status
        assert len(body["detail"]) > 10
        text = response.get_data(as_text=True)
        assert not any(marker in text for marker in INTERNALS), text[:300]
