"""The reference for bench/wrk_bench.py: a bare Flask app answering constant JSON bytes.

Every path and method (GET, HEAD, POST) gets the same 200 with a JSON body of about the size of
GET /exercises/heel-raises (1,902 bytes), and nothing else: no validation, content, caching
headers, metrics, CORS, compression or request ids. Two exceptions: POST /json-body, the
reference for distinct routine requests, parses the JSON body (`request.get_json()`, a 400 or
415 when that fails) and then answers the same constant bytes; GET /bytes/<n> answers constant
JSON of n bytes, the reference for a larger body such as a release's bundle. Run under the
service's own gunicorn config, the argument replacing its wsgi_app:

    .venv/bin/gunicorn --config gunicorn.conf.py bench.bare_app:app
"""

from __future__ import annotations

import json

from flask import Flask, Response, request

BODY_SIZE = 1902


def _body(size: int) -> bytes:
    """Compact JSON of exactly `size` bytes, shaped a little like an exercise."""
    steps: list[str] = []
    data = {
        "id": "reference",
        "name": "Constant reference body",
        "summary": "The same bytes for every request.",
        "steps": steps,
    }
    while len(json.dumps(data, separators=(",", ":"))) < size - 80:
        steps.append("Step text of about the length of a real instruction line.")
    data["padding"] = ""
    text = json.dumps(data, separators=(",", ":"))
    data["padding"] = "x" * (size - len(text))
    return json.dumps(data, separators=(",", ":")).encode()


BODY = _body(BODY_SIZE)
JSON_PATH = "/json-body"  # POST: parses the JSON body, then the constant bytes
SIZED_PATH = "/bytes/"  # GET /bytes/<n>: constant bytes of length n, made once per n
app = Flask(__name__)
_sized: dict[int, bytes] = {}


@app.route("/", defaults={"path": ""}, methods=["GET", "HEAD", "POST"])
@app.route("/<path:path>", methods=["GET", "HEAD", "POST"])
def constant(**_: str) -> Response:
    """The constant body, whatever the path: Flask passes it as `path`, unread."""
    return Response(BODY, mimetype="application/json")


@app.get(SIZED_PATH + "<int:size>")
def sized(size: int) -> Response:
    """Constant bytes of a given size: the reference for a larger stored body (the bundle)."""
    found = _sized.get(size)
    if found is None:
        found = _sized[size] = _body(max(size, 200))
    return Response(found, mimetype="application/json")


@app.post(JSON_PATH)
def parsed() -> Response:
    """What every JSON endpoint pays at least: reading and parsing the body."""
    request.get_json()
    return Response(BODY, mimetype="application/json")
