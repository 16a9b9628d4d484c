"""README promises about HTTP itself: validators, HEAD, CORS, security headers, compression."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app

from .conftest import LATEST, raw

# README "Operations", word for word.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
EXPOSED = {"ETag", "Content-Version", "X-Pagination", "X-Request-ID", "Content-Location"}
ORIGIN = "https://app.example"
STRONG_ETAG = re.compile(r'"[^"]+"')
LATEST_CACHE = "public, max-age=300"
PINNED_CACHE = "public, max-age=31536000, immutable"
DECODE: dict[str, Callable[[bytes], bytes]] = {"br": brotli.decompress, "gzip": gzip.decompress}
# The README's own examples of content requests, and whether each is pinned to a release.
README_URLS = [
    ("/exercises?equipment=towel&position=seated", False),
    ("/exercises?equipment=none&page=1&page_size=2", False),
    ("/exercises?focus=balance&difficulty=intermediate&q=foot", False),
    ("/exercises/heel-raises", False),
    ("/stretches?equipment=wall", False),
    ("/stretches/calf-stretch", False),
    ("/precautions", False),
    ("/precautions/start-slowly", False),
    ("/guidance?q=professional", False),
    ("/guidance/when-to-see-a-professional", False),
    ("/screening", False),
    ("/content/releases", False),
    ("/content/releases/1.0.0", True),
    ("/exercises/foot-roll?content_version=1.0.0", True),
    ("/routines?pain=2", False),
    ("ROUTINE", True),
    ("ROUTINE/programme", True),
]


@pytest.fixture(scope="module")
def cors_app() -> Flask:
    return create_app({"TESTING": True, "CORS_ORIGINS": [ORIGIN]})


def _url(client: FlaskClient, url: str) -> str:
    """A README URL, with ROUTINE standing for the id of the routine `{"pain": 2}`."""
    if url.startswith("ROUTINE"):
        routine_id = _json(client.post("/routines", json={"pain": 2}))["id"]
        return url.replace("ROUTINE", f"/routines/{routine_id}")
    return url


def _json(response: Any) -> Any:
    """The JSON body of a response, which must have one."""
    body = response.get_json()
    assert body is not None, response.data[:200]
    return body


def _without_request_id(headers: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers.items() if name != "X-Request-ID"]


@pytest.mark.parametrize(("url", "pinned"), README_URLS)
def test_every_content_response_carries_its_validators_and_revalidates(
    client: FlaskClient, url: str, pinned: bool
) -> None:
    """README "Endpoints": every content response carries `Content-Version`, a strong `ETag`
    and `Cache-Control` (immutable when pinned, 5 minutes for the latest); the ETag sent back
    in If-None-Match gets 304 Not Modified."""
    url = _url(client, url)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Version"] == ("1.0.0" if "1.0.0" in url else LATEST)
    assert STRONG_ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Cache-Control"] == (PINNED_CACHE if pinned else LATEST_CACHE)
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        *[(url, {}) for url, _ in README_URLS],
        ("/exercises", {"Accept-Encoding": "br"}),
        ("/docs", {}),
        ("/docs/assets/swagger-ui.css", {"Accept-Encoding": "gzip"}),
        ("/openapi.json", {}),
        ("/health/ready", {}),
    ],
)
def test_head_answers_the_headers_of_get_without_a_body(
    client: FlaskClient, url: str, headers: dict[str, str]
) -> None:
    """Resources allow HEAD (README "Errors": 405 with `Allow`, which lists it): the same
    status and headers as GET, Content-Length included, and no body."""
    url = _url(client, url)
    got = client.get(url, headers=headers)
    head = client.head(url, headers=headers)
    assert (head.status_code, head.data) == (got.status_code, b"")
    assert _without_request_id(head.headers) == _without_request_id(got.headers)
    assert int(head.headers["Content-Length"]) == len(got.data)


def test_head_with_the_etag_is_not_modified(client: FlaskClient) -> None:
    """README: "Send the ETag back in `If-None-Match` to get `304 Not Modified`", for HEAD as
    for GET (RFC 9110 13.1.2), the plain and the compressed variant alike."""
    for headers in ({}, {"Accept-Encoding": "br"}):
        etag = client.get("/exercises/heel-raises", headers=headers).headers["ETag"]
        again = client.head("/exercises/heel-raises", headers=headers | {"If-None-Match": etag})
        assert (again.status_code, again.headers["ETag"]) == (304, etag)


def test_cors_preflight_lets_an_allowed_origin_post_and_revalidate(cors_app: Flask) -> None:
    """README "CORS": only for the origins in CORS_ORIGINS. A browser on that origin may POST
    a JSON routine request and send If-None-Match and X-Request-ID."""
    client = cors_app.test_client()
    for url, method, asked in (
        ("/routines", "POST", "Content-Type"),
        ("/exercises", "GET", "If-None-Match, X-Request-ID"),
    ):
        response = client.options(
            url,
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": asked,
            },
        )
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        allowed = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
        assert method in allowed
        granted = {
            h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
        }
        assert {h.strip().lower() for h in asked.split(",")} <= granted


@pytest.mark.parametrize("app_name", ["cors_app", "app"])
def test_cors_preflight_from_another_origin_gets_no_grant(
    request: pytest.FixtureRequest, app_name: str
) -> None:
    """README: CORS is "only for the origins in CORS_ORIGINS (none by default)": a preflight
    from any other origin, or with none configured, carries no Access-Control header."""
    client = request.getfixturevalue(app_name).test_client()
    origin = "https://evil.example" if app_name == "cors_app" else ORIGIN
    response = client.options(
        "/routines", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert not [name for name, _ in response.headers.items() if name.startswith("Access-Control-")]


def test_cors_exposes_exactly_the_readme_headers_content_location_included(
    cors_app: Flask,
) -> None:
    """README: "exposing ETag, Content-Version, X-Pagination, X-Request-ID and
    Content-Location", so a browser reads a new routine's own URL from POST /routines."""
    client = cors_app.test_client()
    posted = client.post("/routines", json={"pain": 2}, headers={"Origin": ORIGIN})
    assert posted.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in posted.headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed == EXPOSED
    assert posted.headers["Content-Location"] == f"/routines/{_json(posted)['id']}"


def _responses(client: FlaskClient, boom_client: FlaskClient) -> dict[str, Any]:
    """One response of each kind the service gives, by a name for the test's report."""
    etag = client.get("/exercises/heel-raises").headers["ETag"]
    return {
        "content": client.get("/exercises"),
        "stored repeat": client.get("/exercises"),
        "304": client.get("/exercises/heel-raises", headers={"If-None-Match": etag}),
        "new routine": client.post("/routines", json={"seed": 12345}),
        "routine query": client.get("/routines?seed=54321"),
        "404": client.get("/nowhere"),
        "405": client.delete("/exercises"),
        "413": client.post("/routines", data="x" * 20_000, content_type="application/json"),
        "415": client.post("/routines", data="{}", content_type="text/plain"),
        "422": client.get("/exercises?page=0"),
        "410": client.post("/routines", json={"content_version": "1.0.0"}),
        "500": boom_client.get("/boom"),
        "docs": client.get("/docs"),
        "docs asset": client.get("/docs/assets/swagger-ui.css"),
        "openapi": client.get("/openapi.json"),
        "metrics": client.get("/metrics"),
        "health": client.get("/health/live"),
        "head": client.head("/exercises"),
        "options": client.options("/exercises"),
    }


def test_security_headers_on_every_response_with_the_whole_policy(client: FlaskClient) -> None:
    """README "Security headers on every response": the Content-Security-Policy exactly as
    written (every directive, every value), `X-Content-Type-Options: nosniff` and
    `Referrer-Policy: no-referrer`, on content, errors, the docs, metrics and health."""
    boom = create_app({"TESTING": False})

    @boom.get("/boom")
    def fails() -> str:
        raise RuntimeError("a failure inside a view")

    responses = _responses(client, boom.test_client())
    assert responses["500"].status_code == 500
    found = {
        name: (
            response.headers.get("Content-Security-Policy"),
            response.headers.get("X-Content-Type-Options"),
            response.headers.get("Referrer-Policy"),
        )
        for name, response in responses.items()
    }
    assert found == dict.fromkeys(responses, (CSP, "nosniff", "no-referrer"))


def test_the_policy_has_each_directive_once() -> None:
    """The policy README states, parsed: six directives, none repeated, `'none'` for objects,
    base URIs and framing; nothing but this service (and data: images) for the rest."""
    directives = [part.split() for part in CSP.split("; ")]
    assert {name: values for name, *values in directives} == {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert len(directives) == 6


@pytest.mark.parametrize("coding", ["br", "gzip"])
@pytest.mark.parametrize(
    "asset", ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]
)
def test_docs_assets_are_compressed_with_their_own_etag(
    client: FlaskClient, coding: str, asset: str
) -> None:
    """README "Compression": "the docs' assets over 1 KB are sent as br or gzip when the
    client accepts them", each encoding with its own strong ETag, which revalidates to 304."""
    url = f"/docs/assets/{asset}"
    plain = client.get(url)
    assert len(plain.data) > 1024
    packed = client.get(url, headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert DECODE[coding](packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + f'-{coding}"'
    again = client.get(
        url, headers={"Accept-Encoding": coding, "If-None-Match": packed.headers["ETag"]}
    )
    assert (again.status_code, again.data) == (304, b"")


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_the_openapi_document_is_compressed(client: FlaskClient, coding: str) -> None:
    """README "Compression": JSON over 1 KB goes as br or gzip, the OpenAPI document too."""
    plain = client.get("/openapi.json")
    packed = client.get("/openapi.json", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert DECODE[coding](packed.data) == plain.data


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_large_problem_is_compressed(client: FlaskClient, coding: str) -> None:
    """README "Compression": problem+json over 1 KB is sent as br or gzip when accepted; a
    query of sixty unknown parameters gives a problem listing fifty of them."""
    url = "/exercises?" + "&".join(f"unknown{n}=1" for n in range(60))
    plain = client.get(url)
    assert (plain.status_code, plain.mimetype) == (422, "application/problem+json")
    assert len(plain.data) > 1024
    packed = client.get(url, headers={"Accept-Encoding": coding})
    assert packed.headers.get("Content-Encoding") == coding
    assert DECODE[coding](packed.data) == plain.data


def _count(text: str, method: str, route: str, status: str) -> float:
    """The `_count` sample of http_request_duration_seconds for these labels, 0 when absent."""
    labels = f'method="{method}",route="{route}",status="{status}"'
    for line in text.splitlines():
        if line.startswith(f"http_request_duration_seconds_count{{{labels}}}"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_and_unknown_methods_as_other(client: FlaskClient) -> None:
    """README "Metrics": the histogram's `_count` counts requests by method, route template
    and status; "unknown methods count as `other`", never under their own name."""
    before = client.get("/metrics").get_data(as_text=True)
    for _ in range(3):
        client.get("/stretches/calf-stretch")
    client.open("/stretches", method="BREW")
    after = client.get("/metrics").get_data(as_text=True)
    route = "/stretches/<stretch_id>"
    assert _count(after, "GET", route, "200") - _count(before, "GET", route, "200") == 3
    assert (
        _count(after, "other", "unmatched", "405") - _count(before, "other", "unmatched", "405")
        == 1
    )
    assert "BREW" not in after


def test_metrics_carry_the_service_version(client: FlaskClient, app: Flask) -> None:
    """README "Metrics": `metatarsalgia_service_info{version}`, set to 1."""
    text = client.get("/metrics").get_data(as_text=True)
    version = app.config["API_VERSION"]
    assert f'metatarsalgia_service_info{{version="{version}"}} 1.0' in text.splitlines()


def test_page_size_is_1_to_100_with_a_default_of_20(client: FlaskClient) -> None:
    """README: "`page_size` (1-100, default 20)", as the OpenAPI document states and the
    service enforces at both ends."""
    parameters = _json(client.get("/openapi.json"))["paths"]["/exercises"]["get"]["parameters"]
    size = next(p for p in parameters if p["name"] == "page_size")["schema"]
    assert (size["default"], size["minimum"], size["maximum"]) == (20, 1, 100)
    assert client.get("/exercises?page_size=1").status_code == 200
    assert client.get("/exercises?page_size=100").status_code == 200
    assert client.get("/exercises?page_size=0").status_code == 422


def _searched(file: str, fields: tuple[str, ...], query: str) -> list[str]:
    """The ids whose fields hold every word of the query, ignoring case, from the raw JSON."""

    def text(entry: dict[str, Any]) -> str:
        parts = [entry[f] if isinstance(entry[f], str) else " ".join(entry[f]) for f in fields]
        return " ".join(parts).lower()

    words = query.lower().split()
    return [e["id"] for e in raw(file, LATEST) if all(w in text(e) for w in words)]


@pytest.mark.parametrize("query", ["TOWEL curl", "curl Towel", "chair", "Balls FEET", "floor"])
def test_q_needs_every_word_in_the_name_summary_or_steps_ignoring_case(
    client: FlaskClient, query: str
) -> None:
    """README: "`q` (every word must appear in the name, summary or steps, ignoring case)"."""
    expected = _searched("exercises.json", ("name", "summary", "steps"), query)
    assert expected  # each query finds something, so the filter is seen to keep and drop
    found = [entry["id"] for entry in _json(client.get(f"/exercises?q={query}"))]
    assert found == expected


def test_q_does_not_search_the_cautions(client: FlaskClient) -> None:
    """README: q searches "the name, summary or steps": a word only found in cautions finds
    nothing."""
    searched = " ".join(
        " ".join([e["name"], e["summary"], *e["steps"]]).lower()
        for f in ("exercises.json", "stretches.json")
        for e in raw(f, LATEST)
    )
    cautions = {
        word
        for e in raw("exercises.json", LATEST)
        for caution in e["cautions"]
        for word in re.findall(r"[a-z]{6,}", caution.lower())
    }
    only_there = sorted(word for word in cautions if word not in searched)
    assert only_there
    assert _json(client.get(f"/exercises?q={only_there[0]}")) == []


def test_precautions_take_q(client: FlaskClient) -> None:
    """README: "`/precautions` and `/guidance` take `q`"; a precaution is found by its words."""
    precautions = raw("precautions.json", LATEST)
    word = precautions[-1]["title"].split()[-1].upper()
    expected = _searched("precautions.json", ("title", "summary", "advice"), word)
    assert expected
    assert expected != [p["id"] for p in precautions]
    assert [p["id"] for p in _json(client.get(f"/precautions?q={word}"))] == expected


@pytest.mark.parametrize(
    "url",
    [
        "/exercises",
        "/content/releases/1.1.0",
        "/screening",
        "/routines?pain=2",
        "ROUTINE/programme",
    ],
)
def test_content_json_is_the_standard_librarys_compact_utf_8(client: FlaskClient, url: str) -> None:
    """README: "Content JSON is written with orjson (the same bytes as the standard
    library's)": compact separators, non-ASCII as UTF-8 (the manifest's sources hold an é)."""
    body = client.get(_url(client, url)).data
    assert body == json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    ("method", "url", "level"),
    [("POST", "/routines", 6), ("GET", "/exercises/heel-raises", 9), ("GET", "/exercises", 9)],
)
def test_gzip_is_level_6_for_a_new_routine_and_9_for_catalogue_content(
    client: FlaskClient, method: str, url: str, level: int
) -> None:
    """README: a new routine "takes brotli 5 or gzip 6"; "catalogue content, compressed once
    per release, keeps brotli 9 and gzip 9". The deflate stream after gzip's 10-byte header
    (which holds a time) is that of the level."""
    every = sorted(entry["id"] for entry in raw("equipment.json", LATEST))
    routine = {"minutes": 60, "equipment": every, "pain": 2, "seed": 77}
    kwargs: dict[str, Any] = {"json": routine} if method == "POST" else {}
    plain = client.open(url, method=method, **kwargs).data
    packed = client.open(url, method=method, headers={"Accept-Encoding": "gzip"}, **kwargs)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain

    def stream(level: int) -> bytes:
        return gzip.compress(plain, compresslevel=level, mtime=0)[10:]

    assert stream(6) != stream(9)  # a body on which the two levels differ
    assert packed.data[10:] == stream(level)
