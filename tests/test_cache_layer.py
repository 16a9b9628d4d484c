"""The response cache in front of Flask (service/fastpath.py): each rule of its docstring."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, Response, request
from prometheus_client import REGISTRY

from service import fastpath
from service.app import create_app
from service.fastpath import CACHEABLE_KEY, ResponseCache

HEEL_RAISES = "/exercises/heel-raises"
ITEM_ROUTE = "/exercises/<exercise_id>"


def views_called(app: Flask, path: str, method: str = "GET") -> list[str]:
    """Count the calls of the view that answers `path`: the list grows by one per call."""
    endpoint, _ = app.url_map.bind("localhost").match(path, method=method)
    view = app.view_functions[endpoint]
    calls: list[str] = []

    @functools.wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        return view(*args, **kwargs)

    app.view_functions[endpoint] = counted
    return calls


def direct_calls(app: Flask) -> list[bytes]:
    """Count the calls of the direct path of new routines (service/routine_path.py)."""
    layer = app.extensions["routine_path"]
    inner = layer.direct
    calls: list[bytes] = []

    def counted(body: bytes, *args: Any) -> Any:
        calls.append(body)
        return inner(body, *args)

    layer.direct = counted
    return calls


def hits(route: str) -> float:
    """The stored-answer counter of a route, as the whole process has counted it so far."""
    return REGISTRY.get_sample_value("http_stored_responses_total", {"route": route}) or 0.0


def cache_of(app: Flask) -> ResponseCache:
    cache = app.extensions["response_cache"]
    assert isinstance(cache, ResponseCache)
    return cache


def without_request_id(headers: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name != "X-Request-ID"]


# ---- repeats


@pytest.mark.parametrize(
    ("method", "url", "route", "kwargs"),
    [
        ("GET", "/exercises/foot-roll", ITEM_ROUTE, {}),
        (
            "GET",
            "/stretches?equipment=wall",
            "/stretches",
            {"headers": {"Accept-Encoding": "gzip"}},
        ),
        ("GET", "/routines?minutes=25&equipment=towel&equipment=wall", "/routines", {}),
        (
            "POST",
            "/routines",
            "/routines",
            {"json": {"minutes": 35, "equipment": ["towel", "wall"]}},
        ),
    ],
)
def test_repeated_requests_get_the_same_answer_from_stored_bytes(
    method: str, url: str, route: str, kwargs: dict[str, Any]
) -> None:
    """A repeat is Flask's first answer with the new request's id, counted as a stored hit."""
    client = create_app().test_client()
    headers = dict(kwargs.pop("headers", {}))
    first = client.open(url, method=method, headers=headers | {"X-Request-ID": "first"}, **kwargs)
    before = hits(route)
    again = client.open(url, method=method, headers=headers | {"X-Request-ID": "again"}, **kwargs)
    assert hits(route) - before == 1
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert (first.headers["X-Request-ID"], again.headers["X-Request-ID"]) == ("first", "again")
    assert without_request_id(again.headers) == without_request_id(first.headers)


def test_a_repeat_never_reaches_the_view() -> None:
    """The view runs for the first request only; repeats, 304s included, come from storage."""
    app = create_app()
    calls = views_called(app, HEEL_RAISES)
    direct = direct_calls(app)
    client = app.test_client()
    first = client.get(HEEL_RAISES)
    client.get(HEEL_RAISES)
    client.get(HEEL_RAISES, headers={"If-None-Match": first.headers["ETag"]})
    for _ in range(3):
        client.post("/routines", json={"seed": 5})
    assert (len(calls), len(direct)) == (1, 1)


def test_stored_answer_revalidates_with_304() -> None:
    """A repeat with the ETag gets 304 and the same validators, without a body."""
    client = create_app().test_client()
    first = client.get("/guidance/about-metatarsalgia")
    assert client.get("/guidance/about-metatarsalgia").status_code == 200  # now stored
    again = client.get(
        "/guidance/about-metatarsalgia", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_errors_and_cors_requests_are_never_stored() -> None:
    """Errors reach the view every time; requests with an Origin reach Flask every time."""
    app = create_app({"CORS_ORIGINS": ["https://app.example"]})
    missing = views_called(app, "/exercises/nope")
    listed = views_called(app, "/exercises")
    client = app.test_client()
    stored_before = len(cache_of(app).stored)
    for _ in range(2):
        assert client.get("/exercises/nope").status_code == 404
    assert len(missing) == 2
    assert client.get("/exercises").status_code == 200  # stored: a request without an Origin
    for _ in range(2):
        allowed = client.get("/exercises", headers={"Origin": "https://app.example"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert len(listed) == 3
    assert len(cache_of(app).stored) == stored_before + 1
    plain = client.get("/exercises")
    assert "Access-Control-Allow-Origin" not in plain.headers
    assert len(listed) == 3


# ---- HEAD and 304


def test_head_gets_the_get_headers_without_a_body_and_304_on_a_match() -> None:
    """HEAD: the GET's headers and no body, stored or not; 304 when If-None-Match holds."""
    app = create_app()
    calls = views_called(app, HEEL_RAISES)
    client = app.test_client()
    get = client.get(HEEL_RAISES)
    etag = get.headers["ETag"]
    for _ in range(2):  # from storage
        head = client.head(HEEL_RAISES)
        assert (head.status_code, head.data) == (200, b"")
        assert without_request_id(head.headers) == without_request_id(get.headers)
        assert head.headers["Content-Length"] == str(len(get.data))
        matched = client.head(HEEL_RAISES, headers={"If-None-Match": etag})
        assert (matched.status_code, matched.data, matched.headers["ETag"]) == (304, b"", etag)
    assert len(calls) == 1
    not_modified = client.get(HEEL_RAISES, headers={"If-None-Match": etag})
    assert without_request_id(matched.headers) == without_request_id(not_modified.headers)

    fresh = create_app()  # nothing stored: Flask answers the HEAD, this layer makes the 304
    fresh_calls = views_called(fresh, HEEL_RAISES)
    fresh_client = fresh.test_client()
    head = fresh_client.head(HEEL_RAISES)
    assert (head.status_code, head.data) == (200, b"")
    assert without_request_id(head.headers) == without_request_id(get.headers)
    matched = fresh_client.head(HEEL_RAISES, headers={"If-None-Match": f'"x", {etag}'})
    assert (matched.status_code, matched.data) == (304, b"")
    assert len(cache_of(fresh).stored) == 0  # a HEAD's empty body is never stored
    assert fresh_client.get(HEEL_RAISES).data == get.data
    assert len(fresh_calls) == 3


# ---- the key: Vary, Accept-Encoding


def tiny_app(headers: list[tuple[str, str]], max_bytes: int = fastpath.MAX_BYTES) -> Flask:
    """A Flask app behind the cache, whose cacheable /<name> answers name-sized bytes and
    `headers`; app.config["CALLS"] lists the view's calls."""
    app = Flask("tiny")
    calls: list[str] = []
    app.config["CALLS"] = calls

    @app.route("/<name>", methods=["GET", "POST"])
    def thing(name: str) -> Response:
        calls.append(name)
        request.environ[CACHEABLE_KEY] = True
        size = int(name.split("-")[-1]) if name[-1].isdigit() else 10
        return Response(b"x" * size, headers=[("ETag", f'"{name}"'), *headers])

    app.wsgi_app = ResponseCache(  # type: ignore[method-assign]
        app.wsgi_app, codings=("br", "gzip"), max_body=16 * 1024, max_bytes=max_bytes
    )
    return app


@pytest.mark.parametrize(
    ("headers", "stored"),
    [
        ([], True),
        ([("Vary", "Accept-Encoding")], True),
        ([("Vary", "Origin")], True),
        ([("Vary", "accept-encoding, ORIGIN")], True),
        ([("Vary", "Accept-Encoding"), ("Vary", "Origin")], True),
        ([("Cache-Control", "public, max-age=60")], True),
        ([("Vary", "Accept-Language")], True),
        ([("Vary", "Accept-Encoding, Accept-Language")], True),
        ([("Vary", "Accept")], True),  # JSON or FHIR: the key holds Accept
        ([("Vary", "Accept-Charset")], False),
        ([("Vary", "Accept-Encoding, Cookie")], False),
        ([("Vary", "Accept-Encoding"), ("Vary", "Authorization")], False),
        ([("Vary", "*")], False),
        ([("Set-Cookie", "session=1")], False),
        ([("Cache-Control", "private, max-age=60")], False),
        ([("Cache-Control", "no-store")], False),
    ],
)
def test_only_answers_the_key_fully_describes_are_stored(
    headers: list[tuple[str, str]], stored: bool
) -> None:
    """Vary'd headers must all be in the key; no cookies, nothing private or no-store."""
    app = tiny_app(headers)
    client = app.test_client()
    answers = [client.get("/thing", headers={"Cookie": f"c={name}"}) for name in ("a", "b")]
    assert [a.status_code for a in answers] == [200, 200]
    assert app.config["CALLS"] == (["thing"] if stored else ["thing", "thing"])


def test_accept_encoding_is_keyed_by_the_coding_it_selects() -> None:
    """Two spellings of one preference share one entry; another coding gets its own."""
    app = create_app()
    calls = views_called(app, "/exercises")
    cache = cache_of(app)
    client = app.test_client()
    gzip_spellings = ("gzip, deflate", "deflate;q=0.5, gzip", "br;q=0, gzip")
    answers = [client.get("/exercises", headers={"Accept-Encoding": ae}) for ae in gzip_spellings]
    assert {a.headers["Content-Encoding"] for a in answers} == {"gzip"}
    assert len({a.data for a in answers}) == 1
    assert (len(calls), len(cache.stored)) == (1, 1)
    for plain in ({}, {"Accept-Encoding": ""}, {"Accept-Encoding": "identity"}):
        assert "Content-Encoding" not in client.get("/exercises", headers=plain).headers
    assert (len(calls), len(cache.stored)) == (2, 2)
    packed = client.get("/exercises", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert (len(calls), len(cache.stored)) == (3, 3)


# ---- the bound


def entry_size() -> int:
    """What one tiny_app entry (GET /a-1000) counts against the bound, as the cache says."""
    app = tiny_app([])
    app.test_client().get("/a-1000")
    return cache_of_tiny(app).stored_bytes


def cache_of_tiny(app: Flask) -> ResponseCache:
    cache = app.wsgi_app
    assert isinstance(cache, ResponseCache)
    return cache


def test_the_least_recently_used_entry_goes_first_within_the_byte_bound() -> None:
    """Past max_bytes the entry unused the longest is dropped, not the oldest stored."""
    size = entry_size()
    assert size > 1000  # the body alone is 1000 bytes
    app = tiny_app([], max_bytes=10 * size + size // 2)  # ten fit
    cache = cache_of_tiny(app)
    client = app.test_client()
    names = [f"{letter}-1000" for letter in "abcdefghij"]
    for name in names:
        client.get(f"/{name}")
    assert [key[1] for key in cache.stored] == [f"/{name}" for name in names]
    client.get("/a-1000")  # used again: now the most recent
    client.get("/k-1000")
    assert [key[1] for key in cache.stored] == [f"/{n}" for n in (*names[2:], "a-1000", "k-1000")]
    assert cache.stored_bytes == 10 * size <= cache.max_bytes
    assert app.config["CALLS"] == [*names, "k-1000"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/body-9000", {}),  # the body
        ("POST", "/post", {"json": {"pad": "p" * 9000}}),  # the key: a POST's body
        ("GET", "/thing", {"query_string": {"q": "q" * 9000}}),  # the key: the query string
        ("GET", "/headers", {}),  # the headers
    ],
)
def test_every_part_of_an_entry_counts_against_the_bound(
    method: str, path: str, kwargs: dict[str, Any]
) -> None:
    """Body, key and headers each count: over max_bytes / 8 in any of them, nothing is kept."""
    headers = [("X-Big", "h" * 9000)] if path == "/headers" else []
    for max_bytes, stored in ((8 * 8_000, False), (8 * 12_000, True)):
        app = tiny_app(headers, max_bytes=max_bytes)
        client = app.test_client()
        for _ in range(2):
            assert client.open(path, method=method, **kwargs).status_code == 200
        assert len(app.config["CALLS"]) == (1 if stored else 2)
        assert cache_of_tiny(app).stored_bytes <= max_bytes


def test_distinct_routines_keep_the_store_within_its_byte_bound() -> None:
    """Many distinct routines fill the store up to RESPONSE_CACHE_BYTES and no further."""
    app = create_app({"RESPONSE_CACHE_BYTES": 200_000})  # a routine's entry: about 11 KB
    cache = cache_of(app)
    client = app.test_client()
    sizes = []
    for seed in range(40):
        assert client.post("/routines", json={"seed": seed}).status_code == 200
        sizes.append(cache.stored_bytes)
    assert max(sizes) <= 200_000
    assert sizes[-1] > 100_000  # it stores up to the bound, then holds
    assert 0 < len(cache.stored) < 40


def test_the_docs_bundle_is_kept_compressed_only() -> None:
    """The 1.5 MB Swagger UI bundle exceeds an entry's share of the bound; its br body does not."""
    app = create_app()
    path = "/docs/assets/swagger-ui-bundle.js"
    calls = views_called(app, path)
    client = app.test_client()
    plain = [client.get(path) for _ in range(2)]
    assert len(plain[0].data) > fastpath.MAX_BYTES // fastpath.LARGEST_SHARE
    assert len(calls) == 2
    for _ in range(2):
        assert client.get(path, headers={"Accept-Encoding": "br"}).status_code == 200
    assert len(calls) == 3


# ---- what runs on a repeat


def test_an_after_request_hook_acts_on_the_first_answer_only() -> None:
    """As the module docstring says, after_request hooks do not run on stored repeats: the
    repeat carries what the hook set on the first answer, and the hook is not called again."""
    app = create_app()
    runs: list[str] = []

    @app.after_request
    def stamp(response: Response) -> Response:
        runs.append(request.path)
        response.headers["X-Stamp"] = f"run {len(runs)}"
        return response

    client = app.test_client()
    first = client.get(HEEL_RAISES)
    again = client.get(HEEL_RAISES)
    assert first.headers["X-Stamp"] == "run 1"
    assert again.headers["X-Stamp"] == "run 1"
    assert runs == [HEEL_RAISES]
    assert again.data == first.data


def test_the_app_has_only_the_hooks_the_cache_docstring_accounts_for() -> None:
    """A new before/after_request hook would not run on repeats: adding one must fail here,
    so that whoever adds it reads service/fastpath.py's docstring and decides."""
    app = create_app({"CORS_ORIGINS": ["https://app.example"]})

    def names(registry: dict[Any, list[Callable[..., Any]]]) -> list[str]:
        return sorted(f"{key}:{hook.__name__}" for key, hooks in registry.items() for hook in hooks)

    assert names(app.before_request_funcs) == []
    assert names(app.url_value_preprocessors) == []
    assert names(app.teardown_request_funcs) == []
    assert names(app.after_request_funcs) == [
        "None:after_request",  # flask-compress: leaves representations, which carry an encoding
        "None:cors_after_request",  # flask-cors: requests with an Origin are never stored
        "None:name_route",  # observability: the route is stored with the entry
        "None:security_headers",  # constant: stored with the headers
        "None:vary_on_origin",  # constant once configured: stored with the headers
    ]
