"""The catalogue over HTTP: whole bodies, validators, caching headers and paging."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import json_of, raw

ETAG = re.compile(r'"[0-9a-f]{32}"')
LATEST_CACHE = "public, max-age=300"
PINNED_CACHE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def app(first_release_app: Flask) -> Flask:
    """These tests spell out release 1.0.0's content: serve it alone, as the latest."""
    return first_release_app


def _with_null_notes(entry: dict[str, Any]) -> dict[str, Any]:
    """The raw entry as the API shows it: every dosage number has a `note`, null when absent."""
    entry = json.loads(json.dumps(entry))
    for value in entry.get("dosage", {}).values():
        if isinstance(value, dict):
            value.setdefault("note", None)
    return entry


def _expected_item(file: str, item_id: str, kind: str) -> dict[str, Any]:
    entry = next(item for item in raw(file) if item["id"] == item_id)
    return {"kind": kind, **_with_null_notes(entry)}


@pytest.mark.parametrize(
    ("url", "file", "entry_id", "kind"),
    [
        ("/exercises/heel-raises", "exercises.json", "heel-raises", "exercise"),
        ("/exercises/marble-pick-ups", "exercises.json", "marble-pick-ups", "exercise"),
        ("/stretches/calf-stretch", "stretches.json", "calf-stretch", "stretch"),
    ],
)
def test_item_is_the_whole_content_entry(
    client: FlaskClient, url: str, file: str, entry_id: str, kind: str
) -> None:
    """GET an exercise or stretch: the full record, exactly as written in the release."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json_of(response) == _expected_item(file, entry_id, kind)
    assert ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Content-Version"] == "1.0.0"
    assert response.headers["Cache-Control"] == LATEST_CACHE


@pytest.mark.parametrize(
    ("url", "file", "entry_id"),
    [
        ("/precautions/start-slowly", "precautions.json", "start-slowly"),
        ("/guidance/safety-notice", "guidance.json", "safety-notice"),
    ],
)
def test_precaution_and_guidance_are_the_whole_entry(
    client: FlaskClient, url: str, file: str, entry_id: str
) -> None:
    """Precautions and guidance are served exactly as written."""
    response = client.get(url)
    assert response.status_code == 200
    assert json_of(response) == next(entry for entry in raw(file) if entry["id"] == entry_id)


def test_list_pages_and_reports_totals(client: FlaskClient) -> None:
    """A page of the filtered list, in content order, with X-Pagination metadata."""
    response = client.get("/exercises?equipment=none&page=2&page_size=2")
    assert response.status_code == 200
    assert json_of(response) == [_expected_item("exercises.json", "heel-walks", "exercise")]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 3,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 2,
        "previous_page": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", None),
        (
            "?equipment=towel&position=seated",
            ["towel-curls", "foot-roll", "toe-scrunch", "toe-spread"],
        ),
        ("?equipment=marbles&equipment=container&position=seated", ["marble-pick-ups"]),
        ("?focus=balance", ["single-leg-balance"]),
        (
            "?difficulty=intermediate&equipment=none",
            ["heel-raises", "single-leg-balance", "heel-walks"],
        ),
        ("?q=Marble", ["marble-pick-ups"]),
        ("?q=nothing-matches-this", []),
        ("?equipment=none&equipment=marbles", ["heel-raises", "single-leg-balance", "heel-walks"]),
    ],
)
def test_list_filters(client: FlaskClient, query: str, expected: list[str] | None) -> None:
    """Filters select by equipment groups, position, focus, difficulty and text."""
    response = client.get(f"/exercises{query}")
    assert response.status_code == 200
    every = [entry["id"] for entry in raw("exercises.json")]
    assert [entry["id"] for entry in json_of(response)] == (every if expected is None else expected)


def test_guidance_search(client: FlaskClient) -> None:
    """q searches guidance too."""
    response = client.get("/guidance?q=charcot")
    assert [entry["id"] for entry in json_of(response)] == ["when-to-see-a-professional"]


def test_page_past_the_end_is_empty(client: FlaskClient) -> None:
    """Asking past the last page gives an empty list and the real totals."""
    response = client.get("/stretches?page=5")
    assert response.status_code == 200
    assert json_of(response) == []
    assert json.loads(response.headers["X-Pagination"])["total"] == 2


def test_if_none_match_gives_304_with_the_same_etag(client: FlaskClient) -> None:
    """A matching If-None-Match gets 304, no body, and the same validators."""
    first = client.get("/exercises/toe-spread")
    again = client.get("/exercises/toe-spread", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Version"] == "1.0.0"
    assert again.headers["Cache-Control"] == LATEST_CACHE
    other = client.get("/exercises/toe-spread", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_etag_differs_between_representations(client: FlaskClient) -> None:
    """Different filters or pages are different representations with different ETags."""
    etags = {
        client.get(url).headers["ETag"]
        for url in ("/exercises", "/exercises?page_size=3", "/exercises?q=towel", "/stretches")
    }
    assert len(etags) == 4


def test_pinned_version_is_cached_as_immutable(client: FlaskClient) -> None:
    """content_version pins a release, which never changes, so caches may keep it."""
    response = client.get("/exercises/heel-raises?content_version=1.0.0")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert response.headers["Content-Version"] == "1.0.0"
    assert response.headers["ETag"] == client.get("/exercises/heel-raises").headers["ETag"]


def test_releases_list_and_manifest(client: FlaskClient) -> None:
    """The releases list and a manifest describe release 1.0.0 from its manifest file."""
    manifest = raw("manifest.json")
    counts = {"exercises": 8, "stretches": 2, "precautions": 4, "guidance": 5, "screening": 6}
    listing = client.get("/content/releases")
    assert listing.status_code == 200
    (summary,) = json_of(listing)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", summary.pop("checksum"))
    assert summary == {
        "version": "1.0.0",
        "released": manifest["released"],
        "latest": True,
        "counts": counts,
        "languages": ["en"],  # FORMAT.md: a manifest without `languages` is in English
    }
    response = client.get("/content/releases/1.0.0")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PINNED_CACHE
    body = json_of(response)
    assert body.pop("checksum") == json_of(listing)[0]["checksum"]
    assert body == {
        "version": "1.0.0",
        "released": manifest["released"],
        "latest": True,
        "counts": counts,
        "languages": ["en"],
        "summary": manifest["summary"],
        "changes": manifest["changes"],
        "safety_notice": "safety-notice",
        "professional_advice": "when-to-see-a-professional",
        "equipment": raw("equipment.json"),
        "sources": manifest["sources"],
        "removed": [],
    }


def test_health_endpoints(client: FlaskClient) -> None:
    """Liveness and readiness answer 200; readiness names the loaded releases."""
    live = client.get("/health/live")
    assert (live.status_code, json_of(live)) == (200, {"status": "live"})
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert json_of(ready) == {"status": "ready", "latest_version": "1.0.0", "versions": ["1.0.0"]}
    assert ready.headers["Cache-Control"] == "no-store"
